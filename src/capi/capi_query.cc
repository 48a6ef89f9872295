// crm.h: queries, result rows, search, segments, cohorts.
#include "capi/capi_support.h"
#include "core/query_service.h"

using crm::ErrorCode;
using crm::capi::CheckNotNull;
using crm::capi::CheckText;
using crm::capi::Fail;
using crm::capi::Guard;
using crm::capi::RunOn;
using crm::core::QueryPage;
using crm::core::QueryTarget;
using crm::core::Session;
using crm::store::ScopeKind;

namespace {

// Runs `change` on a query after checking it and a text argument.
template <typename Change>
int ChangeQuery(crm_query* query, const char* text, absl::string_view what,
                bool text_required, Change change) {
  return Guard([&] {
    absl::Status status = CheckNotNull(query, "query");
    if (status.ok() && (text_required || text != nullptr)) {
      status = CheckText(text, what);
    }
    if (!status.ok()) return Fail(status);
    return change();
  });
}

absl::StatusOr<crm::store::Bucket> BucketOf(int bucket) {
  if (bucket < CRM_BUCKET_NONE || bucket > CRM_BUCKET_YEAR) {
    return crm::MakeError(ErrorCode::kInvalidArgument, "unknown bucket", "",
                          "bucket");
  }
  return static_cast<crm::store::Bucket>(bucket);
}

absl::StatusOr<QueryTarget> TargetOf(int target) {
  if (target != CRM_QUERY_CUSTOMERS && target != CRM_QUERY_EVENTS) {
    return crm::MakeError(ErrorCode::kInvalidArgument,
                          "target must be CRM_QUERY_CUSTOMERS or "
                          "CRM_QUERY_EVENTS",
                          "", "target");
  }
  return target == CRM_QUERY_CUSTOMERS ? QueryTarget::kCustomers
                                       : QueryTarget::kEvents;
}

// The request of a query, with its parameters.
crm::core::QueryRequest RequestOf(const crm_query* query) {
  crm::core::QueryRequest request = query->request;
  request.params = query->params.record;
  return request;
}

// Runs a read producing a page into *out.
int ReadRows(crm_rows** out, crm_db* db,
             absl::FunctionRef<absl::StatusOr<QueryPage>(Session&)> read) {
  absl::Status status = CheckNotNull(out, "out");
  if (!status.ok()) return Fail(status);
  *out = nullptr;
  QueryPage page;
  int rc = RunOn(db, ScopeKind::kRead, [&](Session& session) {
    CRM_ASSIGN_OR_RETURN(page, read(session));
    return absl::OkStatus();
  });
  if (rc != CRM_OK) return rc;
  auto rows = std::make_unique<crm_rows>();
  rows->rows.resize(page.rows.size());
  for (size_t i = 0; i < page.rows.size(); ++i) {
    rows->rows[i].record = std::move(page.rows[i]);
  }
  rows->next_cursor = std::move(page.next_cursor);
  rows->columns = std::move(page.columns);
  *out = rows.release();
  return rc;
}

// Reads a query's rows (checks the query first).
int ReadQuery(crm_rows** out, crm_db* db, const crm_query* query,
              absl::StatusOr<QueryPage> (*read)(
                  Session&, const crm::core::QueryRequest&)) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    absl::Status status = CheckNotNull(query, "query");
    if (!status.ok()) return Fail(status);
    crm::core::QueryRequest request = RequestOf(query);
    return ReadRows(out, db,
                    [&](Session& session) { return read(session, request); });
  });
}

// Encodes rows as a crm.wire.RowSet: the page's columns, and per row its
// values aligned with them (no kind set where a row holds none).
std::string EncodeRows(const crm_rows& rows) {
  crm::wire::RowSet set;
  for (const std::string& column : rows.columns) set.add_columns(column);
  for (const crm_record& row : rows.rows) {
    crm::wire::CustomerRow* out = set.add_rows();
    for (const std::string& column : rows.columns) {
      const crm::core::Value* value = row.record.Get(column);
      crm::wire::Value* wire = out->add_values();
      if (value != nullptr) crm::core::ValueToWire(*value, wire);
    }
    set.add_ids(row.record.id);
  }
  set.set_next_cursor(rows.next_cursor);
  return set.SerializeAsString();
}

}  // namespace

