#include "store/postgres/id_sequences.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/postgres/catalog.h"

namespace crm::store::postgres {
namespace {

constexpr IdSequence kAll[] = {IdSequence::kCustomerIds, IdSequence::kEventSeqs,
                               IdSequence::kStringIds};

// The options every id sequence has; VerifyIdSequences() checks them.
constexpr char kOptions[] =
    " AS bigint INCREMENT 1 MINVALUE 1 NO MAXVALUE CACHE 1 NO CYCLE";

int64_t FirstValue(IdSequence sequence) {
  return sequence == IdSequence::kStringIds ? 5 : 1;
}

}  // namespace

std::string IdSequenceName(int64_t workspace_id, IdSequence sequence) {
  const char* suffix = sequence == IdSequence::kCustomerIds ? "customer_ids"
                       : sequence == IdSequence::kEventSeqs ? "event_seqs"
                                                            : "string_ids";
  return absl::StrCat("crm_ws", workspace_id, "_", suffix);
}

absl::Status CreateIdSequences(Connection& connection, int64_t workspace_id) {
  std::string sql;
  for (IdSequence sequence : kAll) {
    absl::StrAppend(&sql, "CREATE SEQUENCE ",
                    IdSequenceName(workspace_id, sequence), kOptions, " START ",
                    FirstValue(sequence), ";");
  }
  return connection.ExecuteScript(sql);
}

absl::Status DropIdSequences(Connection& connection, int64_t workspace_id) {
  std::string sql = "DROP SEQUENCE IF EXISTS ";
  for (IdSequence sequence : kAll) {
    absl::StrAppend(&sql, sequence == kAll[0] ? "" : ", ",
                    IdSequenceName(workspace_id, sequence));
  }
  return connection.ExecuteScript(sql);
}

absl::Status VerifyIdSequences(Connection& connection, int64_t workspace_id) {
  Parameters names;
  for (IdSequence sequence : kAll) {
    names.push_back(IdSequenceName(workspace_id, sequence));
  }
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute(
          "SELECT count(*) FROM pg_sequences WHERE schemaname = "
          "current_schema() AND sequencename IN ($1, $2, $3) AND data_type "
          "= 'bigint'::regtype AND increment_by = 1 AND min_value = 1 AND "
          "max_value = 9223372036854775807 AND cache_size = 1 AND NOT cycle",
          names));
  CRM_ASSIGN_OR_RETURN(int64_t count, found.Integer(0, 0, "sequence count"));
  if (count == 3) return absl::OkStatus();
  return MakeError(
      ErrorCode::kNotWorkspace,
      absl::StrCat("the sequences that number workspace ", workspace_id,
                   "'s ids are missing or not what libcrm makes"),
      "", Rule::kSchema);
}

absl::StatusOr<int64_t> LastIdTaken(Connection& connection,
                                    int64_t workspace_id, IdSequence sequence) {
  CRM_ASSIGN_OR_RETURN(
      Result last,
      connection.Execute(absl::StrCat(
          "SELECT last_value - CASE WHEN is_called THEN 0 ELSE 1 END FROM ",
          IdSequenceName(workspace_id, sequence))));
  if (last.rows() != 1) {
    return DamagedValue("PostgreSQL sent no last value of a sequence");
  }
  CRM_ASSIGN_OR_RETURN(int64_t taken, last.Integer(0, 0, "a sequence value"));
  if (taken < 0) {
    return DamagedValue("PostgreSQL sent a negative sequence value");
  }
  return taken;
}

absl::Status RaiseIdSequences(Connection& connection, int64_t workspace_id,
                              int64_t next_customer_id, int64_t next_seq,
                              int64_t next_string_id) {
  CRM_ASSIGN_OR_RETURN(
      Result locked,
      connection.Execute("SELECT 1 FROM crm_counters WHERE workspace_id = $1 "
                         "FOR NO KEY UPDATE",
                         {absl::StrCat(workspace_id)}));
  if (locked.rows() != 1) return WorkspaceGone(workspace_id);
  const std::pair<IdSequence, int64_t> raises[] = {
      {IdSequence::kCustomerIds, next_customer_id},
      {IdSequence::kEventSeqs, next_seq},
      {IdSequence::kStringIds, next_string_id}};
  for (const auto& [sequence, next] : raises) {
    const std::string name = IdSequenceName(workspace_id, sequence);
    // setval(..., false): the next nextval() returns exactly that value.
    CRM_RETURN_IF_ERROR(
        connection
            .Execute(absl::StrCat("SELECT setval('", name,
                                  "', greatest($1::bigint, last_value + CASE "
                                  "WHEN is_called THEN 1 ELSE 0 END), false) "
                                  "FROM ",
                                  name),
                     {absl::StrCat(next)})
            .status());
  }
  return absl::OkStatus();
}

}  // namespace crm::store::postgres
