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

// Parses `json` into `message`. Invalid UTF-8, malformed JSON, unknown keys
// and values of the wrong kind are invalid-argument errors that name the
// document (`what`, e.g. "field definition") and, where there is one, the
// key (as the error's field; rule "key", "type" or "json").
absl::Status MessageFromJson(absl::string_view json, absl::string_view what,
                             google::protobuf::Message* message);

}  // namespace crm::core

#endif  // CRM_CORE_JSON_H_
