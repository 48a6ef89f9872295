#include "store/sqlite/settings_table.h"

#include "base/error.h"
#include "store/sqlite/statement.h"

namespace crm::store::sqlite {

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
