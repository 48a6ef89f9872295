// Rewrites other customers' reference fields that point at one customer:
// cleared when it is erased (core/erasure.h), moved to the survivor when it
// is merged and back when the merge is undone (core/merge). Each change is
// an update of the holder (version, update time, history event).
#ifndef CRM_CORE_REFERENCE_UPDATE_H_
#define CRM_CORE_REFERENCE_UPDATE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "core/field.h"
#include "core/workspace.h"

namespace crm::core {

// Customers holding a reference, by id, with the reference fields in which
// each holds it (borrowed from the session's schema).
using ReferenceHolders = std::map<int64_t, std::vector<const Field*>>;

// The customers other than those of `excluded` holding `id` in a reference
// field, whatever the field's status.
absl::StatusOr<ReferenceHolders> HoldersOfReferencesTo(
    Session& session, int64_t id, const absl::flat_hash_set<int64_t>& excluded);

// Sets each of the reference `fields` of customer `holder` that holds `from`
// to `to` (nullopt: empty), whatever the field's status and rules, as one
// update by `actor` at `now_us` (UTC microseconds), and returns the fields
// it changed (none when `holder` is gone or holds `from` in none of them).
// The caller makes sure `to` names a customer. Fields are borrowed.
absl::StatusOr<std::vector<const Field*>> RepointReferences(
    Session& session, int64_t holder, const std::vector<const Field*>& fields,
    int64_t from, std::optional<int64_t> to, const std::string& actor,
    int64_t now_us);

}  // namespace crm::core

#endif  // CRM_CORE_REFERENCE_UPDATE_H_
