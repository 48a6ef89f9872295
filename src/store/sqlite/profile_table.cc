#include "store/sqlite/profile_table.h"

#include "base/error.h"
#include "store/sqlite/statement.h"

namespace crm::store::sqlite {

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadProfiles(
    Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(
          "SELECT name, definition FROM crm_profiles ORDER BY name"));
  std::vector<std::pair<std::string, std::string>> profiles;
  CRM_RETURN_IF_ERROR(select->ForEachRow([&](const Statement& row) {
    profiles.emplace_back(row.ColumnText(0), row.ColumnText(1));
  }));
  return profiles;
}

absl::Status UpsertProfile(Connection& connection, const std::string& name,
                           const std::string& definition) {
  CRM_ASSIGN_OR_RETURN(
      Statement * upsert,
      connection.Prepare(
          "INSERT INTO crm_profiles(name, definition) VALUES (?, ?) "
          "ON CONFLICT(name) DO UPDATE SET definition = excluded.definition"));
  CRM_RETURN_IF_ERROR(upsert->BindAll({name, definition}));
  return upsert->Run();
}

absl::StatusOr<bool> DeleteProfile(Connection& connection,
                                   const std::string& name) {
  CRM_ASSIGN_OR_RETURN(
      Statement * remove,
      connection.Prepare("DELETE FROM crm_profiles WHERE name = ? "
                         "RETURNING name"));
  CRM_RETURN_IF_ERROR(remove->Bind(1, name));
  // RETURNING yields the row removed, if any.
  bool found = false;
  CRM_RETURN_IF_ERROR(
      remove->ForEachRow([&](const Statement&) { found = true; }));
  return found;
}

}  // namespace crm::store::sqlite
