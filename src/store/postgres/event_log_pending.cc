// TEMPORARY (pg-core branch only): kUnsupported bodies for event_log.h so
// that the plugin links until the event log's helper delivers event_log.cc.
// Deleted before the branch's last commit.
#include "base/error.h"
#include "store/postgres/event_log.h"

namespace crm::store::postgres {
namespace {
absl::Status Pending() {
  return MakeError(ErrorCode::kUnsupported, "event log pending", "",
                   Rule::kBackend);
}
}  // namespace

absl::Status SeedEventLog(Connection&, int64_t) { return absl::OkStatus(); }
absl::StatusOr<int64_t> InternString(Connection&, int64_t, const std::string&) {
  return Pending();
}
absl::StatusOr<std::optional<int64_t>> FindString(Connection&, int64_t,
                                                  const std::string&) {
  return Pending();
}
absl::StatusOr<int64_t> InsertEvent(Connection&, int64_t, const EventRow&,
                                    const EventIds&) {
  return Pending();
}
absl::StatusOr<std::optional<int64_t>> FindEventByKey(Connection&, int64_t,
                                                      const std::string&) {
  return Pending();
}
absl::StatusOr<std::optional<EventRow>> SelectEvent(Connection&, int64_t,
                                                    InternedTexts&, int64_t) {
  return Pending();
}
absl::StatusOr<std::vector<EventRow>> SelectTimeline(Connection&, int64_t,
                                                     InternedTexts&,
                                                     const TimelineQuery&) {
  return Pending();
}
absl::StatusOr<std::vector<EventRow>> SelectEventsAfter(Connection&, int64_t,
                                                        InternedTexts&, int64_t,
                                                        int64_t) {
  return Pending();
}
absl::StatusOr<std::vector<EventRow>> SelectHistory(Connection&, int64_t,
                                                    InternedTexts&, int64_t,
                                                    int64_t) {
  return Pending();
}
absl::StatusOr<std::vector<int64_t>> CustomersWithoutHistory(Connection&,
                                                             int64_t) {
  return Pending();
}
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadEventTypes(
    Connection&, int64_t) {
  return Pending();
}
absl::Status UpsertEventType(Connection&, int64_t, const std::string&,
                             const std::string&) {
  return Pending();
}

}  // namespace crm::store::postgres
