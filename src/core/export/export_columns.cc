#include "core/export/export_columns.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/error.h"

namespace crm::core {
namespace {

// The default columns of a customers export: id, then the fields by id.
std::vector<std::string> DefaultCustomerColumns(const Schema& schema,
                                                const Access* access) {
  std::vector<const Field*> fields;
  for (const auto& field : schema.fields()) {
    if (field->archived()) continue;
    if (access != nullptr && !access->Reads(*field)) continue;
    fields.push_back(field.get());
  }
  std::stable_sort(
      fields.begin(), fields.end(),
      [](const Field* a, const Field* b) { return a->id() < b->id(); });
  std::vector<std::string> names = {"id"};
  for (const Field* field : fields) names.push_back(field->name());
  return names;
}

// OK when `name` is a column of `target`'s export; sets *archived when it
// names an archived field.
absl::Status CheckColumn(const Schema& schema, QueryTarget target,
                         const std::string& name, bool* archived) {
  if (target == QueryTarget::kEvents && name == "properties") {
    return absl::OkStatus();
  }
  absl::StatusOr<QueryField> field =
      ResolveQueryField(schema, target, name, /*include_archived=*/true);
  if (!field.ok()) {
    if (RuleIdOf(field.status()) != Rule::kUnknownField) return field.status();
    // crm.h: a column naming no field is "not found", as a field is.
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("fields: ", field.status().message()), name,
                     Rule::kUnknownField);
  }
  if (field->field != nullptr && field->field->archived()) *archived = true;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ExportColumns> ExportColumnsOf(
    const Schema& schema, QueryTarget target,
    const std::vector<std::string>& fields, const Access* access) {
  ExportColumns columns;
  if (!fields.empty()) {
    for (const std::string& name : fields) {
      CRM_RETURN_IF_ERROR(
          CheckColumn(schema, target, name, &columns.include_archived));
    }
    columns.names = fields;
  } else if (target == QueryTarget::kCustomers) {
    columns.names = DefaultCustomerColumns(schema, access);
  } else {
    columns.names.assign(std::begin(kEventColumns), std::end(kEventColumns));
  }
  for (size_t i = 0; i < columns.names.size(); ++i) {
    if (target == QueryTarget::kEvents && columns.names[i] == "properties") {
      columns.properties = i;
    } else {
      columns.select.push_back(columns.names[i]);
    }
  }
  // An events query with no selection selects every member: one is
  // enough to page by.
  if (columns.select.empty()) columns.select.push_back("seq");
  return columns;
}

}  // namespace crm::core
