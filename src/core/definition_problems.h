// The validation errors of a named definition a host writes as JSON (an
// access profile, a duplicate rule): messages "<what> '<name>': <key>:
// <message>" with the key at fault as the error's field, and the readers of
// JSON members they share.
#ifndef CRM_CORE_DEFINITION_PROBLEMS_H_
#define CRM_CORE_DEFINITION_PROBLEMS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/error.h"
#include "google/protobuf/struct.pb.h"

namespace crm::core {

// Text as a message quotes it: at most 64 bytes, and never bytes that are
// not libcrm text.
std::string Quoted(absl::string_view text);

// Builds the errors of one definition: kValidation with `rule`. `what`
// names the kind of definition ("profile", "duplicate rule"); a static
// string, borrowed. Not thread-safe; one per parse.
class DefinitionProblems {
 public:
  DefinitionProblems(const char* what, Rule rule) : what_(what), rule_(rule) {}

  absl::Status At(absl::string_view key, absl::string_view message) const;
  // The definition's name, once known, quoted into every later message.
  void set_name(absl::string_view name) { name_ = Quoted(name); }

 private:
  const char* what_;
  Rule rule_;
  std::string name_;
};

// The text `value` holds at `key`: a JSON string of valid libcrm text, else
// an error of `problems` at `key`.
absl::StatusOr<std::string> TextOf(const DefinitionProblems& problems,
                                   absl::string_view key,
                                   const google::protobuf::Value& value);

}  // namespace crm::core

#endif  // CRM_CORE_DEFINITION_PROBLEMS_H_
