#include "store/postgres/profile_store.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/utf8.h"

namespace crm::store::postgres {

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadProfiles(
    Connection& connection, int64_t workspace_id) {
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute("SELECT name, definition FROM crm_profiles WHERE "
                         "workspace_id = $1 ORDER BY name COLLATE \"C\"",
                         {absl::StrCat(workspace_id)}));
  if (found.columns() != 2) {
    return DamagedValue(absl::StrCat("PostgreSQL sent ", found.columns(),
                                     " columns where 2 belong"));
  }
  std::vector<std::pair<std::string, std::string>> profiles;
  profiles.reserve(found.rows());
  for (int row = 0; row < found.rows(); ++row) {
    profiles.emplace_back(found.Text(row, 0), found.Text(row, 1));
  }
  return profiles;
}

absl::Status UpsertProfile(Connection& connection, int64_t workspace_id,
                           const std::string& name,
                           const std::string& definition) {
  // libpq's text format ends at a NUL byte: such text is refused before it
  // could be cut short (the core never passes any).
  for (const std::string* text : {&name, &definition}) {
    CRM_RETURN_IF_ERROR(
        ValidateText(*text, "access profile", [] { return "access profile"; }));
  }
  return connection
      .Execute(
          "INSERT INTO crm_profiles (workspace_id, name, definition) "
          "VALUES ($1, $2, $3) ON CONFLICT (workspace_id, name) DO UPDATE "
          "SET definition = excluded.definition",
          {absl::StrCat(workspace_id), name, definition})
      .status();
}

absl::StatusOr<bool> DeleteProfile(Connection& connection, int64_t workspace_id,
                                   const std::string& name) {
  CRM_ASSIGN_OR_RETURN(
      Result deleted,
      connection.Execute(
          "DELETE FROM crm_profiles WHERE workspace_id = $1 AND name = $2",
          {absl::StrCat(workspace_id), name}));
  return deleted.AffectedRows() > 0;
}

}  // namespace crm::store::postgres
