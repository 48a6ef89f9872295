#include "core/duplicates/duplicate_rule.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/json_text.h"
#include "base/utf8.h"
#include "core/definition_problems.h"
#include "core/json.h"
#include "core/schema.h"
#include "google/protobuf/struct.pb.h"

namespace crm::core::duplicates {
namespace {

using google::protobuf::Struct;
using JsonValue = google::protobuf::Value;

constexpr size_t kMaxNameBytes = 64;
constexpr int kMaxComparisons = 8;
constexpr double kMinSimilarity = 0.5;

constexpr std::pair<const char*, AppliesTo> kAppliesTo[] = {
    {"any", AppliesTo::kAny},
    {"person", AppliesTo::kPerson},
    {"company", AppliesTo::kCompany},
};

bool IsRuleName(absl::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<Action> ActionOf(const DefinitionProblems& problems,
                                absl::string_view key, const JsonValue& value) {
  CRM_ASSIGN_OR_RETURN(std::string text, TextOf(problems, key, value));
  for (Action action : {Action::kAllow, Action::kWarn, Action::kBlock}) {
    if (text == ActionName(action)) return action;
  }
  return problems.At(key, absl::StrCat("unknown action '", Quoted(text),
                                       "' (allow, warn or block)"));
}

absl::StatusOr<Comparison> ComparisonOf(const DefinitionProblems& problems,
                                        const std::string& where,
                                        const JsonValue& value,
                                        const Schema& schema) {
  if (value.kind_case() != JsonValue::kStructValue) {
    return problems.At(where, "must be an object with \"key\" or \"field\"");
  }
  const auto& members = value.struct_value().fields();
  auto key = members.find("key");
  auto field = members.find("field");
  auto similarity = members.find("min_similarity");
  for (const auto& [name, unused] : members) {
    if (name != "key" && name != "field" && name != "min_similarity") {
      return problems.At(absl::StrCat(where, ".", Quoted(name)), "unknown key");
    }
  }
  Comparison comparison;
  if ((key == members.end()) == (field == members.end())) {
    return problems.At(where, "give exactly one of \"key\" and \"field\"");
  }
  if (key != members.end()) {
    std::string at = absl::StrCat(where, ".key");
    CRM_ASSIGN_OR_RETURN(std::string name, TextOf(problems, at, key->second));
    std::optional<KeyKind> kind = KeyKindNamed(name);
    if (!kind || *kind == KeyKind::kNameToken) {
      return problems.At(at, absl::StrCat("unknown match key '", Quoted(name),
                                          "' (email, email_local, phone, "
                                          "name or company)"));
    }
    comparison.key = kind;
  } else {
    std::string at = absl::StrCat(where, ".field");
    CRM_ASSIGN_OR_RETURN(comparison.field, TextOf(problems, at, field->second));
    if (schema.Find(comparison.field) == nullptr) {
      return MakeError(ErrorCode::kNotFound,
                       absl::StrCat("duplicate rule: ", at, ": no field '",
                                    Quoted(comparison.field), "'"),
                       comparison.field, Rule::kUnknownField);
    }
  }
  if (similarity != members.end()) {
    std::string at = absl::StrCat(where, ".min_similarity");
    if (comparison.key != KeyKind::kName) {
      return problems.At(at, "is only for {\"key\": \"name\"}");
    }
    if (similarity->second.kind_case() != JsonValue::kNumberValue) {
      return problems.At(at, "must be a number");
    }
    double number = similarity->second.number_value();
    if (!(number >= kMinSimilarity && number <= 1.0)) {
      return problems.At(at, "must be from 0.5 to 1");
    }
    comparison.min_similarity = number;
  }
  return comparison;
}

absl::Status ParseCompare(const DefinitionProblems& problems,
                          const JsonValue& value, const Schema& schema,
                          std::vector<Comparison>* out) {
  if (value.kind_case() != JsonValue::kListValue) {
    return problems.At("compare", "must be an array of comparisons");
  }
  const auto& items = value.list_value().values();
  if (items.empty() || items.size() > kMaxComparisons) {
    return problems.At("compare", "give 1 to 8 comparisons");
  }
  bool any_key = false;
  for (int i = 0; i < items.size(); ++i) {
    CRM_ASSIGN_OR_RETURN(
        Comparison comparison,
        ComparisonOf(problems, absl::StrCat("compare[", i, "]"), items[i],
                     schema));
    any_key = any_key || comparison.key.has_value();
    out->push_back(std::move(comparison));
  }
  if (!any_key) {
    return problems.At("compare",
                       "needs at least one comparison on a key (keys find "
                       "the candidates)");
  }
  return absl::OkStatus();
}

absl::Status ParseActions(
    const DefinitionProblems& problems, const JsonValue& value,
    std::array<std::optional<Action>, kOperationCount>* out) {
  if (value.kind_case() != JsonValue::kStructValue) {
    return problems.At("actions", "must be an object of actions by operation");
  }
  for (const auto& [name, action] : value.struct_value().fields()) {
    int found = -1;
    for (int i = 0; i < kOperationCount; ++i) {
      if (name == OperationName(static_cast<Operation>(i))) found = i;
    }
    std::string at = absl::StrCat("actions.", Quoted(name));
    if (found < 0) {
      return problems.At(at,
                         "unknown operation (create, update, upsert, batch "
                         "or import)");
    }
    CRM_ASSIGN_OR_RETURN((*out)[found], ActionOf(problems, at, action));
  }
  return absl::OkStatus();
}

// The shortest decimal text that reads back as `number`.
std::string ShortestText(double number) {
  char text[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(text, sizeof(text), "%.*g", precision, number);
    if (std::strtod(text, nullptr) == number) break;
  }
  return text;
}

}  // namespace

std::string Comparison::Label() const {
  return key ? KeyKindName(*key) : field;
}

const char* OperationName(Operation operation) {
  static const char* const kNames[] = {"create", "update", "upsert", "batch",
                                       "import"};
  return kNames[static_cast<int>(operation)];
}

const char* ActionName(Action action) {
  static const char* const kNames[] = {"allow", "warn", "block"};
  return kNames[static_cast<int>(action)];
}

absl::StatusOr<DuplicateRule> ParseDuplicateRule(absl::string_view json,
                                                 const Schema& schema) {
  DefinitionProblems problems("duplicate rule", Rule::kDuplicate);
  Struct document;
  absl::Status parsed = MessageFromJson(json, "duplicate rule", &document);
  if (!parsed.ok()) {
    return MakeError(ErrorCode::kValidation, parsed.message(), "",
                     Rule::kDuplicate);
  }
  const auto& members = document.fields();
  DuplicateRule rule;
  auto name = members.find("name");
  if (name == members.end()) return problems.At("name", "must be given");
  CRM_ASSIGN_OR_RETURN(rule.name, TextOf(problems, "name", name->second));
  if (!IsRuleName(rule.name)) {
    return problems.At("name", "use 1 to 64 letters, digits and _ - .");
  }
  problems.set_name(rule.name);
  Action action = Action::kWarn;
  std::array<std::optional<Action>, kOperationCount> overrides{};
  bool has_compare = false;
  for (const auto& [key, value] : members) {
    if (key == "name") continue;
    if (key == "applies_to") {
      CRM_ASSIGN_OR_RETURN(std::string text, TextOf(problems, key, value));
      bool known = false;
      for (const auto& [label, applies_to] : kAppliesTo) {
        if (text == label) {
          rule.applies_to = applies_to;
          known = true;
        }
      }
      if (!known) {
        return problems.At(key, absl::StrCat("unknown kind '", Quoted(text),
                                             "' (person, company or any)"));
      }
    } else if (key == "compare") {
      CRM_RETURN_IF_ERROR(ParseCompare(problems, value, schema, &rule.compare));
      has_compare = true;
    } else if (key == "action") {
      CRM_ASSIGN_OR_RETURN(action, ActionOf(problems, key, value));
    } else if (key == "actions") {
      CRM_RETURN_IF_ERROR(ParseActions(problems, value, &overrides));
    } else {
      return problems.At(Quoted(key), "unknown key");
    }
  }
  if (!has_compare) return problems.At("compare", "must be given");
  for (int i = 0; i < kOperationCount; ++i) {
    rule.actions[i] = overrides[i].value_or(action);
  }
  return rule;
}

std::string DuplicateRuleToJson(const DuplicateRule& rule) {
  std::string out = "{\"name\":";
  AppendJsonString(rule.name, &out);
  out += ",\"applies_to\":";
  for (const auto& [label, applies_to] : kAppliesTo) {
    if (applies_to == rule.applies_to) AppendJsonString(label, &out);
  }
  out += ",\"compare\":[";
  for (size_t i = 0; i < rule.compare.size(); ++i) {
    const Comparison& comparison = rule.compare[i];
    if (i > 0) out.push_back(',');
    if (comparison.key) {
      out += "{\"key\":";
      AppendJsonString(KeyKindName(*comparison.key), &out);
      if (*comparison.key == KeyKind::kName) {
        out += ",\"min_similarity\":";
        out += ShortestText(comparison.min_similarity);
      }
    } else {
      out += "{\"field\":";
      AppendJsonString(comparison.field, &out);
    }
    out.push_back('}');
  }
  // "action": the action most operations take (ties: the first), so that
  // the usual definition reads back as it was written.
  std::array<int, 3> counts{};
  for (Action action : rule.actions) ++counts[static_cast<int>(action)];
  Action common = rule.actions[0];
  for (Action action : rule.actions) {
    if (counts[static_cast<int>(action)] > counts[static_cast<int>(common)]) {
      common = action;
    }
  }
  out += "],\"action\":";
  AppendJsonString(ActionName(common), &out);
  out += ",\"actions\":{";
  for (int i = 0; i < kOperationCount; ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(OperationName(static_cast<Operation>(i)), &out);
    out.push_back(':');
    AppendJsonString(ActionName(rule.actions[i]), &out);
  }
  out += "}}";
  return out;
}

}  // namespace crm::core::duplicates
