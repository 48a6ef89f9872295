// Storage of legal-hold stubs (crm_stubs, migration 7) and the deletes of
// retention: what store::Backend's "retention and legal hold" methods do in
// a workspace file (backend.h states each contract). Every function runs
// inside the caller's scope on `connection`.
#ifndef CRM_STORE_SQLITE_HOLD_TABLE_H_
#define CRM_STORE_SQLITE_HOLD_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

absl::Status InsertStub(Connection& connection, int64_t id,
                        int64_t held_until_us);
absl::StatusOr<std::optional<int64_t>> StubHeldUntil(Connection& connection,
                                                     int64_t id);
absl::StatusOr<std::vector<int64_t>> EndedStubs(Connection& connection,
                                                int64_t now_us);
// The stub's rows go with SQLite's secure_delete as set on the connection.
absl::StatusOr<int64_t> DeleteStub(Connection& connection, int64_t id);
absl::Status RelinkEvents(
    Connection& connection, int64_t customer_id,
    const std::vector<std::pair<int64_t, std::string>>& events);
absl::StatusOr<int64_t> DeleteEventsBefore(Connection& connection,
                                           int64_t type_id, int64_t before_us,
                                           bool of_stubs);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_HOLD_TABLE_H_
