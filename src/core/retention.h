// Retention: removing what the workspace keeps only for a period, at the
// host's call (no background threads in a library). Events of a type with
// "retention_days" are removed once that many days passed since they
// occurred; events relinked to a legal-hold stub (core/legal_hold.h) are
// removed once their type's "hold_days" passed instead, and stubs whose
// hold ended are removed whole. History events ("crm.record.*") of
// customers are never removed here: no "crm." type takes a period.
#ifndef CRM_CORE_RETENTION_H_
#define CRM_CORE_RETENTION_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "core/workspace.h"

namespace crm::core {

struct RetentionReport {
  // Events removed because their type's period ended (retention, or the
  // hold of an event relinked to a stub), in all and by type name; every
  // type with a period is listed, also with 0.
  int64_t events_removed = 0;
  std::map<std::string, int64_t> by_type;
  // Stubs removed because their hold ended, and the events they still held
  // (their history included).
  int64_t stubs_removed = 0;
  int64_t stub_events_removed = 0;
};

// Applies every retention and hold period at `now_us` (the host's clock,
// UTC microseconds) inside the caller's write Session. Idempotent: a second
// call at the same or an earlier `now_us` removes nothing more.
absl::StatusOr<RetentionReport> ApplyRetention(Session& session,
                                               int64_t now_us);

// The report as JSON, keys in this order:
//   {"events_removed": N, "by_type": {"page.view": N, ...},
//    "stubs_removed": K, "stub_events_removed": M}
// with by_type's keys sorted by byte value.
std::string RetentionReportJson(const RetentionReport& report);

}  // namespace crm::core

#endif  // CRM_CORE_RETENTION_H_
