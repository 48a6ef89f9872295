#include "core/schema.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/utf8.h"
#include "core/json.h"

namespace crm::core {
namespace {

wire::FieldDefinition Standard(const char* name, const char* label,
                               const char* type) {
  wire::FieldDefinition definition;
  definition.set_name(name);
  definition.set_label(label);
  definition.set_type(type);
  definition.set_group("standard");
  definition.set_builtin(true);
  definition.set_status("active");
  return definition;
}

}  // namespace

std::vector<wire::FieldDefinition> StandardFieldDefinitions() {
  std::vector<wire::FieldDefinition> fields;
  wire::FieldDefinition kind = Standard("kind", "Kind", "choice");
  kind.add_options("person");
  kind.add_options("company");
  kind.set_required(true);
  kind.mutable_default_value()->set_text("person");
  fields.push_back(kind);
  fields.push_back(Standard("name", "Name", "text"));
  wire::FieldDefinition email = Standard("email", "Email", "email");
  email.set_unique(true);
  fields.push_back(email);
  fields.push_back(Standard("phone", "Phone", "phone"));
  fields.push_back(Standard("company", "Company", "text"));
  fields.push_back(Standard("street", "Street", "text"));
  fields.push_back(Standard("city", "City", "text"));
  fields.push_back(Standard("region", "Region", "text"));
  fields.push_back(Standard("postal_code", "Postal code", "text"));
  fields.push_back(Standard("country", "Country", "text"));
  fields.push_back(Standard("owner", "Owner", "text"));
  wire::FieldDefinition stage = Standard("stage", "Lifecycle stage", "choice");
  for (const char* option : {"lead", "prospect", "customer", "former"}) {
    stage.add_options(option);
  }
  fields.push_back(stage);
  fields.push_back(Standard("tags", "Tags", "tags"));
  wire::FieldDefinition external_id =
      Standard("external_id", "External id", "text");
  external_id.set_unique(true);
  external_id.set_max_length(255);
  fields.push_back(external_id);
  for (const char* name : {"created_at", "updated_at"}) {
    wire::FieldDefinition time = Standard(
        name, name[0] == 'c' ? "Created at" : "Updated at", "datetime");
    time.set_read_only(true);
    fields.push_back(time);
  }
  return fields;
}

namespace {

absl::Status PeriodError(absl::string_view key, Rule rule,
                         absl::string_view message) {
  return MakeError(ErrorCode::kValidation,
                   absl::StrCat("event type ", key, ": ", message), key, rule);
}

// retention_days, hold_days (0, or 1 to 36,500) and held_properties (names
// of the type's properties, each once, only with hold_days); properties
// take no hold_days of their own.
absl::Status CheckPeriods(const wire::EventTypeDefinition& definition) {
  if (definition.retention_days() < 0 ||
      definition.retention_days() > kMaxPeriodDays) {
    return PeriodError("retention_days", Rule::kRetention,
                       "1 to 36,500 days (or 0 for none)");
  }
  if (definition.hold_days() < 0 || definition.hold_days() > kMaxPeriodDays) {
    return PeriodError("hold_days", Rule::kHold,
                       "1 to 36,500 days (or 0 for none)");
  }
  if (definition.held_properties_size() > 0 && definition.hold_days() == 0) {
    return PeriodError("held_properties", Rule::kHold,
                       "held properties need hold_days");
  }
  absl::flat_hash_set<std::string> held;
  for (const std::string& name : definition.held_properties()) {
    bool defined = false;
    for (const wire::FieldDefinition& property : definition.properties()) {
      defined = defined || property.name() == name;
    }
    std::string shown = TextProblem(name).empty() ? name : "(not valid text)";
    if (!defined) {
      return PeriodError("held_properties", Rule::kHold,
                         absl::StrCat("'", shown, "' is not a property"));
    }
    if (!held.insert(name).second) {
      return PeriodError("held_properties", Rule::kDistinct,
                         absl::StrCat("'", shown, "' is listed twice"));
    }
  }
  for (const wire::FieldDefinition& property : definition.properties()) {
    if (property.hold_days() != 0) {
      return PeriodError("hold_days", Rule::kHold,
                         absl::StrCat("property '", property.name(),
                                      "' takes none: the type's hold_days "
                                      "and held_properties say what is kept"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<EventType> CompileEventType(
    wire::EventTypeDefinition definition) {
  CRM_RETURN_IF_ERROR(CheckPeriods(definition));
  EventType type;
  for (wire::FieldDefinition& property : *definition.mutable_properties()) {
    property.set_status("active");
    CRM_ASSIGN_OR_RETURN(std::shared_ptr<const Field> field,
                         Field::Compile(property, property.name()));
    for (const auto& earlier : type.properties) {
      if (earlier->name() == field->name()) {
        return MakeError(
            ErrorCode::kValidation,
            absl::StrCat("property '", field->name(), "' is defined twice"),
            field->name(), Rule::kDistinct);
      }
    }
    type.properties.push_back(std::move(field));
  }
  type.definition = std::move(definition);
  return type;
}

absl::StatusOr<std::shared_ptr<const Schema>> LoadSchema(
    store::Backend& backend) {
  CRM_ASSIGN_OR_RETURN(int64_t generation, backend.SchemaGeneration());
  CRM_ASSIGN_OR_RETURN(std::vector<store::FieldRow> rows, backend.LoadFields());
  CRM_ASSIGN_OR_RETURN(auto event_types, backend.LoadEventTypes());
  CRM_ASSIGN_OR_RETURN(auto profiles, backend.LoadProfiles());
  CRM_ASSIGN_OR_RETURN(auto duplicate_rules, backend.LoadDuplicateRules());
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> duplicate_settings,
                       backend.LoadSetting(duplicates::kSettingsKey));
  return Schema::FromRows(rows, event_types, generation, profiles,
                          duplicate_rules, duplicate_settings);
}

namespace {

// A standard field keeps the name and column StandardFieldDefinitions()
// gives it.
bool IsStandardColumn(const Field& field) {
  static const auto* names = [] {
    auto* set = new absl::flat_hash_set<std::string>();
    for (const auto& definition : StandardFieldDefinitions()) {
      set->insert(definition.name());
    }
    return set;
  }();
  return field.column() == field.name() && names->contains(field.name());
}

}  // namespace

store::ColumnIndex ColumnIndexOf(const Field& field) {
  if (field.definition().unique()) {
    if (field.builtin()) return store::ColumnIndex::kNone;
    return field.type() == FieldType::kEmail ? store::ColumnIndex::kUniqueNoCase
                                             : store::ColumnIndex::kUnique;
  }
  if (field.definition().indexed() || field.type() == FieldType::kReference) {
    return store::ColumnIndex::kPlain;
  }
  return store::ColumnIndex::kNone;
}

absl::StatusOr<std::vector<store::FieldColumn>> ReadFieldColumns(
    const std::vector<store::FieldRow>& rows) {
  CRM_ASSIGN_OR_RETURN(std::shared_ptr<const Schema> schema,
                       Schema::FromRows(rows, {}, 0));
  std::vector<store::FieldColumn> columns;
  columns.reserve(rows.size());
  for (const store::FieldRow& row : rows) {
    const Field* field = schema->FindById(row.id);
    if (field == nullptr) {
      return MakeError(ErrorCode::kValidation,
                       absl::StrCat("field ", row.id, " is stored twice"));
    }
    if (field->builtin() && !IsStandardColumn(*field)) {
      return MakeError(
          ErrorCode::kValidation,
          absl::StrCat("field ", row.id, " claims to be standard"));
    }
    columns.push_back({field->id(), field->builtin(), field->column(),
                       ColumnIndexOf(*field)});
  }
  return columns;
}

absl::StatusOr<std::shared_ptr<const Schema>> Schema::FromRows(
    const std::vector<store::FieldRow>& rows,
    const std::vector<std::pair<std::string, std::string>>& event_types,
    int64_t generation,
    const std::vector<std::pair<std::string, std::string>>& profiles,
    const std::vector<std::pair<std::string, std::string>>& duplicate_rules,
    const std::optional<std::string>& duplicate_settings) {
  auto schema = std::make_shared<Schema>();
  schema->generation_ = generation;
  for (const auto& [name, json] : event_types) {
    wire::EventTypeDefinition definition;
    CRM_RETURN_IF_ERROR(
        MessageFromJson(json, "stored event type", &definition));
    CRM_ASSIGN_OR_RETURN(EventType type,
                         CompileEventType(std::move(definition)));
    schema->event_types_.emplace(name, std::move(type));
  }
  for (const store::FieldRow& row : rows) {
    wire::FieldDefinition definition;
    CRM_RETURN_IF_ERROR(MessageFromJson(
        row.definition, "stored field definition", &definition));
    definition.set_id(row.id);
    definition.set_name(row.name);
    definition.set_status(row.status);
    CRM_ASSIGN_OR_RETURN(std::shared_ptr<const Field> field,
                         Field::Compile(std::move(definition), row.column));
    schema->fields_.push_back(std::move(field));
  }
  // Standard fields first (they have the lowest ids anyway), then by id.
  std::stable_partition(schema->fields_.begin(), schema->fields_.end(),
                        [](const auto& field) { return field->builtin(); });
  for (const auto& field : schema->fields_) {
    schema->by_name_[field->name()] = field.get();
    schema->by_column_[field->column()] = field.get();
    schema->by_id_[field->id()] = field.get();
    if (!field->builtin()) ++schema->user_field_count_;
    if (!field->archived() && !field->read_only()) {
      schema->stored_fields_.push_back(field.get());
      schema->stored_columns_.push_back(field->column());
    }
  }
  for (const auto& [name, json] : profiles) {
    absl::StatusOr<ProfileDefinition> definition = ParseProfile(json);
    if (!definition.ok() || definition->name != name) {
      return MakeError(
          ErrorCode::kNotWorkspace,
          absl::StrCat("the stored access profile '", name, "' is damaged",
                       definition.ok() ? "" : ": ",
                       definition.ok() ? "" : definition.status().message()),
          "", Rule::kDamaged);
    }
    schema->profiles_[name] =
        std::make_unique<const Access>(*std::move(definition), *schema);
  }
  std::vector<duplicates::DuplicateRule> rules;
  for (const auto& [name, json] : duplicate_rules) {
    absl::StatusOr<duplicates::DuplicateRule> rule =
        duplicates::ParseDuplicateRule(json, *schema);
    if (!rule.ok() || rule->name != name) {
      return MakeError(ErrorCode::kNotWorkspace,
                       absl::StrCat("the stored duplicate rule '", name,
                                    "' is damaged", rule.ok() ? "" : ": ",
                                    rule.ok() ? "" : rule.status().message()),
                       "", Rule::kDamaged);
    }
    rules.push_back(*std::move(rule));
  }
  schema->duplicate_rules_ = duplicates::RuleSet(std::move(rules));
  if (duplicate_settings) {
    absl::StatusOr<duplicates::DuplicateSettings> settings =
        duplicates::ParseDuplicateSettings(*duplicate_settings);
    if (!settings.ok()) {
      return MakeError(ErrorCode::kNotWorkspace,
                       absl::StrCat("the stored duplicate settings are "
                                    "damaged: ",
                                    settings.status().message()),
                       "", Rule::kDamaged);
    }
    schema->duplicate_settings_ = *std::move(settings);
  }
  return std::shared_ptr<const Schema>(std::move(schema));
}

const Field* Schema::Find(absl::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

const Field* Schema::FindById(int64_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

const EventType* Schema::FindEventType(absl::string_view name) const {
  auto it = event_types_.find(name);
  return it == event_types_.end() ? nullptr : &it->second;
}

const Access* Schema::FindProfile(absl::string_view name) const {
  auto it = profiles_.find(name);
  return it == profiles_.end() ? nullptr : it->second.get();
}

const Field* Schema::FindByColumn(absl::string_view column) const {
  auto it = by_column_.find(column);
  return it == by_column_.end() ? nullptr : it->second;
}

}  // namespace crm::core
