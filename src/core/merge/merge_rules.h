// The rules by which a merge's survivor takes each field's value (crm.h
// "Merging customers", options_json): parsed from JSON once per merge, then
// applied per field to the survivor's and the merged customers' values.
#ifndef CRM_CORE_MERGE_MERGE_RULES_H_
#define CRM_CORE_MERGE_MERGE_RULES_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/field.h"
#include "core/schema.h"
#include "core/value.h"

namespace crm::core::merge {

enum class RuleKind {
  kSurvivor,
  kFirstNonEmpty,
  kMostRecent,
  kLongest,
  kSum,
  kUnion,
  kExplicit,
};

struct FieldRule {
  RuleKind kind = RuleKind::kFirstNonEmpty;
  Value value;  // kExplicit: the value to keep (null empties the field)
};

// Parsed options_json. Fields are borrowed from the schema they were parsed
// against: valid while it is.
struct MergeOptions {
  FieldRule default_rule;
  absl::flat_hash_map<const Field*, FieldRule> fields;

  const FieldRule& RuleFor(const Field* field) const;
};

// Parses options_json ("" or "{}": the defaults). Errors are kValidation,
// rule kMerge, naming the key ("default", "fields.<name>"); malformed JSON
// is kValidation too. A rule a field's type cannot take ("sum" of text,
// "union" of a single value) is an error at its key; the default rule
// applies to every field only where it can ("sum" as default applies to
// numbers, the others keep first_non_empty).
absl::StatusOr<MergeOptions> ParseMergeOptions(const Schema& schema,
                                               absl::string_view json);

// One customer a merge draws values from: its values of the schema's stored
// fields (aligned with Schema::stored_fields()) and when it was last
// written. Borrowed.
struct MergeSource {
  const std::vector<Value>* values = nullptr;
  int64_t updated_at_us = 0;
};

// The value field `index` of the schema's stored fields, `field`, takes by
// `rule` from `sources` (the survivor first, then the merged customers in
// the order given). Errors: a sum outside the field's range (kValidation,
// rule kMax, naming the field).
absl::StatusOr<Value> MergedValue(const Field& field, size_t index,
                                  const FieldRule& rule,
                                  const std::vector<MergeSource>& sources);

}  // namespace crm::core::merge

#endif  // CRM_CORE_MERGE_MERGE_RULES_H_
