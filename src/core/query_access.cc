#include "core/query_access.h"

#include <set>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/filter_operators.h"
#include "core/record_scope.h"

namespace crm::core {
namespace {

using store::Compare;
using store::Condition;

// updated_at moves with every change, also of fields a profile hides.
constexpr char kUpdatedAt[] = "updated_at";
// The types of history events, whose visibility depends on their body.
constexpr char kHistoryPrefix[] = "crm.record.";
// Stands for every type (channel) no rule names: no rule can name it.
constexpr char kOtherName[] = "\x01 named by no rule";

absl::Status UpdatedAtHidden(absl::string_view name) {
  return MakeError(ErrorCode::kDenied,
                   absl::StrCat("field '", name,
                                "' moves with changes of fields this profile "
                                "hides, so a query cannot compare, sort, "
                                "group or aggregate on it"),
                   name, Rule::kHidden);
}

// Whether `op` compares whole values only, as "masked_match" allows.
bool IsWholeValueEquality(query::Op op) {
  switch (op) {
    case query::Op::kEq:
    case query::Op::kNe:
    case query::Op::kIn:
    case query::Op::kNotIn:
    case query::Op::kIsNull:
    case query::Op::kIsNotNull:
      return true;
    default:
      return false;
  }
}

// Whether the full-text index holds no text `access` keeps from view.
bool ReadsAllText(const Access& access, const Schema& schema) {
  for (const Field* field : schema.stored_fields()) {
    if (IsTextual(field->type()) && !access.ReadsPlain(*field)) return false;
  }
  return true;
}

Condition Compared(store::ColumnRef column, Compare op,
                   std::vector<store::SqlValue> values) {
  Condition condition;
  condition.column = std::move(column);
  condition.op = op;
  condition.values = std::move(values);
  return condition;
}

Condition Combined(Condition::Kind kind, std::vector<Condition> children) {
  if (children.size() == 1) return std::move(children[0]);
  Condition condition;
  condition.kind = kind;
  condition.children = std::move(children);
  return condition;
}

Condition Not(Condition condition) {
  Condition negated;
  negated.kind = Condition::Kind::kNot;
  negated.children.push_back(std::move(condition));
  return negated;
}

std::vector<store::SqlValue> Texts(const std::set<std::string>& texts) {
  return std::vector<store::SqlValue>(texts.begin(), texts.end());
}

store::ColumnRef EventColumn(const char* column) {
  return {store::Table::kEvents, column, true, false, false, ""};
}

}  // namespace

bool HidesAnyField(const Access& access, const Schema& schema) {
  for (const auto& field : schema.fields()) {
    if (field->name() != kUpdatedAt && !access.Reads(*field)) return true;
  }
  return false;
}

absl::Status CheckFieldUse(const Access& access, const Schema& schema,
                           const QueryField& field, FieldUse use) {
  if (field.field == nullptr) return absl::OkStatus();
  FieldAccess granted = access.OfField(*field.field);
  if (granted == FieldAccess::kHidden) return Access::Hidden(field.name);
  if (use == FieldUse::kRead) return absl::OkStatus();
  if (field.field->name() == kUpdatedAt && HidesAnyField(access, schema)) {
    return UpdatedAtHidden(field.name);
  }
  if (granted == FieldAccess::kMasked || granted == FieldAccess::kMaskedMatch) {
    return WithField(Access::MaskedCompare(*field.field), field.name);
  }
  return absl::OkStatus();
}

absl::Status CheckFilterAccess(const Access& access, const Schema& schema,
                               QueryTarget target, const query::Expr& filter,
                               bool include_archived) {
  if (filter.kind != query::Expr::Kind::kCompare) {
    for (const auto& child : filter.children) {
      CRM_RETURN_IF_ERROR(
          CheckFilterAccess(access, schema, target, *child, include_archived));
    }
    return absl::OkStatus();
  }
  int64_t position = static_cast<int64_t>(filter.position);
  if (FilterOperatorOf(filter.op).fields == FilterFields::kSearch) {
    if (ReadsAllText(access, schema)) return absl::OkStatus();
    return WithPosition(
        MakeError(ErrorCode::kDenied,
                  absl::StrCat("filter, at byte ", position,
                               ": 'search matches' reads the text of fields "
                               "this profile hides or masks; use "
                               "crm_customer_search"),
                  "search", Rule::kHidden),
        position);
  }
  // Archived fields too: a hidden field must be refused as hidden, not
  // reported by the checker as archived (which would name it).
  absl::StatusOr<QueryField> field =
      ResolveQueryField(schema, target, filter.field, true);
  if (!field.ok() || field->field == nullptr) return absl::OkStatus();
  FieldAccess granted = access.OfField(*field->field);
  absl::Status status;
  if (granted == FieldAccess::kHidden) {
    status = Access::Hidden(field->name);
  } else if (field->field->name() == kUpdatedAt &&
             HidesAnyField(access, schema)) {
    status = UpdatedAtHidden(field->name);
  } else if (granted == FieldAccess::kMasked ||
             (granted == FieldAccess::kMaskedMatch &&
              !IsWholeValueEquality(filter.op))) {
    status = WithField(Access::MaskedCompare(*field->field), field->name);
  }
  return status.ok() ? status : WithPosition(std::move(status), position);
}

std::optional<Condition> ReadableEvents(const Access& access) {
  std::set<std::string> types, channels;
  for (const EventRule& rule : access.definition().events) {
    if (!rule.type.empty()) types.insert(rule.type);
    if (!rule.channel.empty()) channels.insert(rule.channel);
  }
  const std::string other = kOtherName;
  auto reads = [&](const std::string& type, const std::string& channel) {
    return access.OfEvent(type, channel) >= EventAccess::kRead;
  };
  store::ColumnRef type = EventColumn("type_id");
  store::ColumnRef channel = EventColumn("channel_id");
  // Channels no rule names: not one of `channels` (or none at all).
  auto other_channel = [&]() -> std::optional<Condition> {
    if (channels.empty()) return std::nullopt;
    return Compared(channel, Compare::kNotIn, Texts(channels));
  };
  std::vector<Condition> pairs;
  auto add = [&](std::vector<Condition> both) {
    pairs.push_back(Combined(Condition::Kind::kAnd, std::move(both)));
  };
  for (const std::string& named : types) {
    std::set<std::string> read_channels;
    for (const std::string& on : channels) {
      if (reads(named, on)) read_channels.insert(on);
    }
    Condition is_type = Compared(type, Compare::kIn, {named});
    if (!read_channels.empty()) {
      add({is_type, Compared(channel, Compare::kIn, Texts(read_channels))});
    }
    if (reads(named, other)) {
      std::vector<Condition> both = {is_type};
      if (auto rest = other_channel()) both.push_back(std::move(*rest));
      add(std::move(both));
    }
  }
  std::optional<Condition> other_type;
  if (!types.empty())
    other_type = Compared(type, Compare::kNotIn, Texts(types));
  std::set<std::string> read_channels;
  for (const std::string& on : channels) {
    if (reads(other, on)) read_channels.insert(on);
  }
  if (!read_channels.empty()) {
    std::vector<Condition> both;
    if (other_type) both.push_back(*other_type);
    both.push_back(Compared(channel, Compare::kIn, Texts(read_channels)));
    add(std::move(both));
  }
  if (reads(other, other)) {
    std::vector<Condition> both;
    if (other_type) both.push_back(*other_type);
    if (auto rest = other_channel()) both.push_back(std::move(*rest));
    if (both.empty()) return std::nullopt;  // every event
    add(std::move(both));
  }
  if (pairs.empty()) {
    // No event at all: seq is never null.
    return Compared({store::Table::kEvents, "seq", false, false, false, ""},
                    Compare::kIsNull, {});
  }
  return Combined(Condition::Kind::kOr, std::move(pairs));
}

absl::Status CheckEventTypeReadable(const Access& access,
                                    absl::string_view type) {
  // Channels no rule names all get the answer of one of them.
  std::set<std::string> channels = {kOtherName};
  for (const EventRule& rule : access.definition().events) {
    if (!rule.channel.empty()) channels.insert(rule.channel);
  }
  bool readable = !absl::StartsWith(type, kHistoryPrefix);
  for (const std::string& channel : channels) {
    if (!readable) break;
    readable = access.OfEvent(type, channel) >= EventAccess::kRead;
  }
  if (readable) return absl::OkStatus();
  return MakeError(ErrorCode::kDenied,
                   absl::StrCat("events of type '", type,
                                "' are not all visible to this profile"),
                   type, Rule::kHidden);
}

absl::StatusOr<std::optional<Condition>> AccessCondition(Session& session,
                                                         QueryTarget target) {
  CRM_ASSIGN_OR_RETURN(std::optional<Condition> scope, ScopeCondition(session));
  if (target == QueryTarget::kCustomers) return scope;
  std::optional<Condition> events;
  if (scope) {
    // The customer must exist: an event of a deleted one is in no scope.
    events = AndConditions(
        std::move(scope),
        Compared({store::Table::kCustomers, "id", false, false, false, ""},
                 Compare::kIsNotNull, {}));
  }
  events =
      AndConditions(std::move(events),
                    Not(Compared(EventColumn("type_id"), Compare::kStartsWith,
                                 {std::string(kHistoryPrefix)})));
  return AndConditions(std::move(events), ReadableEvents(*session.access()));
}

std::optional<Condition> AndConditions(std::optional<Condition> a,
                                       std::optional<Condition> b) {
  if (!a) return b;
  if (!b) return a;
  std::vector<Condition> both;
  both.push_back(std::move(*a));
  both.push_back(std::move(*b));
  return Combined(Condition::Kind::kAnd, std::move(both));
}

}  // namespace crm::core
