#include "core/duplicates/duplicate_settings.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/json_text.h"
#include "core/duplicates/match_keys.h"
#include "core/json.h"
#include "google/protobuf/struct.pb.h"

namespace crm::core::duplicates {
namespace {

absl::Status BadKey(absl::string_view key, absl::string_view problem) {
  return MakeError(ErrorCode::kValidation,
                   absl::StrCat("duplicate settings: \"", key, "\" ", problem),
                   key, Rule::kDuplicate);
}

}  // namespace

absl::StatusOr<DuplicateSettings> ParseDuplicateSettings(
    absl::string_view json) {
  google::protobuf::Struct document;
  absl::Status parsed = MessageFromJson(json, "duplicate settings", &document);
  if (!parsed.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("settings_json: ", parsed.message()), "",
                     Rule::kSettingsJson);
  }
  DuplicateSettings settings;
  for (const auto& [key, value] : document.fields()) {
    if (key != "default_region") return BadKey(key, "is no setting");
    if (value.kind_case() != google::protobuf::Value::kStringValue) {
      return BadKey(key, "must be a text");
    }
    const std::string& region = value.string_value();
    if (!region.empty() && !IsRegionCode(region)) {
      return BadKey(key,
                    "must be an ISO 3166 region code in upper case that "
                    "libphonenumber knows (\"NO\", \"SE\", \"US\"), or \"\"");
    }
    settings.default_region = region;
  }
  return settings;
}

std::string DuplicateSettingsToJson(const DuplicateSettings& settings) {
  std::string json = "{\"default_region\":";
  AppendJsonString(settings.default_region, &json);
  json += '}';
  return json;
}

}  // namespace crm::core::duplicates
