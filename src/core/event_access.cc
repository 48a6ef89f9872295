#include "core/event_access.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/access.h"
#include "core/record_scope.h"
#include "core/schema.h"
#include "core/visible_stamp.h"

namespace crm::core {
namespace {

// The channel of every event libcrm writes itself.
constexpr char kLibcrmChannel[] = "crm";

// Types starting with "crm." are libcrm's own (history, tombstones).
bool IsLibcrmType(absl::string_view type) {
  return absl::StartsWith(type, "crm.");
}

// Whether an "events" rule of `access` names `type` on `channel` itself
// (a rule of another type, or of any type on another channel, does not).
bool NamedByRule(const Access& access, absl::string_view type,
                 absl::string_view channel) {
  for (const EventRule& rule : access.definition().events) {
    bool type_matches = rule.type.empty() || rule.type == type;
    bool channel_matches = rule.channel.empty() || rule.channel == channel;
    bool names = rule.type == type || rule.channel == channel;
    if (type_matches && channel_matches && names) return true;
  }
  return false;
}

// CRM_E_DENIED, rule "hidden", naming the event type or channel `name`
// (`what` says which) that a request named.
absl::Status HiddenKind(absl::string_view what, absl::string_view name) {
  return MakeError(ErrorCode::kDenied,
                   absl::StrCat(what, " '", name,
                                "' is hidden by the handle's access profile"),
                   name, Rule::kHidden);
}

}  // namespace

absl::StatusOr<bool> EventView::CoversCustomer(int64_t id) {
  const Access* access = session_.access();
  if (access == nullptr || access->scope().empty()) return true;
  auto known = covered_.find(id);
  if (known != covered_.end()) return known->second;
  CRM_ASSIGN_OR_RETURN(bool in_scope, InScope(session_, id));
  covered_.emplace(id, in_scope);
  return in_scope;
}

bool EventView::SeesKind(const std::string& type,
                         const std::string& channel) const {
  const Access& access = *session_.access();
  if (IsLibcrmType(type) && !NamedByRule(access, type, channel)) return true;
  return access.OfEvent(type, channel) >= EventAccess::kRead;
}

absl::StatusOr<bool> EventView::Sees(const store::EventRow& row) {
  const Access* access = session_.access();
  if (access == nullptr) return true;
  if (!SeesKind(row.type, row.channel)) return false;
  if (row.type_id == store::kRecordUpdatedTypeId &&
      !ShowsChange(*access, session_.schema(), row)) {
    return false;
  }
  return CoversCustomer(row.customer_id);
}

void EventView::Shape(Event* event) const {
  const Access* access = session_.access();
  if (access == nullptr || !IsLibcrmType(event->type)) return;
  const Schema& schema = session_.schema();
  event->before = access->FilterRecord(schema, event->before);
  event->after = access->FilterRecord(schema, event->after);
}

absl::Status EventView::CheckNamed(
    const std::vector<std::string>& types,
    const std::vector<std::string>& channels) const {
  const Access* access = session_.access();
  if (access == nullptr) return absl::OkStatus();
  // The types and channels the rules name, and "" for any other: an event
  // of a type (channel) is visible on some channel (of some type) exactly
  // when it is on one of these.
  std::vector<std::string> rule_types = {""}, rule_channels = {""};
  for (const EventRule& rule : access->definition().events) {
    rule_types.push_back(rule.type);
    rule_channels.push_back(rule.channel);
  }
  for (const std::string& type : types) {
    // libcrm writes its own types on its channel only.
    bool visible = IsLibcrmType(type) && SeesKind(type, kLibcrmChannel);
    for (const std::string& channel : rule_channels) {
      visible = visible || (!IsLibcrmType(type) && SeesKind(type, channel));
    }
    if (!visible) return HiddenKind("event type", type);
  }
  for (const std::string& channel : channels) {
    bool visible =
        channel == kLibcrmChannel && SeesKind(kRecordCreated, kLibcrmChannel);
    for (const std::string& type : rule_types) {
      visible = visible || (!IsLibcrmType(type) && SeesKind(type, channel));
    }
    if (!visible) return HiddenKind("channel", channel);
  }
  return absl::OkStatus();
}

absl::Status EventView::CheckAppend(const std::string& type,
                                    const std::string& channel) const {
  const Access* access = session_.access();
  if (access == nullptr ||
      access->OfEvent(type, channel) == EventAccess::kAppend) {
    return absl::OkStatus();
  }
  return MakeError(
      ErrorCode::kDenied,
      absl::StrCat(
          "profile '", access->name(), "' may not append events of type '",
          type, "'",
          channel.empty() ? "" : absl::StrCat(" on channel '", channel, "'")),
      type, Rule::kAppend);
}

}  // namespace crm::core
