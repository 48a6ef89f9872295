// UTF-8 validation, and the check of the text libcrm stores.
#ifndef CRM_BASE_UTF8_H_
#define CRM_BASE_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace crm {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF). Otherwise false and *bad_offset (if not null) is
// the byte offset of the first bad sequence.
bool IsValidUtf8(absl::string_view text, size_t* bad_offset = nullptr);

// The number of bytes of the UTF-8 character that starts at byte `at` of
// well-formed UTF-8 `text` (1 to 4): for quoting one character whole in a
// message.
size_t Utf8CharLength(absl::string_view text, size_t at);

// Why `text` cannot be libcrm text, or "" when it can. libcrm text is
// well-formed UTF-8 without NUL bytes: every string libcrm hands back through
// the C ABI ends at its first NUL, so text holding one would be read back cut
// short (and match filters unlike what is stored). The reason reads after
// the name of what was checked: "is not valid UTF-8 (byte 3)", "holds a NUL
// byte (byte 7)". Every layer checks text it takes by length (batch messages,
// JSON, decoded values) with this.
std::string TextProblem(absl::string_view text);

// OK when `text` is libcrm text; otherwise the invalid-argument error (rule
// "utf8", naming `field`) whose message is about() followed by the problem,
// e.g. "field 'name': value" + " holds a NUL byte (byte 7)". about() runs
// only on failure.
absl::Status ValidateText(absl::string_view text, absl::string_view field,
                          absl::FunctionRef<std::string()> about);

}  // namespace crm

#endif  // CRM_BASE_UTF8_H_
