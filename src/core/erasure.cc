#include "core/erasure.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error.h"
#include "base/json_text.h"
#include "base/utf8.h"
#include "core/customer_service.h"
#include "core/history.h"
#include "core/legal_hold.h"
#include "core/merge/merge_map.h"
#include "core/record_scope.h"
#include "core/reference_update.h"
#include "core/suppression.h"
#include "core/time_text.h"
#include "store/rows.h"

namespace crm::core {
namespace {

constexpr int kKnownFlags =
    kEraseKeepHeld | kEraseOverrideHold | kEraseSuppress;
// Customers an erase-where looks up per page of its query.
constexpr int64_t kIdsPerPage = 10000;

absl::Status BadFlags(absl::string_view message) {
  return MakeError(ErrorCode::kInvalidArgument, message, "", Rule::kFlags);
}

// The request with its actor defaulted, once its parts are checked.
absl::StatusOr<EraseRequest> Checked(const EraseRequest& request) {
  EraseRequest checked = request;
  CRM_ASSIGN_OR_RETURN(checked.actor, CheckActor(request.actor));
  CRM_RETURN_IF_ERROR(CheckReason(request.reason));
  if ((request.flags & ~kKnownFlags) != 0) {
    return BadFlags("flags holds bits that are no CRM_ERASE_* flag");
  }
  if ((request.flags & kEraseKeepHeld) &&
      (request.flags & kEraseOverrideHold)) {
    return BadFlags(
        "CRM_ERASE_KEEP_HELD and CRM_ERASE_OVERRIDE_HOLD exclude each other");
  }
  return checked;
}

// Whether customer `id` has history: a customer deleted earlier does.
absl::StatusOr<bool> HasHistory(Session& session, int64_t id) {
  store::TimelineQuery query;
  query.customer_id = id;
  query.type_ids = {store::kRecordCreatedTypeId, store::kRecordUpdatedTypeId,
                    store::kRecordDeletedTypeId};
  query.limit = 1;
  CRM_ASSIGN_OR_RETURN(
      std::vector<store::EventRow> rows,
      session.backend().SelectTimeline(session.texts(), query));
  return !rows.empty();
}

// Clears the reference fields of other customers that hold `id`, one
// update (version, update time, history event by `actor`) per customer,
// whatever the field's status and rules: an archived field is cleared too,
// and a required one is left empty rather than pointing at no one.
// Customers in `erasing` are left alone: they go too.
absl::Status ClearReferences(Session& session, int64_t id,
                             const absl::flat_hash_set<int64_t>& erasing,
                             const std::string& actor, int64_t now,
                             EraseReceipt* receipt) {
  CRM_ASSIGN_OR_RETURN(ReferenceHolders holders,
                       HoldersOfReferencesTo(session, id, erasing));
  for (const auto& [holder, fields] : holders) {
    CRM_ASSIGN_OR_RETURN(std::vector<const Field*> cleared,
                         RepointReferences(session, holder, fields, id,
                                           std::nullopt, actor, now));
    if (!cleared.empty()) ++receipt->references_cleared;
  }
  return absl::OkStatus();
}

// The text customer `record` (read with schema.stored_columns()) holds in
// standard field `name`, if any.
std::optional<std::string> StandardText(const Schema& schema,
                                        const store::CustomerRow& record,
                                        absl::string_view name) {
  const Field* field = schema.Find(name);
  if (field == nullptr) return std::nullopt;
  const std::vector<std::string>& columns = schema.stored_columns();
  auto it = std::find(columns.begin(), columns.end(), field->column());
  if (it == columns.end()) return std::nullopt;
  size_t index = static_cast<size_t>(it - columns.begin());
  if (index >= record.values.size()) return std::nullopt;
  const auto* text = std::get_if<std::string>(&record.values[index]);
  if (text == nullptr) return std::nullopt;
  return *text;
}

// Before anything of customer `id` is removed: what a legal hold keeps of
// it moves to a stub with kEraseKeepHeld (added to receipt->kept as
// {"customer_id","stub_id","held_until","fields","events"}), goes with the
// rest with kEraseOverrideHold, and without either refuses the erase
// (kConstraint, rule "hold", naming the first held field).
absl::Status KeepOrRefuseHeld(Session& session, int64_t id,
                              const EraseRequest& request, int64_t now,
                              EraseReceipt* receipt) {
  CRM_ASSIGN_OR_RETURN(HeldData held, FindHeld(session, id, now));
  if (held.empty() || (request.flags & kEraseOverrideHold)) {
    return absl::OkStatus();
  }
  if (!(request.flags & kEraseKeepHeld)) {
    return MakeError(
        ErrorCode::kConstraint,
        absl::StrCat("customer ", id, " has data under a legal hold (",
                     held.fields.size(), " field(s), ", held.events,
                     " event(s)) until ", held.held_until_us,
                     " us: erase with CRM_ERASE_KEEP_HELD to keep it under a "
                     "stub, or CRM_ERASE_OVERRIDE_HOLD to erase it too"),
        held.fields.empty() ? "" : held.fields.front(), Rule::kHold);
  }
  CRM_ASSIGN_OR_RETURN(int64_t stub,
                       MoveHeldToStub(session, id, held, now, request.actor));
  std::string kept =
      absl::StrCat("{\"customer_id\":", id, ",\"stub_id\":", stub,
                   ",\"held_until\":", held.held_until_us, ",\"fields\":[");
  for (size_t i = 0; i < held.fields.size(); ++i) {
    if (i > 0) kept += ",";
    AppendJsonString(held.fields[i], &kept);
  }
  absl::StrAppend(&kept, "],\"events\":", held.events, "}");
  receipt->kept.push_back(std::move(kept));
  return absl::OkStatus();
}

// Erases every customer merged into `survivor_id` (crm.h "Merging
// customers"): the same person. Their records went with the merge; their
// events and their merge snapshots (which hold their values) go now, and
// each gets a tombstone. No reference points at them: the merge moved
// those to the survivor.
absl::Status EraseMergedInto(Session& session, int64_t survivor_id,
                             const EraseRequest& request, int64_t now,
                             EraseReceipt* receipt) {
  store::Backend& backend = session.backend();
  CRM_ASSIGN_OR_RETURN(std::vector<store::MergeRow> rows,
                       backend.SelectMergesBySurvivor(survivor_id, true));
  std::set<int64_t> merge_ids;
  for (const store::MergeRow& row : rows) {
    if (request.flags & kEraseSuppress) {
      CRM_ASSIGN_OR_RETURN(auto email,
                           merge::SnapshotText(session.schema(), row, "email"));
      CRM_ASSIGN_OR_RETURN(auto phone,
                           merge::SnapshotText(session.schema(), row, "phone"));
      CRM_ASSIGN_OR_RETURN(int added,
                           SuppressPerson(session, email, phone, now));
      receipt->suppressed += added;
    }
    CRM_ASSIGN_OR_RETURN(store::RemovedEvents removed,
                         backend.DeleteCustomerEvents(row.merged_id));
    receipt->events += removed.events;
    receipt->history_events += removed.history_events;
    receipt->idempotency_keys += removed.idempotency_keys;
    ++receipt->customers;
    CRM_ASSIGN_OR_RETURN(int64_t tombstone,
                         AppendTombstone(session, row.merged_id, request.actor,
                                         request.reason, now));
    receipt->erased_ids.push_back(row.merged_id);
    receipt->tombstones.push_back(tombstone);
    merge_ids.insert(row.merge_id);
  }
  for (int64_t merge_id : merge_ids) {
    CRM_RETURN_IF_ERROR(backend.DeleteMerge(merge_id).status());
  }
  return absl::OkStatus();
}

// Erases one customer, adding to `receipt`; the search index is purged by
// the caller. `request` is checked; `erasing` holds every id this call
// erases.
absl::Status EraseOne(Session& session, int64_t id,
                      const absl::flat_hash_set<int64_t>& erasing,
                      const EraseRequest& request, int64_t now,
                      EraseReceipt* receipt) {
  store::Backend& backend = session.backend();
  const Schema& schema = session.schema();
  CRM_ASSIGN_OR_RETURN(auto record,
                       backend.SelectCustomer(schema.stored_columns(), "id",
                                              store::SqlValue(id), false));
  if (!record) {
    CRM_ASSIGN_OR_RETURN(auto merged, merge::FindMerge(session, id));
    if (merged) return merge::MergedError(*merged, "id");
    CRM_ASSIGN_OR_RETURN(bool deleted_earlier, HasHistory(session, id));
    if (!deleted_earlier) {
      return MakeError(ErrorCode::kNotFound,
                       absl::StrCat("no customer with id ", id,
                                    " to erase (an id erased before keeps "
                                    "only its tombstone)"));
    }
  }

  if (record) {
    CRM_RETURN_IF_ERROR(KeepOrRefuseHeld(session, id, request, now, receipt));
  }

  // The record first: on PostgreSQL its delete locks the id, so no writer
  // can add a reference or an event to it until this commits.
  if (record) {
    CRM_RETURN_IF_ERROR(backend.DeleteCustomer(id));
    ++receipt->customers;
    if (!SearchText(schema, record->values).empty()) ++receipt->search_entries;
  }
  CRM_RETURN_IF_ERROR(backend.SetSearchText(id, "", /*is_new=*/false));
  CRM_RETURN_IF_ERROR(backend.ReplaceMatchKeys(id, {}));
  CRM_RETURN_IF_ERROR(
      ClearReferences(session, id, erasing, request.actor, now, receipt));
  CRM_ASSIGN_OR_RETURN(store::RemovedEvents removed,
                       backend.DeleteCustomerEvents(id));
  receipt->events += removed.events;
  receipt->history_events += removed.history_events;
  receipt->idempotency_keys += removed.idempotency_keys;
  CRM_ASSIGN_OR_RETURN(
      int64_t tombstone,
      AppendTombstone(session, id, request.actor, request.reason, now));
  receipt->erased_ids.push_back(id);
  receipt->tombstones.push_back(tombstone);

  if (record && (request.flags & kEraseSuppress)) {
    CRM_ASSIGN_OR_RETURN(
        int added,
        SuppressPerson(session, StandardText(schema, *record, "email"),
                       StandardText(schema, *record, "phone"), now));
    receipt->suppressed += added;
  }
  if (record) {
    CRM_RETURN_IF_ERROR(EraseMergedInto(session, id, request, now, receipt));
  }
  return absl::OkStatus();
}

// Erases `ids` for a `request` Checked() returned.
absl::StatusOr<EraseReceipt> EraseIds(Session& session,
                                      const std::vector<int64_t>& ids,
                                      const EraseRequest& checked) {
  const absl::flat_hash_set<int64_t> erasing(ids.begin(), ids.end());
  const int64_t now = NowMicros();
  EraseReceipt receipt;
  for (int64_t id : ids) {
    CRM_RETURN_IF_ERROR(EraseOne(session, id, erasing, checked, now, &receipt));
  }
  if (!ids.empty()) CRM_RETURN_IF_ERROR(session.backend().PurgeSearchIndex());
  // Customers merged into an erased one join the receipt after it.
  std::vector<std::pair<int64_t, int64_t>> erased;
  for (size_t i = 0; i < receipt.erased_ids.size(); ++i) {
    erased.emplace_back(receipt.erased_ids[i], receipt.tombstones[i]);
  }
  std::sort(erased.begin(), erased.end());
  for (size_t i = 0; i < erased.size(); ++i) {
    receipt.erased_ids[i] = erased[i].first;
    receipt.tombstones[i] = erased[i].second;
  }
  return receipt;
}

}  // namespace

absl::StatusOr<int64_t> AppendTombstone(Session& session, int64_t id,
                                        absl::string_view actor,
                                        absl::string_view reason, int64_t now) {
  return AppendSystemEvent(session, id, kErasedEventType,
                           {{"reason", Value::Text(std::string(reason))}},
                           std::string(actor), now);
}

absl::StatusOr<EraseReceipt> EraseCustomer(Session& session, int64_t id,
                                           const EraseRequest& request) {
  CRM_ASSIGN_OR_RETURN(EraseRequest checked, Checked(request));
  // A restricted session erases only customers in its scope.
  CRM_RETURN_IF_ERROR(CheckInViewScope(session, id));
  return EraseIds(session, {id}, checked);
}

absl::StatusOr<EraseReceipt> EraseWhere(Session& session,
                                        const QueryRequest& query,
                                        const EraseRequest& request) {
  CRM_ASSIGN_OR_RETURN(EraseRequest checked, Checked(request));
  if (query.target != QueryTarget::kCustomers) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "an erase takes a query over customers "
                     "(CRM_QUERY_CUSTOMERS)",
                     "", Rule::kQuery);
  }
  if (absl::StripAsciiWhitespace(query.filter).empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "an erase takes a filter: to erase every customer, say "
                     "so (e.g. 'id > 0')",
                     "", Rule::kFilter);
  }
  // The ids first, all of them: the erase must not change what the query's
  // later pages see.
  QueryRequest page_request;
  page_request.target = QueryTarget::kCustomers;
  page_request.filter = query.filter;
  page_request.params = query.params;
  page_request.include_archived = query.include_archived;
  page_request.select = {"id"};
  page_request.page_size = kIdsPerPage;
  std::vector<int64_t> ids;
  while (true) {
    CRM_ASSIGN_OR_RETURN(QueryPage page, RunQuery(session, page_request));
    for (const CustomerRecord& row : page.rows) ids.push_back(row.id);
    if (page.next_cursor.empty()) break;
    page_request.cursor = page.next_cursor;
  }
  // A restricted session's query is ANDed with its scope (query_access.h),
  // so it erases only customers in its scope.
  std::sort(ids.begin(), ids.end());
  return EraseIds(session, ids, checked);
}

std::string ReceiptJson(const EraseReceipt& receipt) {
  return absl::StrCat(
      "{\"erased_ids\":[", absl::StrJoin(receipt.erased_ids, ","),
      "],\"tombstones\":[", absl::StrJoin(receipt.tombstones, ","),
      "],\"removed\":{\"customers\":", receipt.customers,
      ",\"events\":", receipt.events,
      ",\"history_events\":", receipt.history_events,
      ",\"idempotency_keys\":", receipt.idempotency_keys,
      ",\"search_entries\":", receipt.search_entries,
      ",\"references_cleared\":", receipt.references_cleared, "},\"kept\":[",
      absl::StrJoin(receipt.kept, ","), "],\"suppressed\":", receipt.suppressed,
      "}");
}

}  // namespace crm::core
