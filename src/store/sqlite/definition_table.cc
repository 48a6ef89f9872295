#include "store/sqlite/definition_table.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/sqlite/statement.h"

namespace crm::store::sqlite {
namespace {

const char* NameOf(DefinitionTable table) {
  switch (table) {
    case DefinitionTable::kProfiles:
      return "crm_profiles";
    case DefinitionTable::kDuplicateRules:
      return "crm_duplicate_rules";
  }
  return "crm_profiles";
}

}  // namespace

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
LoadDefinitions(Connection& connection, DefinitionTable table) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(absl::StrCat("SELECT name, definition FROM ",
                                      NameOf(table), " ORDER BY name")));
  std::vector<std::pair<std::string, std::string>> definitions;
  CRM_RETURN_IF_ERROR(select->ForEachRow([&](const Statement& row) {
    definitions.emplace_back(row.ColumnText(0), row.ColumnText(1));
  }));
  return definitions;
}

absl::Status UpsertDefinition(Connection& connection, DefinitionTable table,
                              const std::string& name,
                              const std::string& definition) {
  CRM_ASSIGN_OR_RETURN(
      Statement * upsert,
      connection.Prepare(absl::StrCat(
          "INSERT INTO ", NameOf(table),
          "(name, definition) VALUES (?, ?) "
          "ON CONFLICT(name) DO UPDATE SET definition = excluded.definition")));
  CRM_RETURN_IF_ERROR(upsert->BindAll({name, definition}));
  return upsert->Run();
}

absl::StatusOr<bool> DeleteDefinition(Connection& connection,
                                      DefinitionTable table,
                                      const std::string& name) {
  CRM_ASSIGN_OR_RETURN(
      Statement * remove,
      connection.Prepare(absl::StrCat("DELETE FROM ", NameOf(table),
                                      " WHERE name = ? RETURNING name")));
  CRM_RETURN_IF_ERROR(remove->Bind(1, name));
  // RETURNING yields the row removed, if any.
  bool found = false;
  CRM_RETURN_IF_ERROR(
      remove->ForEachRow([&](const Statement&) { found = true; }));
  return found;
}

}  // namespace crm::store::sqlite
