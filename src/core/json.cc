#include "core/json.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/utf8.h"
#include "google/protobuf/util/json_util.h"

namespace crm::core {

namespace pbutil = google::protobuf::util;

std::string MessageToJson(const google::protobuf::Message& message,
                          bool print_defaults) {
  std::string json;
  pbutil::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = print_defaults;
  (void)pbutil::MessageToJsonString(message, &json, options);
  return json;
}

absl::Status MessageFromJson(absl::string_view json, absl::string_view what,
                             google::protobuf::Message* message) {
  if (!IsValidUtf8(json)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat(what, " is not valid UTF-8"));
  }
  pbutil::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = pbutil::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), message,
      options);
  if (!status.ok()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat(what, " is not valid: ", status.message().as_string()));
  }
  return absl::OkStatus();
}

}  // namespace crm::core