extern "C" {

int crm_query_new(crm_query** out, int target) {
  return Guard([&] {
    absl::Status status = CheckNotNull(out, "out");
    if (!status.ok()) return Fail(status);
    *out = nullptr;
    absl::StatusOr<QueryTarget> checked = TargetOf(target);
    if (!checked.ok()) return Fail(checked.status());
    *out = new crm_query();
    (*out)->request.target = *checked;
    return static_cast<int>(CRM_OK);
  });
}

void crm_query_free(crm_query* query) { delete query; }

int crm_query_set_filter(crm_query* query, const char* filter) {
  return ChangeQuery(query, filter, "filter", false, [&] {
    query->request.filter = filter == nullptr ? "" : filter;
    return static_cast<int>(CRM_OK);
  });
}

crm_record* crm_query_params(crm_query* query) {
  return query ? &query->params : nullptr;
}

int crm_query_select(crm_query* query, const char* field) {
  return ChangeQuery(query, field, "field", true, [&] {
    query->request.select.emplace_back(field);
    return static_cast<int>(CRM_OK);
  });
}

int crm_query_order_by(crm_query* query, const char* field, int descending) {
  return ChangeQuery(query, field, "field", true, [&] {
    query->request.sort.push_back({field, descending != 0});
    return static_cast<int>(CRM_OK);
  });
}

int crm_query_set_page_size(crm_query* query, uint32_t page_size) {
  return ChangeQuery(query, nullptr, "", false, [&] {
    if (page_size < 1 || page_size > 10000) {
      return Fail(ErrorCode::kInvalidArgument, "page_size must be 1 to 10,000",
                  "", "page_size");
    }
    query->request.page_size = page_size;
    return static_cast<int>(CRM_OK);
  });
}

int crm_query_set_cursor(crm_query* query, const char* cursor) {
  return ChangeQuery(query, cursor, "cursor", false, [&] {
    query->request.cursor = cursor == nullptr ? "" : cursor;
    return static_cast<int>(CRM_OK);
  });
}

int crm_query_include_archived(crm_query* query, int include) {
  return ChangeQuery(query, nullptr, "", false, [&] {
    query->request.include_archived = include != 0;
    return static_cast<int>(CRM_OK);
  });
}

int crm_query_group_by(crm_query* query, const char* field, int bucket) {
  return ChangeQuery(query, field, "field", true, [&] {
    absl::StatusOr<crm::store::Bucket> checked = BucketOf(bucket);
    if (!checked.ok()) return Fail(checked.status());
    query->request.groups.push_back({field, *checked});
    return static_cast<int>(CRM_OK);
  });
}

int crm_query_aggregate(crm_query* query, int function, const char* field,
                        const char* alias) {
  return ChangeQuery(query, field, "field", false, [&] {
    if (alias != nullptr) {
      absl::Status status = CheckText(alias, "alias");
      if (!status.ok()) return Fail(status);
    }
    if (function < CRM_AGG_COUNT || function > CRM_AGG_MAX) {
      return Fail(ErrorCode::kInvalidArgument, "unknown aggregate function", "",
                  "function");
    }
    query->request.aggregates.push_back(
        {static_cast<crm::store::Function>(function - 1),
         field == nullptr ? "" : field, alias == nullptr ? "" : alias});
    return static_cast<int>(CRM_OK);
  });
}

int crm_query_run(crm_rows** out, crm_db* db, const crm_query* query) {
  return ReadQuery(out, db, query, &crm::core::RunQuery);
}

int crm_query_run_aggregate(crm_rows** out, crm_db* db,
                            const crm_query* query) {
  return ReadQuery(out, db, query, &crm::core::RunAggregate);
}

int crm_query_count(int64_t* out, crm_db* db, const crm_query* query) {
  return Guard([&] {
    absl::Status status = CheckNotNull(out, "out");
    if (!status.ok()) return Fail(status);
    *out = 0;
    status = CheckNotNull(query, "query");
    if (!status.ok()) return Fail(status);
    crm::core::QueryRequest request = RequestOf(query);
    int64_t count = 0;
    int rc = RunOn(db, ScopeKind::kRead, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(count, crm::core::CountQuery(session, request));
      return absl::OkStatus();
    });
    if (rc == CRM_OK) *out = count;
    return rc;
  });
}

