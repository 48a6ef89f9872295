// Legal hold: what an erasure must keep of a customer, and the stub that
// keeps it. A field whose definition has "hold_days" keeps an erased
// customer's value that many days from the erasure; an event type with
// "hold_days" keeps an erased customer's events of the type that many days
// from when they occurred, with only its "held_properties". What is kept
// moves to a stub: a new customer (an id never used before, stored with no
// link to the erased one) holding only the held values, with the held
// events relinked to it, marked with when its hold ends. A stub is read as
// any customer is; crm_retention_apply() (core/retention.h) removes it when
// its hold ends. The erase (core/erasure.h) calls FindHeld() and, when the
// host chose to keep held data, MoveHeldToStub() before it removes anything.
#ifndef CRM_CORE_LEGAL_HOLD_H_
#define CRM_CORE_LEGAL_HOLD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/workspace.h"

namespace crm::core {

inline constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000 * 1000;

// What a hold keeps of one customer at one instant.
struct HeldData {
  // Names of the held fields that hold a value, in schema order.
  std::vector<std::string> fields;
  // Events of held types still within their period.
  int64_t events = 0;
  // When the last of those holds ends (UTC microseconds); 0 when nothing is
  // held.
  int64_t held_until_us = 0;
  bool empty() const { return fields.empty() && events == 0; }
};

// What a hold keeps of customer `id` at `now_us`: held fields (archived ones
// too) holding a value, and events of held types still within their period
// (an event is held while now_us < occurred_at + hold_days). kNotFound when
// there is no such customer. Reads only; runs inside the caller's Session.
absl::StatusOr<HeldData> FindHeld(Session& session, int64_t id, int64_t now_us);

// Moves what FindHeld() found (`held`, at the same `now_us`, in the same
// write Session) to a new stub customer and returns the stub's id: the stub
// holds the held fields' values and nothing else, is not in the search
// index, and its history is one "crm.record.created" event at `now_us` by
// `actor` (the erasure's) holding those values; the held events are
// relinked to it keeping their seq, times, type, channel, actor and source,
// with only their type's held properties and no idempotency key. The held
// values are cleared from customer `id` (so that unique values can move),
// which the erase then removes. kInvalidArgument, rule "hold", when `held`
// is empty.
absl::StatusOr<int64_t> MoveHeldToStub(Session& session, int64_t id,
                                       const HeldData& held, int64_t now_us,
                                       absl::string_view actor = "api");

// When the hold of customer `id` ends if it is a stub, nullopt if it is a
// customer but no stub; kNotFound when there is no such customer.
absl::StatusOr<std::optional<int64_t>> StubHeldUntil(Session& session,
                                                     int64_t id);

// `at_us` + `days` days, saturating at the ends of int64_t (stored times
// are untrusted).
int64_t AddDays(int64_t at_us, int days);

}  // namespace crm::core

#endif  // CRM_CORE_LEGAL_HOLD_H_
