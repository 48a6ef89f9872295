#include "store/sqlite/merge_table.h"

#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/sqlite/statement.h"

namespace crm::store::sqlite {
namespace {

// The columns every merge read selects, in ReadMergeRow()'s order: the
// snapshot last, so that a read leaving it out (NULL in its place) stops
// before its bytes.
constexpr char kMergeColumns[] =
    "SELECT merged_id, merge_id, into_id, survivor_id, external_id, ";
constexpr char kFromMerges[] = " FROM crm_merges ";

std::string SelectMerges(absl::string_view rest, bool with_snapshots = true) {
  return absl::StrCat(kMergeColumns, with_snapshots ? "snapshot" : "NULL",
                      kFromMerges, rest);
}

MergeRow ReadMergeRow(const Statement& statement) {
  MergeRow row;
  row.merged_id = statement.ColumnInt(0);
  row.merge_id = statement.ColumnInt(1);
  row.into_id = statement.ColumnInt(2);
  row.survivor_id = statement.ColumnInt(3);
  row.external_id = statement.ColumnText(4);
  // The bytes are moved out of the column's copy, not copied twice.
  SqlValue snapshot = statement.Column(5);
  Blob* blob = std::get_if<Blob>(&snapshot);
  row.snapshot =
      blob != nullptr ? std::move(blob->bytes) : statement.ColumnText(5);
  return row;
}

// Runs a prepared, bound statement and collects its merge rows.
absl::StatusOr<std::vector<MergeRow>> CollectMerges(Statement* statement) {
  std::vector<MergeRow> rows;
  CRM_RETURN_IF_ERROR(statement->ForEachRow(
      [&](const Statement& at) { rows.push_back(ReadMergeRow(at)); }));
  return rows;
}

// The first merge row of a prepared, bound statement, if any.
absl::StatusOr<std::optional<MergeRow>> FirstMerge(Statement* statement) {
  CRM_ASSIGN_OR_RETURN(std::vector<MergeRow> rows, CollectMerges(statement));
  if (rows.empty()) return std::optional<MergeRow>();
  return std::optional<MergeRow>(std::move(rows.front()));
}

}  // namespace

absl::Status InsertMerge(Connection& connection, const MergeRow& row) {
  CRM_ASSIGN_OR_RETURN(
      Statement * insert,
      connection.Prepare("INSERT INTO crm_merges(merged_id, merge_id, "
                         "into_id, survivor_id, external_id, snapshot) "
                         "VALUES (?, ?, ?, ?, ?, ?)"));
  CRM_RETURN_IF_ERROR(insert->BindAll(
      {row.merged_id, row.merge_id, row.into_id, row.survivor_id,
       row.external_id.empty() ? SqlValue() : SqlValue(row.external_id),
       Blob{row.snapshot}}));
  return insert->Run();
}

absl::StatusOr<std::optional<MergeRow>> SelectMerge(Connection& connection,
                                                    int64_t merged_id) {
  CRM_ASSIGN_OR_RETURN(Statement * select,
                       connection.Prepare(SelectMerges("WHERE merged_id = ?")));
  CRM_RETURN_IF_ERROR(select->Bind(1, merged_id));
  return FirstMerge(select);
}

absl::StatusOr<std::optional<MergeRow>> SelectMergeByExternalId(
    Connection& connection, const std::string& external_id) {
  CRM_ASSIGN_OR_RETURN(Statement * select,
                       connection.Prepare(SelectMerges(
                           "WHERE external_id = ? ORDER BY merge_id DESC, "
                           "merged_id DESC LIMIT 1")));
  CRM_RETURN_IF_ERROR(select->Bind(1, external_id));
  return FirstMerge(select);
}

absl::StatusOr<std::vector<MergeRow>> SelectMergeRows(Connection& connection,
                                                      int64_t merge_id) {
  CRM_ASSIGN_OR_RETURN(Statement * select,
                       connection.Prepare(SelectMerges(
                           "WHERE merge_id = ? ORDER BY merged_id")));
  CRM_RETURN_IF_ERROR(select->Bind(1, merge_id));
  return CollectMerges(select);
}

absl::StatusOr<std::vector<MergeRow>> SelectMergesBySurvivor(
    Connection& connection, int64_t survivor_id, bool with_snapshots) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(SelectMerges(
          "WHERE survivor_id = ? ORDER BY merged_id", with_snapshots)));
  CRM_RETURN_IF_ERROR(select->Bind(1, survivor_id));
  return CollectMerges(select);
}

absl::Status SetMergeSurvivor(Connection& connection,
                              const std::vector<int64_t>& merged_ids,
                              int64_t survivor_id) {
  CRM_ASSIGN_OR_RETURN(
      Statement * update,
      connection.Prepare(
          "UPDATE crm_merges SET survivor_id = ? WHERE merged_id = ?"));
  for (int64_t merged_id : merged_ids) {
    CRM_RETURN_IF_ERROR(update->BindAll({survivor_id, merged_id}));
    absl::Status updated = update->Run();
    update->Reset();
    CRM_RETURN_IF_ERROR(updated);
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> DeleteMerge(Connection& connection, int64_t merge_id) {
  CRM_ASSIGN_OR_RETURN(
      Statement * remove,
      connection.Prepare(
          "DELETE FROM crm_merges WHERE merge_id = ? RETURNING merged_id"));
  CRM_RETURN_IF_ERROR(remove->Bind(1, merge_id));
  // RETURNING yields a row per row removed.
  int64_t removed = 0;
  CRM_RETURN_IF_ERROR(remove->ForEachRow([&](const Statement&) { ++removed; }));
  return removed;
}

absl::StatusOr<std::vector<MergeRow>> SelectMergesAfter(Connection& connection,
                                                        int64_t after_id,
                                                        int64_t limit) {
  CRM_ASSIGN_OR_RETURN(Statement * select,
                       connection.Prepare(SelectMerges(
                           "WHERE merged_id > ? ORDER BY merged_id LIMIT ?")));
  CRM_RETURN_IF_ERROR(select->BindAll({after_id, limit}));
  return CollectMerges(select);
}

}  // namespace crm::store::sqlite
