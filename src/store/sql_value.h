// A value as SQLite stores it.
#ifndef CRM_STORE_SQL_VALUE_H_
#define CRM_STORE_SQL_VALUE_H_

#include <cstdint>
#include <string>
#include <variant>

namespace crm::store {

// NULL, INTEGER, REAL or TEXT. libcrm stores no BLOBs in customer columns.
using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;

inline bool IsNull(const SqlValue& value) {
  return std::holds_alternative<std::monostate>(value);
}

}  // namespace crm::store

#endif  // CRM_STORE_SQL_VALUE_H_
