// Duplicate rule definitions: arbitrary bytes to ParseDuplicateRule()
// against a small schema (the standard fields and one user field). It
// never crashes; it refuses with kValidation rule kDuplicate or kNotFound
// rule kUnknownField, never anything else; an accepted rule's canonical
// JSON parses to the same rule (the same canonical JSON).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "core/customer_record.h"
#include "core/duplicates/duplicate_rule.h"
#include "core/json.h"
#include "core/schema.h"
#include "invariant.h"
#include "small_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string json(reinterpret_cast<const char*>(data), size);
  const crm::core::Schema& schema = crm_fuzz::SmallSchema();
  auto rule = crm::core::duplicates::ParseDuplicateRule(json, schema);
  if (!rule.ok()) {
    crm::ErrorCode code = crm::CodeOf(rule.status());
    crm::Rule which = crm::RuleIdOf(rule.status());
    CRM_FUZZ_REQUIRE((code == crm::ErrorCode::kValidation &&
                      which == crm::Rule::kDuplicate) ||
                         (code == crm::ErrorCode::kNotFound &&
                          which == crm::Rule::kUnknownField),
                     rule.status().ToString());
    return 0;
  }
  std::string canonical = crm::core::duplicates::DuplicateRuleToJson(*rule);
  auto again = crm::core::duplicates::ParseDuplicateRule(canonical, schema);
  CRM_FUZZ_REQUIRE(again.ok(), canonical);
  CRM_FUZZ_REQUIRE(
      crm::core::duplicates::DuplicateRuleToJson(*again) == canonical,
      canonical);
  return 0;
}
