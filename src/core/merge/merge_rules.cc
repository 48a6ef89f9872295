#include "core/merge/merge_rules.h"

#include <limits>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/decimal.h"
#include "base/error.h"
#include "base/utf8.h"
#include "core/definition_problems.h"
#include "core/field_type.h"
#include "core/import/cell_parser.h"
#include "core/json.h"
#include "google/protobuf/struct.pb.h"

namespace crm::core::merge {
namespace {

using JsonValue = google::protobuf::Value;

constexpr std::pair<const char*, RuleKind> kRuleNames[] = {
    {"survivor", RuleKind::kSurvivor},
    {"first_non_empty", RuleKind::kFirstNonEmpty},
    {"most_recent", RuleKind::kMostRecent},
    {"longest", RuleKind::kLongest},
    {"sum", RuleKind::kSum},
    {"union", RuleKind::kUnion},
};

bool IsNumber(FieldType type) {
  return type == FieldType::kInteger || type == FieldType::kDecimal;
}

bool IsText(FieldType type) { return ValueKindOf(type) == ValueKind::kText; }

// Whether a field of `type` can take `kind` (explicit values are checked
// against the field when parsed).
bool Applies(RuleKind kind, FieldType type) {
  switch (kind) {
    case RuleKind::kSum:
      return IsNumber(type);
    case RuleKind::kUnion:
      return IsList(type);
    case RuleKind::kLongest:
      return IsText(type);
    default:
      return true;
  }
}

absl::StatusOr<FieldRule> RuleOf(const DefinitionProblems& problems,
                                 const std::string& key, const JsonValue& json,
                                 const Field* field) {
  FieldRule rule;
  if (json.kind_case() == JsonValue::kStructValue) {
    const auto& members = json.struct_value().fields();
    auto value = members.find("value");
    if (field == nullptr || members.size() != 1 || value == members.end()) {
      return problems.At(key, field == nullptr
                                  ? "must be a rule name"
                                  : "must be a rule name or {\"value\": ...}");
    }
    rule.kind = RuleKind::kExplicit;
    if (value->second.kind_case() == JsonValue::kNullValue) return rule;
    // As a JSON Lines import reads a cell: a string as text.
    import::Cell cell;
    if (value->second.kind_case() == JsonValue::kStringValue) {
      cell.kind = import::Cell::Kind::kText;
      cell.text = value->second.string_value();
    } else {
      cell.kind = import::Cell::Kind::kJson;
      cell.json = value->second;
    }
    absl::StatusOr<Value> parsed = import::ParseCell(
        field->type(), field->name(), import::ColumnSpec{}, cell);
    if (!parsed.ok()) return problems.At(key, parsed.status().message());
    rule.value = *std::move(parsed);
    // The field's own rules (length, range, options) are checked when the
    // survivor is written.
    return rule;
  }
  CRM_ASSIGN_OR_RETURN(std::string name, TextOf(problems, key, json));
  for (const auto& [label, kind] : kRuleNames) {
    if (name != label) continue;
    rule.kind = kind;
    if (field != nullptr && !Applies(kind, field->type())) {
      return problems.At(key,
                         absl::StrCat("'", name, "' does not apply to a ",
                                      FieldTypeName(field->type()), " field"));
    }
    return rule;
  }
  return problems.At(key, absl::StrCat("unknown rule '", Quoted(name),
                                       "' (survivor, first_non_empty, "
                                       "most_recent, longest, sum, union)"));
}

bool IsEmpty(const Value& value) {
  return value.kind == ValueKind::kNull ||
         (value.kind == ValueKind::kList && value.list.empty());
}

absl::StatusOr<Value> Sum(const Field& field, size_t index,
                          const std::vector<MergeSource>& sources) {
  bool any = false;
  if (field.type() == FieldType::kInteger) {
    int64_t sum = 0;
    for (const MergeSource& source : sources) {
      const Value& value = (*source.values)[index];
      if (value.kind != ValueKind::kInteger) continue;
      if (__builtin_add_overflow(sum, value.integer, &sum)) {
        return MakeError(ErrorCode::kValidation,
                         absl::StrCat("field '", field.name(),
                                      "': the sum of the merged values is "
                                      "outside what an integer holds"),
                         field.name(), Rule::kMax);
      }
      any = true;
    }
    return any ? Value::Integer(sum) : Value::Null();
  }
  DecimalSum sum;
  for (const MergeSource& source : sources) {
    const Value& value = (*source.values)[index];
    if (value.kind != ValueKind::kDecimal) continue;
    absl::Status added = sum.Add(value.text);
    if (!added.ok()) return WithField(added, field.name());
  }
  if (sum.empty()) return Value::Null();
  return Value::Decimal(FormatDecimal(sum.scaled(), sum.scale()));
}

Value Union(size_t index, const std::vector<MergeSource>& sources) {
  std::vector<std::string> items;
  absl::flat_hash_set<std::string> seen;
  for (const MergeSource& source : sources) {
    const Value& value = (*source.values)[index];
    for (const std::string& item : value.list) {
      if (seen.insert(item).second) items.push_back(item);
    }
  }
  return items.empty() ? Value::Null() : Value::List(std::move(items));
}

}  // namespace

const FieldRule& MergeOptions::RuleFor(const Field* field) const {
  auto it = fields.find(field);
  if (it != fields.end()) return it->second;
  if (Applies(default_rule.kind, field->type())) return default_rule;
  static const FieldRule kFirstNonEmpty;
  return kFirstNonEmpty;
}

absl::StatusOr<MergeOptions> ParseMergeOptions(const Schema& schema,
                                               absl::string_view json) {
  MergeOptions options;
  if (json.empty()) return options;
  DefinitionProblems problems("merge options", Rule::kMerge);
  google::protobuf::Struct document;
  absl::Status parsed = MessageFromJson(json, "merge options", &document);
  if (!parsed.ok()) {
    return MakeError(ErrorCode::kValidation, parsed.message(), FieldOf(parsed),
                     Rule::kMerge);
  }
  for (const auto& [key, value] : document.fields()) {
    if (key == "default") {
      CRM_ASSIGN_OR_RETURN(options.default_rule,
                           RuleOf(problems, key, value, nullptr));
      continue;
    }
    if (key != "fields") {
      return problems.At(key, "unknown key (default, fields)");
    }
    if (value.kind_case() != JsonValue::kStructValue) {
      return problems.At(key, "must be an object of field names");
    }
    for (const auto& [name, rule_json] : value.struct_value().fields()) {
      std::string where = absl::StrCat("fields.", Quoted(name));
      const Field* field = schema.Find(name);
      if (field == nullptr) return problems.At(where, "no such field");
      if (field->read_only()) {
        return problems.At(where,
                           "is read-only: the survivor keeps its own value");
      }
      CRM_ASSIGN_OR_RETURN(FieldRule rule,
                           RuleOf(problems, where, rule_json, field));
      options.fields[field] = std::move(rule);
    }
  }
  return options;
}

absl::StatusOr<Value> MergedValue(const Field& field, size_t index,
                                  const FieldRule& rule,
                                  const std::vector<MergeSource>& sources) {
  const Value& survivor = (*sources.front().values)[index];
  switch (rule.kind) {
    case RuleKind::kSurvivor:
      return survivor;
    case RuleKind::kExplicit:
      return rule.value;
    case RuleKind::kSum:
      return Sum(field, index, sources);
    case RuleKind::kUnion:
      return Union(index, sources);
    case RuleKind::kFirstNonEmpty:
      for (const MergeSource& source : sources) {
        const Value& value = (*source.values)[index];
        if (!IsEmpty(value)) return value;
      }
      return survivor;
    case RuleKind::kMostRecent: {
      const Value* best = &survivor;
      int64_t best_at = std::numeric_limits<int64_t>::min();
      for (const MergeSource& source : sources) {
        const Value& value = (*source.values)[index];
        if (IsEmpty(value) || source.updated_at_us <= best_at) continue;
        best = &value;
        best_at = source.updated_at_us;
      }
      return *best;
    }
    case RuleKind::kLongest: {
      const Value* best = &survivor;
      for (const MergeSource& source : sources) {
        const Value& value = (*source.values)[index];
        if (value.kind == ValueKind::kText &&
            (best->kind != ValueKind::kText ||
             value.text.size() > best->text.size())) {
          best = &value;
        }
      }
      return *best;
    }
  }
  return survivor;
}

}  // namespace crm::core::merge
