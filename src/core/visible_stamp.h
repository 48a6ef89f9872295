// What a restricted session sees of a customer's bookkeeping (crm.h: "a
// customer's version and updated_at are those of the last change the
// profile can see"): a change of hidden fields only shows no bump.
#ifndef CRM_CORE_VISIBLE_STAMP_H_
#define CRM_CORE_VISIBLE_STAMP_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "core/workspace.h"
#include "store/rows.h"

namespace crm::core {

struct VisibleStamp {
  // The number of history events of the customer that show the profile a
  // change (its creation counts as 1), so that no gap reveals hidden ones.
  int64_t version = 0;
  // When the last of them was recorded, UTC microseconds.
  int64_t updated_at_us = 0;
};

// The stamp customer `id` shows the session. For an unrestricted session,
// or a profile that reads every field of the schema, the stored
// `stored_version` and `stored_updated_at_us` themselves (no read).
absl::StatusOr<VisibleStamp> VisibleStampOf(Session& session, int64_t id,
                                            int64_t stored_version,
                                            int64_t stored_updated_at_us);

// Whether `access` reads every field a history event can change (every
// field of `schema` but the read-only bookkeeping ones, archived included):
// then every change shows and the stored stamp is the visible one.
bool ReadsEveryField(const Access& access, const Schema& schema);

// Whether history event `row` shows `access` a change: a created event
// always; an updated event when one of its changed fields is one `access`
// reads (masked included); nothing else.
bool ShowsChange(const Access& access, const Schema& schema,
                 const store::EventRow& row);

}  // namespace crm::core

#endif  // CRM_CORE_VISIBLE_STAMP_H_
