// crm.h: queries, result rows, search, segments, cohorts.
#include "capi/capi_encode.h"
#include "capi/capi_support.h"
#include "core/query_service.h"

using crm::ErrorCode;
using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckNotNull;
using crm::capi::CheckOptionalText;
using crm::capi::CheckText;
using crm::capi::HandleOr;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::QueryPage;
using crm::core::QueryRequest;
using crm::core::QueryTarget;
using crm::core::Session;
using crm::store::ScopeKind;

namespace {

// Runs `change` on the request of `query`, checked not to be NULL.
int ChangeQuery(crm_query* query,
                absl::FunctionRef<absl::Status(QueryRequest&)> change) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckNotNull(query, Rule::kQuery));
    return change(query->request);
  });
}

absl::StatusOr<crm::store::Bucket> BucketOf(int bucket) {
  if (bucket < CRM_BUCKET_NONE || bucket > CRM_BUCKET_YEAR) {
    return crm::MakeError(ErrorCode::kInvalidArgument, "unknown bucket", "",
                          Rule::kBucket);
  }
  return static_cast<crm::store::Bucket>(bucket);
}

absl::StatusOr<QueryTarget> TargetOf(int target) {
  if (target != CRM_QUERY_CUSTOMERS && target != CRM_QUERY_EVENTS) {
    return crm::MakeError(ErrorCode::kInvalidArgument,
                          "target must be CRM_QUERY_CUSTOMERS or "
                          "CRM_QUERY_EVENTS",
                          "", Rule::kTarget);
  }
  return target == CRM_QUERY_CUSTOMERS ? QueryTarget::kCustomers
                                       : QueryTarget::kEvents;
}

// The request of a query, with its parameters.
QueryRequest RequestOf(const crm_query* query) {
  QueryRequest request = query->request;
  request.params = query->params.record;
  return request;
}

// The rows of the page `read` produces.
HandleOr<crm_rows> ReadRows(
    crm_db* db, absl::FunctionRef<absl::StatusOr<QueryPage>(Session&)> read) {
  CRM_ASSIGN_OR_RETURN(QueryPage page, OnDb(db, ScopeKind::kRead, read));
  auto rows = std::make_unique<crm_rows>();
  rows->rows.resize(page.rows.size());
  for (size_t i = 0; i < page.rows.size(); ++i) {
    rows->rows[i].record = std::move(page.rows[i]);
  }
  rows->next_cursor = std::move(page.next_cursor);
  rows->columns = std::move(page.columns);
  return rows;
}

// A query's rows as `read` makes them. The NULL check of `out` follows the
// query's, as in libcrm 0.2.
int ReadQuery(crm_rows** out, crm_db* db, const crm_query* query,
              absl::StatusOr<QueryPage> (*read)(Session&,
                                                const QueryRequest&)) {
  return Call(Out(out), [&]() -> HandleOr<crm_rows> {
    CRM_RETURN_IF_ERROR(CheckNotNull(query, Rule::kQuery));
    QueryRequest request = RequestOf(query);
    CRM_RETURN_IF_ERROR(CheckNotNull(out, Rule::kOut));
    return ReadRows(db,
                    [&](Session& session) { return read(session, request); });
  });
}

// What crm_rows_encode() and crm_rows_encode_json() encode of a page.
crm::capi::RowsToEncode PageToEncode(const crm_rows& rows) {
  crm::capi::RowsToEncode page;
  page.columns = &rows.columns;
  page.rows.reserve(rows.rows.size());
  for (const crm_record& row : rows.rows) page.rows.push_back(&row.record);
  page.next_cursor = rows.next_cursor;
  return page;
}

}  // namespace

