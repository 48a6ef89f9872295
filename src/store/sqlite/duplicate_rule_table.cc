#include "store/sqlite/duplicate_rule_table.h"

#include "base/error.h"
#include "store/sqlite/statement.h"

namespace crm::store::sqlite {

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
LoadDuplicateRules(Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(
          "SELECT name, definition FROM crm_duplicate_rules ORDER BY name"));
  std::vector<std::pair<std::string, std::string>> rules;
  CRM_RETURN_IF_ERROR(select->ForEachRow([&](const Statement& row) {
    rules.emplace_back(row.ColumnText(0), row.ColumnText(1));
  }));
  return rules;
}

absl::Status UpsertDuplicateRule(Connection& connection,
                                 const std::string& name,
                                 const std::string& definition) {
  CRM_ASSIGN_OR_RETURN(
      Statement * upsert,
      connection.Prepare(
          "INSERT INTO crm_duplicate_rules(name, definition) VALUES (?, ?) "
          "ON CONFLICT(name) DO UPDATE SET definition = excluded.definition"));
  CRM_RETURN_IF_ERROR(upsert->BindAll({name, definition}));
  return upsert->Run();
}

absl::StatusOr<bool> DeleteDuplicateRule(Connection& connection,
                                         const std::string& name) {
  CRM_ASSIGN_OR_RETURN(
      Statement * remove,
      connection.Prepare("DELETE FROM crm_duplicate_rules WHERE name = ? "
                         "RETURNING name"));
  CRM_RETURN_IF_ERROR(remove->Bind(1, name));
  bool found = false;
  CRM_RETURN_IF_ERROR(
      remove->ForEachRow([&](const Statement&) { found = true; }));
  return found;
}

absl::StatusOr<std::optional<std::string>> LoadSetting(Connection& connection,
                                                       const std::string& key) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare("SELECT value FROM crm_settings WHERE key = ?"));
  CRM_RETURN_IF_ERROR(select->Bind(1, key));
  std::optional<std::string> value;
  CRM_RETURN_IF_ERROR(select->ForEachRow(
      [&](const Statement& row) { value = row.ColumnText(0); }));
  return value;
}

absl::Status StoreSetting(Connection& connection, const std::string& key,
                          const std::string& value) {
  CRM_ASSIGN_OR_RETURN(
      Statement * upsert,
      connection.Prepare("INSERT INTO crm_settings(key, value) VALUES (?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = "
                         "excluded.value"));
  CRM_RETURN_IF_ERROR(upsert->BindAll({key, value}));
  return upsert->Run();
}

}  // namespace crm::store::sqlite
