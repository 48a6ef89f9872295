// What a restricted session (crm_db_restrict) may see and change of customer
// records: the checks and views customer_service, customer_batch, history
// and customer_export share. Every function is a no-op, or returns its input
// as it is, for an unrestricted session (Session::access() == nullptr).
#ifndef CRM_CORE_CUSTOMER_VIEW_H_
#define CRM_CORE_CUSTOMER_VIEW_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/customer_record.h"
#include "core/field.h"
#include "core/visible_stamp.h"
#include "core/workspace.h"

namespace crm::core {

// kDenied, rule kNotWritable, naming the first of `fields` the session's
// profile does not write.
absl::Status CheckWritable(const Session& session,
                           const std::vector<const Field*>& fields);

// A lookup of a customer by the value of `field` (external_id, email): kDenied
// rule kHidden when the profile hides the field, rule kMasked when it masks
// it without "masked_match" (the lookup would probe the value).
absl::Status CheckLookupField(const Session& session, const Field& field);

// kDenied, rule kScope, unless customer `id` (just written in this scope)
// lies in the session's record scope. The caller fails its call with it, so
// that Workspace::Run rolls the write back.
absl::Status CheckResultInScope(Session& session, int64_t id);

// `record` as the session sees it with `stamp` as its visible version and
// updated_at: Access::FilterRecord'ed (the session must be restricted).
CustomerRecord FilterWithStamp(const Session& session,
                               const CustomerRecord& record,
                               const VisibleStamp& stamp);

// `record` (a customer as stored, with created_at and updated_at) as the
// session sees it: Access::FilterRecord'ed, with the visible stamp
// (visible_stamp.h) as version and updated_at.
absl::StatusOr<CustomerRecord> ViewOf(Session& session, CustomerRecord record,
                                      int64_t stored_updated_at_us);

// The actor recorded on what the session writes: the handle's actor on a
// restricted one (the per-call `actor` is ignored there), else `actor`.
const std::string& WritingActor(const Session& session,
                                const std::string& actor);

// The source of history events the session writes: "profile:<name>" on a
// restricted handle, "" (none) otherwise.
std::string WritingSource(const Session& session);

}  // namespace crm::core

#endif  // CRM_CORE_CUSTOMER_VIEW_H_
