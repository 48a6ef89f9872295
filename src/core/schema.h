// The fields of a workspace at one moment: standard and user-defined.
#ifndef CRM_CORE_SCHEMA_H_
#define CRM_CORE_SCHEMA_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/access.h"
#include "core/duplicates/duplicate_settings.h"
#include "core/duplicates/pair_score.h"
#include "core/field.h"
#include "store/backend.h"
#include "store/rows.h"

namespace crm::core {

// A registered event type: the properties its events must carry.
struct EventType {
  wire::EventTypeDefinition definition;
  std::vector<std::shared_ptr<const Field>> properties;
};

// Immutable snapshot; a workspace swaps in a new one when fields or event
// types change.
class Schema {
 public:
  // Compiles the stored definitions. `generation` is the stored counter the
  // snapshot was read at. `profiles` (name and definition JSON, as stored)
  // are resolved against the compiled fields; a definition that does not
  // parse, or that names another profile, is damage (kNotWorkspace, rule
  // kDamaged).
  static absl::StatusOr<std::shared_ptr<const Schema>> FromRows(
      const std::vector<store::FieldRow>& rows,
      const std::vector<std::pair<std::string, std::string>>& event_types,
      int64_t generation,
      const std::vector<std::pair<std::string, std::string>>& profiles = {},
      const std::vector<std::pair<std::string, std::string>>& duplicate_rules =
          {},
      const std::optional<std::string>& duplicate_settings = {});

  // The field called `name` (active or archived), or null.
  const Field* Find(absl::string_view name) const;
  // The field with id `id` (not deleted), or null.
  const Field* FindById(int64_t id) const;
  // The registered event type called `name`, or null.
  const EventType* FindEventType(absl::string_view name) const;
  // Every registered event type, by name.
  const absl::flat_hash_map<std::string, EventType>& event_types() const {
    return event_types_;
  }
  // The field owning `column`, or null.
  const Field* FindByColumn(absl::string_view column) const;
  // All fields, standard first, then user-defined by id.
  const std::vector<std::shared_ptr<const Field>>& fields() const {
    return fields_;
  }
  // Active fields whose values live in a customer column (not the read-only
  // bookkeeping ones), in field order; and their columns, aligned.
  const std::vector<const Field*>& stored_fields() const {
    return stored_fields_;
  }
  const std::vector<std::string>& stored_columns() const {
    return stored_columns_;
  }
  // The access profile called `name`, resolved against this snapshot, or
  // null.
  const Access* FindProfile(absl::string_view name) const;
  // Every access profile, by name (unordered).
  const absl::flat_hash_map<std::string, std::unique_ptr<const Access>>&
  profiles() const {
    return profiles_;
  }
  // The duplicate rules (core/duplicates), checked against this snapshot.
  const duplicates::RuleSet& duplicate_rules() const {
    return duplicate_rules_;
  }
  const duplicates::DuplicateSettings& duplicate_settings() const {
    return duplicate_settings_;
  }
  int64_t generation() const { return generation_; }
  size_t user_field_count() const { return user_field_count_; }

 private:
  std::vector<std::shared_ptr<const Field>> fields_;
  absl::flat_hash_map<std::string, const Field*> by_name_;
  absl::flat_hash_map<std::string, const Field*> by_column_;
  absl::flat_hash_map<int64_t, const Field*> by_id_;
  absl::flat_hash_map<std::string, EventType> event_types_;
  // Access profiles by name (access.h), resolved against this snapshot.
  absl::flat_hash_map<std::string, std::unique_ptr<const Access>> profiles_;
  duplicates::RuleSet duplicate_rules_;
  duplicates::DuplicateSettings duplicate_settings_;
  std::vector<const Field*> stored_fields_;
  std::vector<std::string> stored_columns_;
  int64_t generation_ = 0;
  size_t user_field_count_ = 0;
};

// Reads the current schema from the store.
absl::StatusOr<std::shared_ptr<const Schema>> LoadSchema(
    store::Backend& backend);

// The index a field's customer column carries: unique fields a unique one
// (case-insensitive for emails), indexed fields and references a plain one.
// The standard unique fields are served by the indexes of migration 1.
store::ColumnIndex ColumnIndexOf(const Field& field);

// The customer columns the field definitions `rows` own, for the backend
// that verifies a workspace at open (store::FieldColumnsReader). A pure
// conversion: reads nothing stored.
absl::StatusOr<std::vector<store::FieldColumn>> ReadFieldColumns(
    const std::vector<store::FieldRow>& rows);

// Checks and compiles an event type definition.
absl::StatusOr<EventType> CompileEventType(
    wire::EventTypeDefinition definition);

// The standard fields every workspace has; their column is their name.
std::vector<wire::FieldDefinition> StandardFieldDefinitions();

// Encoding of a definition as stored in crm_fields.
std::string DefinitionToJson(const wire::FieldDefinition& definition);
absl::StatusOr<wire::FieldDefinition> DefinitionFromJson(
    absl::string_view json);

}  // namespace crm::core

#endif  // CRM_CORE_SCHEMA_H_
