#include "core/erasure.h"

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error.h"
#include "base/utf8.h"
#include "core/customer_service.h"
#include "core/history.h"
#include "core/time_text.h"
#include "store/rows.h"

namespace crm::core {
namespace {

constexpr size_t kMaxReasonBytes = 1000;
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
  if (!TextProblem(request.reason).empty() ||
      request.reason.size() > kMaxReasonBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "reason must be UTF-8 without NUL bytes, at most 1,000 "
                     "bytes",
                     "", Rule::kReason);
  }
  if ((request.flags & ~kKnownFlags) != 0) {
    return BadFlags("flags holds bits that are no CRM_ERASE_* flag");
  }
  if ((request.flags & kEraseKeepHeld) &&
      (request.flags & kEraseOverrideHold)) {
    return BadFlags(
        "CRM_ERASE_KEEP_HELD and CRM_ERASE_OVERRIDE_HOLD exclude each other");
  }
  // ---- merge point: suppression (helper H4) --------------------------------
  // Until suppression is built, asking for it must not pass silently.
  if (request.flags & kEraseSuppress) {
    return BadFlags("CRM_ERASE_SUPPRESS is not available in this build");
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
  store::Backend& backend = session.backend();
  std::map<int64_t, std::vector<const Field*>> holders;
  for (const auto& field : session.schema().fields()) {
    if (field->type() != FieldType::kReference) continue;
    CRM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                         backend.CustomersReferencing(field->column(), id));
    for (int64_t holder : ids) {
      if (!erasing.contains(holder)) holders[holder].push_back(field.get());
    }
  }
  const store::SqlValue erased(id);
  for (const auto& [holder, fields] : holders) {
    std::vector<std::string> columns;
    for (const Field* field : fields) columns.push_back(field->column());
    // Read again under the write's lock (PostgreSQL), which the update
    // below relies on.
    CRM_ASSIGN_OR_RETURN(
        auto current,
        backend.SelectCustomer(columns, "id", store::SqlValue(holder), false));
    if (!current) continue;
    store::ColumnValues cleared;
    std::vector<FieldChangeValue> changes;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (current->values[i] != erased) continue;
      CRM_ASSIGN_OR_RETURN(Value old_value,
                           fields[i]->FromStored(current->values[i]));
      changes.push_back({fields[i], std::move(old_value), Value::Null()});
      cleared.columns.push_back(fields[i]->column());
      cleared.values.emplace_back();
    }
    if (changes.empty()) continue;
    CRM_RETURN_IF_ERROR(
        backend.UpdateCustomer(holder, current->version + 1, now, cleared));
    CRM_RETURN_IF_ERROR(RecordHistory(session, holder, HistoryKind::kUpdated,
                                      changes, actor, now));
    ++receipt->references_cleared;
  }
  return absl::OkStatus();
}

// Appends the tombstone of `id`; returns its seq.
absl::StatusOr<int64_t> AppendTombstone(Session& session, int64_t id,
                                        const EraseRequest& request,
                                        int64_t now) {
  wire::EventBody body;
  wire::Property* reason = body.add_properties();
  reason->set_name("reason");
  ValueToWire(Value::Text(request.reason), reason->mutable_value());
  store::EventRow row;
  row.customer_id = id;
  row.occurred_at_us = now;
  row.recorded_at_us = now;
  row.body = body.SerializeAsString();
  store::EventIds ids;
  CRM_ASSIGN_OR_RETURN(ids.type, session.Intern(kErasedEventType));
  ids.channel = store::kSystemChannelId;
  CRM_ASSIGN_OR_RETURN(ids.actor, session.Intern(request.actor));
  return session.backend().InsertEvent(row, ids);
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
    CRM_ASSIGN_OR_RETURN(bool deleted_earlier, HasHistory(session, id));
    if (!deleted_earlier) {
      return MakeError(ErrorCode::kNotFound,
                       absl::StrCat("no customer with id ", id,
                                    " to erase (an id erased before keeps "
                                    "only its tombstone)"));
    }
  }

  // ---- merge point: legal hold (helper H2) ---------------------------------
  // Before anything is removed: find the data of `id` under a hold. With
  // kEraseKeepHeld move it to a stub under a new id (held fields; held
  // events relinked to the stub, so that DeleteCustomerEvents() below
  // leaves them) and add to receipt->kept; with kEraseOverrideHold erase it
  // with the rest; with neither, refuse while anything is held.

  // The record first: on PostgreSQL its delete locks the id, so no writer
  // can add a reference or an event to it until this commits.
  if (record) {
    CRM_RETURN_IF_ERROR(backend.DeleteCustomer(id));
    ++receipt->customers;
    if (!SearchText(schema, record->values).empty()) ++receipt->search_entries;
  }
  CRM_RETURN_IF_ERROR(backend.SetSearchText(id, "", /*is_new=*/false));
  CRM_RETURN_IF_ERROR(
      ClearReferences(session, id, erasing, request.actor, now, receipt));
  CRM_ASSIGN_OR_RETURN(store::RemovedEvents removed,
                       backend.DeleteCustomerEvents(id));
  receipt->events += removed.events;
  receipt->history_events += removed.history_events;
  receipt->idempotency_keys += removed.idempotency_keys;
  CRM_ASSIGN_OR_RETURN(int64_t tombstone,
                       AppendTombstone(session, id, request, now));
  receipt->erased_ids.push_back(id);
  receipt->tombstones.push_back(tombstone);

  // ---- merge point: suppression (helper H4) --------------------------------
  // After removing: with kEraseSuppress keep keyed hashes of the email and
  // phone `record` held (a customer deleted earlier: its last history
  // values) and count them in receipt->suppressed.
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
  return receipt;
}

}  // namespace

absl::StatusOr<EraseReceipt> EraseCustomer(Session& session, int64_t id,
                                           const EraseRequest& request) {
  CRM_ASSIGN_OR_RETURN(EraseRequest checked, Checked(request));
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
  page_request.select = {"created_at"};
  page_request.page_size = kIdsPerPage;
  std::vector<int64_t> ids;
  while (true) {
    CRM_ASSIGN_OR_RETURN(QueryPage page, RunQuery(session, page_request));
    for (const CustomerRecord& row : page.rows) ids.push_back(row.id);
    if (page.next_cursor.empty()) break;
    page_request.cursor = page.next_cursor;
  }
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
