#include "store/sql_value.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"

namespace crm::store {

absl::StatusOr<int64_t> StoredInteger(const SqlValue& value,
                                      absl::string_view what) {
  if (const int64_t* number = std::get_if<int64_t>(&value)) return *number;
  return DamagedValue(absl::StrCat("'", what, "' is not an integer"));
}

}  // namespace crm::store
