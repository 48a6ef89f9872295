// Feeds bytes to the store's reader of encoded event bodies
// (store/event_body.h), which both backends run over bodies read back from
// storage, and aborts when its contracts break:
//  - BodyPropertiesJson gives a JSON object text ("" for no properties) or a
//    damaged-value error (kIo, rule "damaged"), never kInternal or a crash;
//    the text is UTF-8 and starts with '{' and ends with '}';
//  - FindBodyProperty gives nothing, a value or the same kind of error; a
//    body whose JSON was made reads the value of a property found, written
//    as JSON, inside that text; its query value is made without a crash.
//
// Input: the first byte is the length of the key to look up (its bytes
// follow), the rest is the body.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "base/error.h"
#include "base/utf8.h"
#include "invariant.h"
#include "store/event_body.h"

namespace {

using crm::store::BodyValue;

void RequireDamaged(const absl::Status& status) {
  CRM_FUZZ_REQUIRE(crm::CodeOf(status) == crm::ErrorCode::kIo &&
                       crm::RuleOf(status) == "damaged",
                   std::string(status.message()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  size_t key_size = std::min<size_t>(input[0], input.size() - 1);
  absl::string_view key = input.substr(1, key_size);
  absl::string_view body = input.substr(1 + key_size);

  absl::StatusOr<std::string> json = crm::store::BodyPropertiesJson(body);
  if (!json.ok()) {
    RequireDamaged(json.status());
  } else if (!json->empty()) {
    CRM_FUZZ_REQUIRE(crm::IsValidUtf8(*json), *json);
    CRM_FUZZ_REQUIRE(json->front() == '{' && json->back() == '}', *json);
  }
  absl::StatusOr<std::optional<BodyValue>> found =
      crm::store::FindBodyProperty(body, key);
  if (!found.ok()) {
    RequireDamaged(found.status());
    return 0;
  }
  if (!found->has_value()) return 0;
  std::string value_json;
  crm::store::AppendBodyValueJson(**found, &value_json);
  CRM_FUZZ_REQUIRE(crm::IsValidUtf8(value_json), value_json);
  if (json.ok()) {
    CRM_FUZZ_REQUIRE(absl::StrContains(*json, value_json), value_json);
  }
  (void)crm::store::BodyValueForQuery(**found);
  return 0;
}
