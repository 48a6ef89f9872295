// A duplicate rule (crm.h "Duplicates"): which keys and fields two customers
// must share to be probably one, and what each write operation does when a
// rule finds candidates. Parsing checks a definition against the schema;
// the canonical JSON is what is stored and what crm_duplicate_rule_get
// returns.
#ifndef CRM_CORE_DUPLICATES_DUPLICATE_RULE_H_
#define CRM_CORE_DUPLICATES_DUPLICATE_RULE_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/duplicates/match_keys.h"

namespace crm::core {
class Schema;
}

namespace crm::core::duplicates {

// The writes a rule acts on; indexes DuplicateRule::actions.
enum class Operation : int { kCreate, kUpdate, kUpsert, kBatch, kImport };
constexpr int kOperationCount = 5;
const char* OperationName(Operation operation);  // "create", ...

enum class Action : int { kAllow, kWarn, kBlock };
const char* ActionName(Action action);  // "allow", "warn", "block"

enum class AppliesTo : int { kAny, kPerson, kCompany };

// One comparison of a rule: on a match key (`key` set) or on a field.
struct Comparison {
  std::optional<KeyKind> key;  // kEmail, kEmailLocal, kPhone, kName, kCompany
  std::string field;           // a field's name when `key` is unset
  // Below 1 only for KeyKind::kName: names at least this similar match.
  double min_similarity = 1.0;
  // What reasons call it: the key kind's or the field's name.
  std::string Label() const;
};

struct DuplicateRule {
  std::string name;
  AppliesTo applies_to = AppliesTo::kAny;
  std::vector<Comparison> compare;
  std::array<Action, kOperationCount> actions{};
  Action action(Operation operation) const {
    return actions[static_cast<int>(operation)];
  }
};

// At most this many rules in a workspace.
constexpr int kMaxDuplicateRules = 20;

// Parses and checks a definition: kValidation rule kDuplicate naming the
// key at fault; a field that does not exist in `schema` is kNotFound rule
// kUnknownField.
absl::StatusOr<DuplicateRule> ParseDuplicateRule(absl::string_view json,
                                                 const Schema& schema);
// Canonical JSON: every key present, in a fixed order.
std::string DuplicateRuleToJson(const DuplicateRule& rule);

}  // namespace crm::core::duplicates

#endif  // CRM_CORE_DUPLICATES_DUPLICATE_RULE_H_
