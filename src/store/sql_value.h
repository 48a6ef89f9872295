// A value as SQLite stores it.
#ifndef CRM_STORE_SQL_VALUE_H_
#define CRM_STORE_SQL_VALUE_H_

#include <cstdint>
#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::store {

// Bytes stored as a BLOB (encoded messages), as opposed to TEXT.
struct Blob {
  std::string bytes;
  bool operator==(const Blob& other) const = default;
};

// NULL, INTEGER, REAL, TEXT or BLOB. Customer columns hold no BLOBs.
using SqlValue =
    std::variant<std::monostate, int64_t, double, std::string, Blob>;

inline bool IsNull(const SqlValue& value) {
  return std::holds_alternative<std::monostate>(value);
}

// The integer a column read back must hold; a damaged-value error (see
// base/error.h) naming `what` when the file holds anything else there.
absl::StatusOr<int64_t> StoredInteger(const SqlValue& value,
                                      absl::string_view what);

}  // namespace crm::store

#endif  // CRM_STORE_SQL_VALUE_H_
