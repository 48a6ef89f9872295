// The workspace's own counters and flags, in crm_meta (key -> integer): the
// schema generation, the customer id counter, one-off flags left by
// migrations. The one place that reads or writes that table.
#ifndef CRM_STORE_SQLITE_META_TABLE_H_
#define CRM_STORE_SQLITE_META_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

// The value under `key`, or nullopt when the key is absent.
absl::StatusOr<std::optional<int64_t>> ReadMetaValue(Connection& connection,
                                                     const std::string& key);

// Adds 1 to the value under `key` (nothing when the key is absent). Inside
// the caller's write transaction.
absl::Status IncrementMetaValue(Connection& connection, const std::string& key);

// Reads and clears a one-off flag: true when it was set.
absl::StatusOr<bool> TakeMetaFlag(Connection& connection,
                                  const std::string& key);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_META_TABLE_H_