extern "C" {

int crm_query_new(crm_query** out, int target) {
  return Call(Out(out, Rule::kOut), [&]() -> HandleOr<crm_query> {
    CRM_ASSIGN_OR_RETURN(QueryTarget checked, TargetOf(target));
    auto query = std::make_unique<crm_query>();
    query->request.target = checked;
    return query;
  });
}

void crm_query_free(crm_query* query) { delete query; }

int crm_query_set_filter(crm_query* query, const char* filter) {
  return ChangeQuery(query, [&](QueryRequest& request) {
    CRM_RETURN_IF_ERROR(CheckOptionalText(filter, Rule::kFilter));
    request.filter = filter == nullptr ? "" : filter;
    return absl::OkStatus();
  });
}

crm_record* crm_query_params(crm_query* query) {
  return query ? &query->params : nullptr;
}

int crm_query_select(crm_query* query, const char* field) {
  return ChangeQuery(query, [&](QueryRequest& request) {
    CRM_RETURN_IF_ERROR(CheckText(field, Rule::kField));
    request.select.emplace_back(field);
    return absl::OkStatus();
  });
}

int crm_query_order_by(crm_query* query, const char* field, int descending) {
  return ChangeQuery(query, [&](QueryRequest& request) {
    CRM_RETURN_IF_ERROR(CheckText(field, Rule::kField));
    request.sort.push_back({field, descending != 0});
    return absl::OkStatus();
  });
}

int crm_query_set_page_size(crm_query* query, uint32_t page_size) {
  return ChangeQuery(query, [&](QueryRequest& request) {
    if (page_size < 1 || page_size > 10000) {
      return crm::MakeError(ErrorCode::kInvalidArgument,
                            "page_size must be 1 to 10,000", "",
                            Rule::kPageSize);
    }
    request.page_size = page_size;
    return absl::OkStatus();
  });
}

int crm_query_set_cursor(crm_query* query, const char* cursor) {
  return ChangeQuery(query, [&](QueryRequest& request) {
    CRM_RETURN_IF_ERROR(CheckOptionalText(cursor, Rule::kCursor));
    request.cursor = cursor == nullptr ? "" : cursor;
    return absl::OkStatus();
  });
}

int crm_query_include_archived(crm_query* query, int include) {
  return ChangeQuery(query, [&](QueryRequest& request) {
    request.include_archived = include != 0;
    return absl::OkStatus();
  });
}

int crm_query_set_as_of(crm_query* query, int64_t valid_us,
                        int64_t known_at_us) {
  return ChangeQuery(query, [&](QueryRequest& request) {
    request.valid_us = valid_us;
    request.known_at_us = known_at_us;
    return absl::OkStatus();
  });
}

int crm_query_group_by(crm_query* query, const char* field, int bucket) {
  return ChangeQuery(query, [&](QueryRequest& request) {
    CRM_RETURN_IF_ERROR(CheckText(field, Rule::kField));
    CRM_ASSIGN_OR_RETURN(crm::store::Bucket checked, BucketOf(bucket));
    request.groups.push_back({field, checked});
    return absl::OkStatus();
  });
}

int crm_query_aggregate(crm_query* query, int function, const char* field,
                        const char* alias) {
  return ChangeQuery(query, [&](QueryRequest& request) {
    CRM_RETURN_IF_ERROR(CheckOptionalText(field, Rule::kField));
    CRM_RETURN_IF_ERROR(CheckOptionalText(alias, Rule::kAlias));
    if (function < CRM_AGG_COUNT || function > CRM_AGG_MAX) {
      return crm::MakeError(ErrorCode::kInvalidArgument,
                            "unknown aggregate function", "", Rule::kFunction);
    }
    request.aggregates.push_back(
        {static_cast<crm::store::Function>(function - 1),
         field == nullptr ? "" : field, alias == nullptr ? "" : alias});
    return absl::OkStatus();
  });
}

int crm_query_run(crm_rows** out, crm_db* db, const crm_query* query) {
  return ReadQuery(out, db, query, &crm::core::RunQuery);
}

int crm_query_run_aggregate(crm_rows** out, crm_db* db,
                            const crm_query* query) {
  return ReadQuery(out, db, query, &crm::core::RunAggregate);
}

int crm_query_run_series(crm_rows** out, crm_db* db, const crm_query* query,
                         const int64_t* instants, size_t count) {
  return Call(Out(out), [&]() -> HandleOr<crm_rows> {
    CRM_RETURN_IF_ERROR(CheckNotNull(query, Rule::kQuery));
    if (count == 0 || count > CRM_MAX_SERIES_INSTANTS) {
      return crm::MakeError(
          ErrorCode::kInvalidArgument,
          absl::StrCat("a series has 1 to ", CRM_MAX_SERIES_INSTANTS,
                       " instants, not ", count),
          "", Rule::kInstants);
    }
    CRM_RETURN_IF_ERROR(CheckNotNull(instants, Rule::kInstants));
    CRM_RETURN_IF_ERROR(CheckNotNull(out, Rule::kOut));
    QueryRequest request = RequestOf(query);
    std::vector<int64_t> at(instants, instants + count);
    return ReadRows(db, [&](Session& session) {
      return crm::core::RunSeries(session, request, at);
    });
  });
}

int crm_query_count(int64_t* out, crm_db* db, const crm_query* query) {
  return Call(Out(out, Rule::kOut), [&]() -> absl::StatusOr<int64_t> {
    CRM_RETURN_IF_ERROR(CheckNotNull(query, Rule::kQuery));
    QueryRequest request = RequestOf(query);
    return OnDb(db, ScopeKind::kRead, [&](Session& session) {
      return crm::core::CountQuery(session, request);
    });
  });
}

int crm_query_explain(char** out, crm_db* db, const crm_query* query) {
  return Call(Out(out, Rule::kOut), [&]() -> absl::StatusOr<std::string> {
    CRM_RETURN_IF_ERROR(CheckNotNull(query, Rule::kQuery));
    QueryRequest request = RequestOf(query);
    return OnDb(db, ScopeKind::kRead, [&](Session& session) {
      return crm::core::ExplainQuery(session, request);
    });
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
  return Call(Out(out_bytes, Rule::kOutBytes), Out(out_size, Rule::kOutSize),
              [&]() -> absl::StatusOr<std::pair<const void*, size_t>> {
                CRM_RETURN_IF_ERROR(CheckNotNull(rows, Rule::kRows));
                if (rows->encoded.empty()) {
                  rows->encoded = crm::capi::EncodeRowSet(PageToEncode(*rows));
                }
                return std::pair<const void*, size_t>(rows->encoded.data(),
                                                      rows->encoded.size());
              });
}

int crm_rows_encode_json(const char** out_json, size_t* out_size,
                         crm_rows* rows) {
  return Call(Out(out_json, Rule::kOut), Out(out_size, Rule::kOutSize),
              [&]() -> absl::StatusOr<std::pair<const char*, size_t>> {
                CRM_RETURN_IF_ERROR(CheckNotNull(rows, Rule::kRows));
                if (rows->encoded_json.empty()) {
                  rows->encoded_json =
                      crm::capi::EncodeRowsJson(PageToEncode(*rows));
                }
                return std::pair<const char*, size_t>(
                    rows->encoded_json.data(), rows->encoded_json.size());
              });
}

int crm_field_fill_rates(crm_rows** out, crm_db* db) {
  return Call(Out(out, Rule::kOut), [&] {
    return ReadRows(
        db, [](Session& session) { return crm::core::FillRates(session); });
  });
}

// The NULL check of `out` follows the text's, as in libcrm 0.2.
int crm_customer_search(crm_rows** out, crm_db* db, const char* text,
                        uint32_t limit) {
  return Call(Out(out), [&]() -> HandleOr<crm_rows> {
    CRM_RETURN_IF_ERROR(CheckText(text, Rule::kText));
    CRM_RETURN_IF_ERROR(CheckNotNull(out, Rule::kOut));
    return ReadRows(db, [&](Session& session) {
      return crm::core::SearchCustomers(session, text, limit);
    });
  });
}

int crm_segment_save(crm_db* db, const char* name, int target,
                     const char* filter) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckText(name, Rule::kName));
    CRM_RETURN_IF_ERROR(CheckText(filter, Rule::kFilter));
    CRM_ASSIGN_OR_RETURN(QueryTarget checked, TargetOf(target));
    return OnDb(db, ScopeKind::kWrite, [&](Session& session) {
      return crm::core::SaveSegment(session, name, checked, filter);
    });
  });
}

