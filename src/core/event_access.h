// What a restricted session sees of the event log (crm.h, "Access profiles
// and restricted handles"): which events, and each as the profile shows it.
// Every read of events (GetEvent, Timeline, EventsAfter) and the appends
// through a restricted handle decide here, and nowhere else.
//
// An event is visible when its customer is in the profile's scope
// (record_scope.h; a profile without a scope covers every customer id, also
// of deleted and erased customers) and:
//  - a host's event: Access::OfEvent(type, channel) >= kRead;
//  - a history event (crm.record.created / updated / deleted): a created or
//    deleted one always, an updated one when it changed a field the profile
//    reads; its before/after records keep only the fields the profile reads,
//    masked ones masked (Access::FilterRecord);
//  - another event of libcrm (the crm.record.erased tombstone): always.
// An "events" rule that names a libcrm event's type or channel ("crm") and
// hides it hides it too: where field and event rules disagree, the stricter
// holds.
#ifndef CRM_CORE_EVENT_ACCESS_H_
#define CRM_CORE_EVENT_ACCESS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/event.h"
#include "core/workspace.h"
#include "store/rows.h"

namespace crm::core {

// The visibility of events to one call of one session. Remembers the scope
// of each customer it has looked up, so that a page of events asks once per
// customer. Use one per call; with an unrestricted session (access() ==
// nullptr) every event is visible as stored and nothing is read.
class EventView {
 public:
  explicit EventView(Session& session) : session_(session) {}

  // Whether the session is restricted at all.
  bool restricted() const { return session_.access() != nullptr; }

  // Whether customer `id` lies in the scope events are shown for.
  absl::StatusOr<bool> CoversCustomer(int64_t id);

  // Whether the session may see the stored event `row` (its type, channel
  // and customer; for history events the fields its body changes).
  absl::StatusOr<bool> Sees(const store::EventRow& row);

  // `event` as the session sees it: a history event's before/after keep
  // only the fields the profile reads, masked ones masked. Call only for an
  // event Sees() accepted.
  void Shape(Event* event) const;

  // OK, or CRM_E_DENIED rule "hidden" naming the first type or channel of a
  // timeline's request that no event visible to the session can have (a
  // silently empty page would reveal as much as a refusal, and less
  // honestly).
  absl::Status CheckNamed(const std::vector<std::string>& types,
                          const std::vector<std::string>& channels) const;

  // OK, or CRM_E_DENIED rule "append" naming `type` unless the profile grants
  // appending events of `type` on `channel`.
  absl::Status CheckAppend(const std::string& type,
                           const std::string& channel) const;

 private:
  // Whether the type and channel alone let the event be seen (before its
  // customer and, for history events, its fields are considered).
  bool SeesKind(const std::string& type, const std::string& channel) const;

  Session& session_;
  absl::flat_hash_map<int64_t, bool> covered_;  // customer id -> in scope
};

// The source recorded on events written through a restricted handle of
// profile `profile`: "profile:<name>".
std::string ProfileSource(const std::string& profile);

}  // namespace crm::core

#endif  // CRM_CORE_EVENT_ACCESS_H_
