// Lists of strings (tags, multiple choice) as stored: a JSON array of
// strings, so that SQLite's JSON functions can query them.
#ifndef CRM_CORE_STRING_LIST_H_
#define CRM_CORE_STRING_LIST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::core {

std::string EncodeStringList(const std::vector<std::string>& items);

// Decodes what EncodeStringList wrote (and any JSON array of strings).
absl::StatusOr<std::vector<std::string>> DecodeStringList(
    absl::string_view json);

}  // namespace crm::core

#endif  // CRM_CORE_STRING_LIST_H_
