// Legal-hold stubs (crm_stubs, layout 6) and the deletes of retention in
// PostgreSQL workspaces: what store::Backend's "retention and legal hold"
// methods do (backend.h states each contract). Every function takes the
// workspace's id, which leads every key it reads or writes, and runs inside
// the transaction the caller opened on `connection`.
#ifndef CRM_STORE_POSTGRES_HOLD_STORE_H_
#define CRM_STORE_POSTGRES_HOLD_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/connection.h"

namespace crm::store::postgres {

absl::Status InsertStub(Connection& connection, int64_t workspace_id,
                        int64_t id, int64_t held_until_us);
absl::StatusOr<std::optional<int64_t>> StubHeldUntil(Connection& connection,
                                                     int64_t workspace_id,
                                                     int64_t id);
absl::StatusOr<std::vector<int64_t>> EndedStubs(Connection& connection,
                                                int64_t workspace_id,
                                                int64_t now_us);
// Removed rows stay in the server's files as dead row versions until VACUUM
// (crm.h, "Backends: what differs").
absl::StatusOr<int64_t> DeleteStub(Connection& connection, int64_t workspace_id,
                                   int64_t id);
// In one statement; also rewrites the jsonb copy of the properties that
// queries read.
absl::Status RelinkEvents(
    Connection& connection, int64_t workspace_id, int64_t customer_id,
    const std::vector<std::pair<int64_t, std::string>>& events);
absl::StatusOr<int64_t> DeleteEventsBefore(Connection& connection,
                                           int64_t workspace_id,
                                           int64_t type_id, int64_t before_us,
                                           bool of_stubs);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_HOLD_STORE_H_
