#include "store/postgres/merge_store.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error.h"
#include "base/utf8.h"
#include "store/postgres/event_log.h"

namespace crm::store::postgres {
namespace {

// The columns every merge read selects, in MergeRowAt()'s order; the
// snapshot comes as hex through encode(), whatever the server's
// bytea_output, or as '' when left out.
constexpr int kMergeColumns = 6;

std::string SelectMerges(absl::string_view rest, bool with_snapshots = true) {
  return absl::StrCat(
      "SELECT merged_id, merge_id, into_id, survivor_id, external_id, ",
      with_snapshots ? "encode(snapshot, 'hex')" : "''",
      " FROM crm_merges WHERE workspace_id = $1 AND ", rest);
}

absl::StatusOr<MergeRow> MergeRowAt(const Result& found, int at) {
  MergeRow row;
  CRM_ASSIGN_OR_RETURN(row.merged_id, found.Integer(at, 0, "merged id"));
  CRM_ASSIGN_OR_RETURN(row.merge_id, found.Integer(at, 1, "merge id"));
  CRM_ASSIGN_OR_RETURN(row.into_id, found.Integer(at, 2, "merge's into id"));
  CRM_ASSIGN_OR_RETURN(row.survivor_id,
                       found.Integer(at, 3, "merge's survivor id"));
  row.external_id = std::string(found.Text(at, 4));
  if (found.IsNull(at, 5)) {
    return DamagedValue("PostgreSQL sent a merge without a snapshot");
  }
  CRM_ASSIGN_OR_RETURN(row.snapshot,
                       BytesFromHex(found.Text(at, 5), "a merge snapshot"));
  return row;
}

// The merge rows that `sql` (a SelectMerges() statement) finds.
absl::StatusOr<std::vector<MergeRow>> CollectMerges(
    Connection& connection, absl::string_view sql,
    const Parameters& parameters) {
  CRM_ASSIGN_OR_RETURN(Result found, connection.Execute(sql, parameters));
  if (found.columns() != kMergeColumns) {
    return DamagedValue(absl::StrCat("PostgreSQL sent ", found.columns(),
                                     " columns where ", kMergeColumns,
                                     " belong"));
  }
  std::vector<MergeRow> rows;
  rows.reserve(found.rows());
  for (int at = 0; at < found.rows(); ++at) {
    CRM_ASSIGN_OR_RETURN(MergeRow row, MergeRowAt(found, at));
    rows.push_back(std::move(row));
  }
  return rows;
}

// The first merge row that `sql` finds, if any.
absl::StatusOr<std::optional<MergeRow>> FirstMerge(
    Connection& connection, absl::string_view sql,
    const Parameters& parameters) {
  CRM_ASSIGN_OR_RETURN(std::vector<MergeRow> rows,
                       CollectMerges(connection, sql, parameters));
  if (rows.empty()) return std::optional<MergeRow>();
  return std::optional<MergeRow>(std::move(rows.front()));
}

absl::Status CheckExternalId(const std::string& external_id) {
  return ValidateText(external_id, "external_id",
                      [] { return "a merged customer's external_id"; });
}

}  // namespace

absl::Status InsertMerge(Connection& connection, int64_t workspace_id,
                         const MergeRow& row) {
  CRM_RETURN_IF_ERROR(CheckExternalId(row.external_id));
  return Run(
      connection,
      "INSERT INTO crm_merges (workspace_id, merged_id, merge_id, "
      "into_id, survivor_id, external_id, snapshot) VALUES ($1, "
      "$2::bigint, $3::bigint, $4::bigint, $5::bigint, $6::text, "
      "decode($7::text, 'hex'))",
      {absl::StrCat(workspace_id), absl::StrCat(row.merged_id),
       absl::StrCat(row.merge_id), absl::StrCat(row.into_id),
       absl::StrCat(row.survivor_id),
       row.external_id.empty() ? std::nullopt : std::optional(row.external_id),
       absl::BytesToHexString(row.snapshot)});
}

absl::StatusOr<std::optional<MergeRow>> SelectMerge(Connection& connection,
                                                    int64_t workspace_id,
                                                    int64_t merged_id) {
  return FirstMerge(connection, SelectMerges("merged_id = $2::bigint"),
                    {absl::StrCat(workspace_id), absl::StrCat(merged_id)});
}

absl::StatusOr<std::optional<MergeRow>> SelectMergeByExternalId(
    Connection& connection, int64_t workspace_id,
    const std::string& external_id) {
  CRM_RETURN_IF_ERROR(CheckExternalId(external_id));
  return FirstMerge(connection,
                    SelectMerges("external_id = $2::text ORDER BY merge_id "
                                 "DESC, merged_id DESC LIMIT 1"),
                    {absl::StrCat(workspace_id), external_id});
}

absl::StatusOr<std::vector<MergeRow>> SelectMergeRows(Connection& connection,
                                                      int64_t workspace_id,
                                                      int64_t merge_id) {
  return CollectMerges(connection,
                       SelectMerges("merge_id = $2::bigint ORDER BY merged_id"),
                       {absl::StrCat(workspace_id), absl::StrCat(merge_id)});
}

absl::StatusOr<std::vector<MergeRow>> SelectMergesBySurvivor(
    Connection& connection, int64_t workspace_id, int64_t survivor_id,
    bool with_snapshots) {
  return CollectMerges(
      connection,
      SelectMerges("survivor_id = $2::bigint ORDER BY merged_id",
                   with_snapshots),
      {absl::StrCat(workspace_id), absl::StrCat(survivor_id)});
}

absl::Status SetMergeSurvivor(Connection& connection, int64_t workspace_id,
                              const std::vector<int64_t>& merged_ids,
                              int64_t survivor_id) {
  if (merged_ids.empty()) return absl::OkStatus();
  return Run(connection,
             "UPDATE crm_merges SET survivor_id = $2::bigint WHERE "
             "workspace_id = $1 AND merged_id = ANY ($3::bigint[])",
             {absl::StrCat(workspace_id), absl::StrCat(survivor_id),
              absl::StrCat("{", absl::StrJoin(merged_ids, ","), "}")});
}

absl::StatusOr<int64_t> DeleteMerge(Connection& connection,
                                    int64_t workspace_id, int64_t merge_id) {
  CRM_ASSIGN_OR_RETURN(
      Result deleted,
      connection.Execute("DELETE FROM crm_merges WHERE workspace_id = $1 AND "
                         "merge_id = $2::bigint",
                         {absl::StrCat(workspace_id), absl::StrCat(merge_id)}));
  return deleted.AffectedRows();
}

absl::StatusOr<std::vector<MergeRow>> SelectMergesAfter(Connection& connection,
                                                        int64_t workspace_id,
                                                        int64_t after_id,
                                                        int64_t limit) {
  return CollectMerges(
      connection,
      SelectMerges("merged_id > $2::bigint ORDER BY merged_id LIMIT "
                   "$3::bigint"),
      {absl::StrCat(workspace_id), absl::StrCat(after_id),
       limit < 0 ? std::nullopt : std::optional(absl::StrCat(limit))});
}

}  // namespace crm::store::postgres
