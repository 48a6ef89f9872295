// Merge options (crm.h "Merging customers", options_json): arbitrary bytes
// to ParseMergeOptions() against a small schema (the standard fields and one
// integer user field). It never crashes; it refuses with kValidation rule
// kMerge only; accepted options give every stored field a value from two
// customers' values without crashing (kValidation at most: a sum out of
// range).
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "core/merge/merge_rules.h"
#include "invariant.h"
#include "small_schema.h"

namespace {

// A value of each stored field, for the survivor (`n` 1) or a merged
// customer (`n` 2).
std::vector<crm::core::Value> SampleValues(const crm::core::Schema& schema,
                                           int n) {
  using crm::core::Value;
  using crm::core::ValueKind;
  std::vector<Value> values;
  for (const crm::core::Field* field : schema.stored_fields()) {
    switch (crm::core::ValueKindOf(field->type())) {
      case ValueKind::kInteger:
        values.push_back(Value::Integer(INT64_MAX / 2 + n));
        break;
      case ValueKind::kList:
        values.push_back(Value::List({"a", n == 1 ? "b" : "c"}));
        break;
      case ValueKind::kText:
        values.push_back(n == 1 ? Value::Null()
                                : Value::Text(std::string(n, 'x')));
        break;
      default:
        values.push_back(Value::Null());
    }
  }
  return values;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string json(reinterpret_cast<const char*>(data), size);
  const crm::core::Schema& schema = crm_fuzz::SmallSchema();
  auto options = crm::core::merge::ParseMergeOptions(schema, json);
  if (!options.ok()) {
    CRM_FUZZ_REQUIRE(
        crm::CodeOf(options.status()) == crm::ErrorCode::kValidation &&
            crm::RuleIdOf(options.status()) == crm::Rule::kMerge,
        options.status().ToString());
    return 0;
  }
  static const std::vector<crm::core::Value> survivor = SampleValues(schema, 1);
  static const std::vector<crm::core::Value> merged = SampleValues(schema, 2);
  const std::vector<crm::core::merge::MergeSource> sources = {{&survivor, 1},
                                                              {&merged, 2}};
  const auto& fields = schema.stored_fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    auto value = crm::core::merge::MergedValue(
        *fields[i], i, options->RuleFor(fields[i]), sources);
    CRM_FUZZ_REQUIRE(value.ok() || crm::CodeOf(value.status()) ==
                                       crm::ErrorCode::kValidation,
                     value.status().ToString());
  }
  return 0;
}
