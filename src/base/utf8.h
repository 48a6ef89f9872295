// UTF-8 validation.
#ifndef CRM_BASE_UTF8_H_
#define CRM_BASE_UTF8_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace crm {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF). Otherwise false and *bad_offset (if not null) is
// the byte offset of the first bad sequence.
bool IsValidUtf8(absl::string_view text, size_t* bad_offset = nullptr);

}  // namespace crm

#endif  // CRM_BASE_UTF8_H_