int crm_segment_delete(crm_db* db, const char* name) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckText(name, Rule::kName));
    return OnDb(db, ScopeKind::kWrite, [&](Session& session) {
      return crm::core::DeleteSegment(session, name);
    });
  });
}

int crm_segment_count(int64_t* out, crm_db* db, const char* name) {
  return Call(Out(out, Rule::kOut), [&]() -> absl::StatusOr<int64_t> {
    CRM_RETURN_IF_ERROR(CheckText(name, Rule::kName));
    return OnDb(db, ScopeKind::kRead, [&](Session& session) {
      return crm::core::CountSegment(session, name);
    });
  });
}

int crm_segment_list(crm_rows** out, crm_db* db) {
  return Call(Out(out, Rule::kOut), [&] {
    return ReadRows(
        db, [](Session& session) { return crm::core::ListSegments(session); });
  });
}

// The NULL check of `out` follows the other arguments', as in libcrm 0.2.
int crm_cohort(crm_rows** out, crm_db* db, const char* first_type,
               const char* then_type, uint32_t within_days, int bucket) {
  return Call(Out(out), [&]() -> HandleOr<crm_rows> {
    CRM_RETURN_IF_ERROR(CheckText(first_type, Rule::kFirstType));
    CRM_RETURN_IF_ERROR(CheckText(then_type, Rule::kThenType));
    CRM_ASSIGN_OR_RETURN(crm::store::Bucket checked, BucketOf(bucket));
    CRM_RETURN_IF_ERROR(CheckNotNull(out, Rule::kOut));
    return ReadRows(db, [&](Session& session) {
      return crm::core::RunCohort(session, first_type, then_type, within_days,
                                  checked);
    });
  });
}

}  // extern "C"
