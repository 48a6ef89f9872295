#include "core/definition_problems.h"

#include "absl/strings/str_cat.h"
#include "base/utf8.h"

namespace crm::core {

std::string Quoted(absl::string_view text) {
  if (!TextProblem(text).empty()) return "(not valid text)";
  return text.size() <= 64 ? std::string(text)
                           : absl::StrCat(text.substr(0, 61), "...");
}

absl::Status DefinitionProblems::At(absl::string_view key,
                                    absl::string_view message) const {
  std::string prefix = name_.empty() ? std::string(what_)
                                     : absl::StrCat(what_, " '", name_, "'");
  return MakeError(ErrorCode::kValidation,
                   absl::StrCat(prefix, ": ", key, ": ", message), key, rule_);
}

absl::StatusOr<std::string> TextOf(const DefinitionProblems& problems,
                                   absl::string_view key,
                                   const google::protobuf::Value& value) {
  if (value.kind_case() != google::protobuf::Value::kStringValue) {
    return problems.At(key, "must be text");
  }
  if (!TextProblem(value.string_value()).empty()) {
    return problems.At(key, "is not valid text");
  }
  return value.string_value();
}

}  // namespace crm::core
