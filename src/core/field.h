// A field definition, checked and compiled: what a value of the field must
// be, and how it is stored.
#ifndef CRM_CORE_FIELD_H_
#define CRM_CORE_FIELD_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "base/rules.g.h"
#include "core/field_type.h"
#include "core/value.h"
#include "core/wire.h"
#include "re2/re2.h"
#include "store/sql_value.h"

namespace crm::core {

// Immutable once compiled; shared between threads through the schema.
class Field {
 public:
  // Checks `definition` (name, type, rules, default) and compiles it. Errors
  // are validation errors naming the definition's key as the rule.
  static absl::StatusOr<std::shared_ptr<const Field>> Compile(
      wire::FieldDefinition definition, std::string column);
  ~Field();

  const wire::FieldDefinition& definition() const { return definition_; }
  int64_t id() const { return definition_.id(); }
  const std::string& name() const { return definition_.name(); }
  const std::string& column() const { return column_; }
  FieldType type() const { return type_; }
  bool builtin() const { return definition_.builtin(); }
  bool read_only() const { return definition_.read_only(); }
  bool archived() const { return definition_.status() == "archived"; }
  bool required() const { return definition_.required(); }
  // Days an erased customer's value is kept on a stub; 0 for none.
  int hold_days() const { return definition_.hold_days(); }
  bool has_default() const {
    return definition_.default_value().kind_case() != wire::Value::KIND_NOT_SET;
  }

  // Checks a value against the field's type and rules and returns its stored
  // form. A null value stores as NULL (required is the caller's concern).
  // Errors name this field and the broken rule.
  absl::StatusOr<store::SqlValue> ToStored(const Value& value) const;
  // The stored form of `value` for comparing against stored values in a
  // query: the type and form are checked, the field's rules (bounds,
  // options, pattern, length) are not.
  absl::StatusOr<store::SqlValue> ToComparable(const Value& value) const;
  // For choice and multiple-choice fields, a validation error (rule
  // "options") unless `text` is one of the options; OK for other fields.
  absl::Status CheckOption(const std::string& text) const;
  // The value of a stored form written by ToStored().
  absl::StatusOr<Value> FromStored(const store::SqlValue& stored) const;

 private:
  Field(wire::FieldDefinition definition, std::string column, FieldType type)
      : definition_(std::move(definition)),
        column_(std::move(column)),
        type_(type) {}

  absl::StatusOr<store::SqlValue> Convert(const Value& value,
                                          bool check_rules) const;
  // ValidateText() of `text`, the part `what` ("value", "an item") of a
  // value of this field.
  absl::Status CheckTextPart(absl::string_view what,
                             absl::string_view text) const;
  absl::Status CheckText(const std::string& text) const;
  absl::Status CheckList(const std::vector<std::string>& items) const;
  // `shown` makes the value's text for an error message; called only when a
  // bound is broken.
  absl::Status CheckBounds(int64_t comparable,
                           absl::FunctionRef<std::string()> shown) const;
  absl::Status CheckDateBounds(const std::string& date) const;
  absl::Status Invalid(Rule rule, absl::string_view message) const;

  wire::FieldDefinition definition_;
  std::string column_;
  FieldType type_;
  std::unique_ptr<re2::RE2> pattern_;
  // Bounds as comparable numbers (integer, scaled decimal, datetime us).
  std::optional<int64_t> min_number_, max_number_;
};

// The longest retention or hold period, in days (100 years).
inline constexpr int kMaxPeriodDays = 36500;

// Names a field may have: [a-z][a-z0-9_]*, at most 48 bytes.
absl::Status CheckFieldName(absl::string_view name);

}  // namespace crm::core

#endif  // CRM_CORE_FIELD_H_