int crm_query_explain(char** out, crm_db* db, const crm_query* query) {
  return Guard([&] {
    absl::Status status = CheckNotNull(out, "out");
    if (!status.ok()) return Fail(status);
    *out = nullptr;
    status = CheckNotNull(query, "query");
    if (!status.ok()) return Fail(status);
    crm::core::QueryRequest request = RequestOf(query);
    std::string plan;
    int rc = RunOn(db, ScopeKind::kRead, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(plan, crm::core::ExplainQuery(session, request));
      return absl::OkStatus();
    });
    if (rc == CRM_OK) *out = crm::capi::CopyString(plan);
    return rc;
  });
}

void crm_rows_free(crm_rows* rows) { delete rows; }

size_t crm_rows_size(const crm_rows* rows) {
  return rows ? rows->rows.size() : 0;
}

crm_record* crm_rows_at(crm_rows* rows, size_t index) {
  if (rows == nullptr || index >= rows->rows.size()) return nullptr;
  return &rows->rows[index];
}

const char* crm_rows_next_cursor(const crm_rows* rows) {
  return rows ? rows->next_cursor.c_str() : "";
}

int crm_rows_encode(const void** out_bytes, size_t* out_size, crm_rows* rows) {
  return Guard([&] {
    absl::Status status = CheckNotNull(out_bytes, "out_bytes");
    if (status.ok()) status = CheckNotNull(out_size, "out_size");
    if (status.ok()) status = CheckNotNull(rows, "rows");
    if (!status.ok()) return Fail(status);
    if (rows->encoded.empty()) rows->encoded = EncodeRows(*rows);
    *out_bytes = rows->encoded.data();
    *out_size = rows->encoded.size();
    return static_cast<int>(CRM_OK);
  });
}

int crm_field_fill_rates(crm_rows** out, crm_db* db) {
  return Guard([&] {
    return ReadRows(out, db, [](Session& session) {
      return crm::core::FillRates(session);
    });
  });
}

int crm_customer_search(crm_rows** out, crm_db* db, const char* text,
                        uint32_t limit) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    absl::Status status = CheckText(text, "text");
    if (!status.ok()) return Fail(status);
    return ReadRows(out, db, [&](Session& session) {
      return crm::core::SearchCustomers(session, text, limit);
    });
  });
}

int crm_segment_save(crm_db* db, const char* name, int target,
                     const char* filter) {
  return Guard([&] {
    absl::Status status = CheckText(name, "name");
    if (status.ok()) status = CheckText(filter, "filter");
    absl::StatusOr<QueryTarget> checked = TargetOf(target);
    if (status.ok()) status = checked.status();
    if (!status.ok()) return Fail(status);
    return RunOn(db, ScopeKind::kWrite, [&](Session& session) {
      return crm::core::SaveSegment(session, name, *checked, filter);
    });
  });
}

int crm_segment_delete(crm_db* db, const char* name) {
  return Guard([&] {
    absl::Status status = CheckText(name, "name");
    if (!status.ok()) return Fail(status);
    return RunOn(db, ScopeKind::kWrite, [&](Session& session) {
      return crm::core::DeleteSegment(session, name);
    });
  });
}

int crm_segment_count(int64_t* out, crm_db* db, const char* name) {
  return Guard([&] {
    absl::Status status = CheckNotNull(out, "out");
    if (!status.ok()) return Fail(status);
    *out = 0;
    status = CheckText(name, "name");
    if (!status.ok()) return Fail(status);
    int64_t count = 0;
    int rc = RunOn(db, ScopeKind::kRead, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(count, crm::core::CountSegment(session, name));
      return absl::OkStatus();
    });
    if (rc == CRM_OK) *out = count;
    return rc;
  });
}

int crm_segment_list(crm_rows** out, crm_db* db) {
  return Guard([&] {
    return ReadRows(out, db, [](Session& session) {
      return crm::core::ListSegments(session);
    });
  });
}

int crm_cohort(crm_rows** out, crm_db* db, const char* first_type,
               const char* then_type, uint32_t within_days, int bucket) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    absl::Status status = CheckText(first_type, "first_type");
    if (status.ok()) status = CheckText(then_type, "then_type");
    absl::StatusOr<crm::store::Bucket> checked = BucketOf(bucket);
    if (status.ok()) status = checked.status();
    if (!status.ok()) return Fail(status);
    return ReadRows(out, db, [&](Session& session) {
      return crm::core::RunCohort(session, first_type, then_type, within_days,
                                  *checked);
    });
  });
}

}  // extern "C"
