#include "core/json.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/utf8.h"
#include "google/protobuf/util/json_util.h"

namespace crm::core {

namespace pbutil = google::protobuf::util;

namespace {

std::string WithArticle(absl::string_view noun) {
  bool vowel = !noun.empty() && absl::StrContains("aeiou", noun[0]);
  return absl::StrCat(vowel ? "an " : "a ", noun);
}

// What a protobuf type name asks of a JSON value, in a user's words.
absl::string_view ValueKindOf(absl::string_view proto_type) {
  if (absl::StrContains(proto_type, "INT")) return "a whole number";
  if (absl::StrContains(proto_type, "BOOL")) return "true or false";
  if (absl::StrContains(proto_type, "STRING")) return "text";
  if (absl::StrContains(proto_type, "DOUBLE") ||
      absl::StrContains(proto_type, "FLOAT")) {
    return "a number";
  }
  return "another kind of value";
}

// The protobuf JSON parser's message retold in libcrm's terms, naming the
// key where there is one; protobuf's own wording ("Cannot find field.",
// "TYPE_INT64") never reaches a host. `what` names the document ("field
// definition").
absl::Status JsonError(absl::string_view message, absl::string_view what) {
  std::string document = WithArticle(what);
  // "(parent) key: Cannot find field." or "key: Cannot find field."
  constexpr absl::string_view kUnknown = ": Cannot find field.";
  if (absl::EndsWith(message, kUnknown)) {
    absl::string_view path =
        message.substr(0, message.size() - kUnknown.size());
    size_t space = path.rfind(' ');
    absl::string_view key =
        space == absl::string_view::npos ? path : path.substr(space + 1);
    std::string where = document;
    if (absl::StartsWith(path, "(") && space != absl::string_view::npos) {
      where = absl::StrCat("'", path.substr(1, path.find(')') - 1), "' of ",
                           document);
    }
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("unknown key '", key, "' in ", where), key,
                     Rule::kKey);
  }
  // "(key): invalid value "x" for type TYPE_INT64"
  constexpr absl::string_view kInvalid = "): invalid value ";
  size_t invalid = message.find(kInvalid);
  if (absl::StartsWith(message, "(") && invalid != absl::string_view::npos) {
    absl::string_view key = message.substr(1, invalid - 1);
    absl::string_view rest = message.substr(invalid + kInvalid.size());
    size_t for_type = rest.rfind(" for type ");
    absl::string_view value = rest.substr(0, for_type);
    absl::string_view type =
        for_type == absl::string_view::npos ? "" : rest.substr(for_type + 10);
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("key '", key, "' in ", document, " takes ",
                                  ValueKindOf(type), ", not ", value),
                     key, Rule::kType);
  }
  if (absl::StrContains(message, "Root element must be a message")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat(document, " must be a JSON object"), "",
                     Rule::kJson);
  }
  // Syntax errors: the first line, without protobuf's caret drawing.
  absl::string_view first = message.substr(0, message.find('\n'));
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat(what, " is not valid JSON: ", first), "",
                   Rule::kJson);
}

}  // namespace

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
  if (!status.ok()) return JsonError(status.message().as_string(), what);
  return absl::OkStatus();
}

}  // namespace crm::core
