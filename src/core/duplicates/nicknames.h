// The built-in table of given-name nicknames and spellings that PersonNameKey
// replaces by one canonical given name ("bob" -> "robert").
#ifndef CRM_CORE_DUPLICATES_NICKNAMES_H_
#define CRM_CORE_DUPLICATES_NICKNAMES_H_

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace crm::core::duplicates {

// One canonical given name and the names that stand for it. All folded
// (FoldText), `variants` separated by single spaces. No name is the variant
// of two canonical names, nor both a canonical name and a variant.
struct NicknameGroup {
  const char* canonical;
  const char* variants;
};

// The whole table (static storage).
absl::Span<const NicknameGroup> NicknameGroups();

// The canonical given name of folded token `token` ("bobby" -> "robert"),
// or `token` itself when it is no variant. The view refers to static
// storage or to `token`. Thread-safe; no allocation after the first call.
absl::string_view CanonicalGivenName(absl::string_view token);

}  // namespace crm::core::duplicates

#endif  // CRM_CORE_DUPLICATES_NICKNAMES_H_
