// JSON text shared by every layer: string literals for the JSON libcrm
// writes (pages, stored lists, event properties).
#ifndef CRM_BASE_JSON_TEXT_H_
#define CRM_BASE_JSON_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace crm {

// Appends `text` to `out` as a JSON string literal: quoted, with quotes,
// backslashes and control characters escaped. `text` is UTF-8 (libcrm text
// never holds anything else); other bytes are copied as they are.
void AppendJsonString(absl::string_view text, std::string* out);

}  // namespace crm

#endif  // CRM_BASE_JSON_TEXT_H_
