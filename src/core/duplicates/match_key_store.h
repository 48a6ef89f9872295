// Keeps every customer's match keys current (crm.h "Duplicates"): the keys
// of a row as stored, written by each write path beside its search text.
// Runs inside the caller's scope; a failure leaves the scope to roll back.
#ifndef CRM_CORE_DUPLICATES_MATCH_KEY_STORE_H_
#define CRM_CORE_DUPLICATES_MATCH_KEY_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/duplicates/match_keys.h"
#include "core/workspace.h"
#include "store/sql_value.h"

namespace crm::core::duplicates {

// What the keys of a customer come from, read from its stored values `row`
// (aligned with schema.stored_fields()).
KeySource KeySourceOfRow(const Schema& schema,
                         const std::vector<store::SqlValue>& row);

// The keys of `source` in the schema's default region, as stored rows.
std::vector<store::MatchKeyRow> MatchKeyRows(const Schema& schema,
                                             const KeySource& source);

// Stores the keys of customer `id`, whose stored values are `row`.
absl::Status StoreMatchKeys(Session& session, int64_t id,
                            const std::vector<store::SqlValue>& row);

// Removes the keys of customer `id` (deleted, erased).
absl::Status RemoveMatchKeys(Session& session, int64_t id);

// Recomputes the keys of every customer from its stored values: after the
// default region changed, after a load, and once for a workspace written
// before libcrm kept keys.
absl::Status RebuildMatchKeys(Session& session);

// Checks every customer's stored keys against the keys of its stored
// values (crm_verify's "match_keys"): calls `problem` for each customer
// whose keys differ; returns the number of customers checked.
absl::StatusOr<int64_t> CheckMatchKeys(
    Session& session,
    absl::FunctionRef<void(int64_t id, std::string message)> problem);

}  // namespace crm::core::duplicates

#endif  // CRM_CORE_DUPLICATES_MATCH_KEY_STORE_H_
