// JSON text of the wire messages: field definitions and event types as
// stored and as handed to hosts.
#ifndef CRM_CORE_JSON_H_
#define CRM_CORE_JSON_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace crm::core {

// Compact JSON with the .proto member names; with `print_defaults`, members
// holding their default value are printed too (for hosts to read).
std::string MessageToJson(const google::protobuf::Message& message,
                          bool print_defaults = false);

// Parses `json` into `message`. Invalid UTF-8, malformed JSON and unknown
// keys are invalid-argument errors whose message starts with `what`.
absl::Status MessageFromJson(absl::string_view json, absl::string_view what,
                             google::protobuf::Message* message);

}  // namespace crm::core

#endif  // CRM_CORE_JSON_H_
