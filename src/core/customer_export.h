// The export of everything libcrm holds on one person (crm.h,
// crm_customer_export; GDPR Art. 15 and 20): one JSON document in the shape
// docs/customer-export.md documents, key by key, under a version number.
#ifndef CRM_CORE_CUSTOMER_EXPORT_H_
#define CRM_CORE_CUSTOMER_EXPORT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/workspace.h"

namespace crm::core {

// The document's "version": raised when a key changes meaning or goes away;
// keys added at the end of an object leave it as it is.
inline constexpr int kCustomerExportVersion = 1;

// The export of customer `id`, read in `session`'s scope (one snapshot):
// its current record with every field that holds a value (archived ones
// too), its history and its other events by seq, the customer segments
// whose filter matches it, and the deleted / erased / merge markers;
// "exported_at" is `now_us`, which is also the "now" of segment filters
// with relative times. Nothing else in the text depends on when it is made.
// kNotFound when the workspace holds neither a record nor an event of `id`.
// On a restricted session only what its profile reads, and kNotFound for a
// customer not in its scope now (docs/customer-export.md, "Through a
// restricted handle").
// The events are read in pages of the store's timeline; memory peaks at
// about twice the document (the events rendered, then put in seq order).
absl::StatusOr<std::string> ExportCustomer(Session& session, int64_t id,
                                           int64_t now_us);

}  // namespace crm::core

#endif  // CRM_CORE_CUSTOMER_EXPORT_H_
