// Provisional: rules are parsed once issue #24's rule work lands.
#include "core/duplicates/duplicate_rule.h"

#include "base/error.h"

namespace crm::core::duplicates {

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

absl::StatusOr<DuplicateRule> ParseDuplicateRule(absl::string_view,
                                                 const Schema&) {
  return MakeError(ErrorCode::kUnsupported, "duplicate rules: not built yet",
                   "", Rule::kBackend);
}

std::string DuplicateRuleToJson(const DuplicateRule&) { return "{}"; }

}  // namespace crm::core::duplicates
