#include "core/query_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/decimal.h"
#include "base/error.h"
#include "base/utf8.h"
#include "core/as_of.h"
#include "core/query_access.h"
#include "core/query_rows.h"
#include "core/record_scope.h"
#include "core/time_text.h"
#include "core/visible_search.h"
#include "query/parser.h"
#include "store/rows.h"

namespace crm::core {
namespace {

constexpr int64_t kMaxPageSize = 10000;
constexpr char kCursorPrefix[] = "q1.";
constexpr int64_t kDayUs = 86400LL * 1000000;

// Limits on the shape of a query that keep its SQL within SQLite's: at most
// 2,000 result columns, and a parser stack that the keyset condition of a
// later page overflows from 14 sort keys on.
constexpr size_t kMaxSelect = 1500;
constexpr size_t kMaxSort = 8;
constexpr size_t kMaxGroups = 500;
constexpr size_t kMaxAggregates = 500;  // an average is two columns

absl::Status BadArgument(absl::string_view message, Rule rule) {
  return MakeError(ErrorCode::kInvalidArgument, message, "", rule);
}

// Fails when a query has more than `limit` `items` ("a query <does> at
// most <limit> <items>").
absl::Status AtMost(size_t count, size_t limit, absl::string_view does,
                    absl::string_view items, Rule rule) {
  if (count <= limit) return absl::OkStatus();
  return BadArgument(absl::StrCat("a query ", does, " at most ", limit, " ",
                                  items, ", not ", count),
                     rule);
}

store::Table TableOf(QueryTarget target) {
  return target == QueryTarget::kCustomers ? store::Table::kCustomers
                                           : store::Table::kEvents;
}

// Whether a request reads customers as of a valid time or an earlier
// knowledge (crm_query_set_as_of): from the as-of table core/as_of.h fills.
bool AsOf(const QueryRequest& request) {
  return request.valid_us != INT64_MAX || request.known_at_us != INT64_MAX;
}

// The most customer rows (customers times instants) one series fills: what
// 100,000 customers at about 20 instants make, in a few hundred MB.
constexpr int64_t kMaxSeriesRows = 2'000'000;

store::Table TableOf(const QueryRequest& request) {
  return AsOf(request) ? store::Table::kAsOf : TableOf(request.target);
}

wire::Value WireOf(const store::SqlValue& value) {
  wire::Value wire;
  if (const int64_t* number = std::get_if<int64_t>(&value)) {
    wire.set_integer(*number);
  } else if (const std::string* text = std::get_if<std::string>(&value)) {
    wire.set_text(*text);
  }
  return wire;
}

store::SqlValue SqlOf(const wire::Value& wire) {
  switch (wire.kind_case()) {
    case wire::Value::kInteger:
      return wire.integer();
    case wire::Value::kText:
      return wire.text();
    default:
      return store::SqlValue();
  }
}

std::string EncodeCursor(const std::vector<store::SqlValue>& keys, int64_t id) {
  wire::QueryCursor cursor;
  for (const store::SqlValue& key : keys) *cursor.add_keys() = WireOf(key);
  cursor.set_id(id);
  return absl::StrCat(kCursorPrefix,
                      absl::WebSafeBase64Escape(cursor.SerializeAsString()));
}

absl::Status DecodeCursor(const std::string& text, size_t keys,
                          store::SelectPlan* plan) {
  std::string bytes;
  wire::QueryCursor cursor;
  absl::string_view body = text;
  if (!absl::ConsumePrefix(&body, kCursorPrefix) ||
      !absl::WebSafeBase64Unescape(body, &bytes) ||
      !cursor.ParseFromString(bytes) ||
      static_cast<size_t>(cursor.keys_size()) != keys || cursor.id() <= 0) {
    return BadArgument(
        "the cursor was not returned by libcrm for a query with this sort",
        Rule::kCursor);
  }
  for (const wire::Value& key : cursor.keys()) {
    plan->after_keys.push_back(SqlOf(key));
  }
  plan->after_id = cursor.id();
  return absl::OkStatus();
}

// A field a query sorts, groups or aggregates on, checked against the
// session's profile.
absl::StatusOr<QueryField> ComparedField(Session& session,
                                         const QueryRequest& request,
                                         const std::string& name) {
  CRM_ASSIGN_OR_RETURN(QueryField field,
                       ResolveQueryField(session.schema(), request.target, name,
                                         request.include_archived));
  if (session.access() != nullptr) {
    CRM_RETURN_IF_ERROR(CheckFieldUse(*session.access(), session.schema(),
                                      field, FieldUse::kCompare));
  }
  return field;
}

// The request's filter, and on a restricted session its scope and the
// events it reads (query_access.h).
absl::StatusOr<std::optional<store::Condition>> Where(
    Session& session, const QueryRequest& request) {
  if (AsOf(request) && request.target != QueryTarget::kCustomers) {
    return BadArgument(
        "events do not change: filter them by occurred_at and recorded_at "
        "instead of querying them as of a past time",
        Rule::kTarget);
  }
  CRM_ASSIGN_OR_RETURN(
      std::optional<store::Condition> where,
      session.filters().Check(session.schema(), request.target, request.filter,
                              request.params, request.include_archived,
                              NowMicros(), session.access()));
  // As of a valid time, the scope applies to customers now: FillAsOf()
  // keeps only those.
  if (session.access() == nullptr || AsOf(request)) return where;
  CRM_ASSIGN_OR_RETURN(std::optional<store::Condition> limits,
                       AccessCondition(session, request.target));
  return AndConditions(std::move(where), std::move(limits));
}

absl::StatusOr<store::SelectPlan> SelectPlanOf(
    Session& session, const QueryRequest& request,
    std::vector<QueryField>* fields) {
  if (request.page_size < 1 || request.page_size > kMaxPageSize) {
    return BadArgument("page_size must be 1 to 10,000", Rule::kPageSize);
  }
  CRM_RETURN_IF_ERROR(AtMost(request.select.size(), kMaxSelect, "selects",
                             "fields", Rule::kSelect));
  CRM_RETURN_IF_ERROR(
      AtMost(request.sort.size(), kMaxSort, "sorts by", "fields", Rule::kSort));
  store::SelectPlan plan;
  plan.target = TableOf(request);
  CRM_ASSIGN_OR_RETURN(plan.where, Where(session, request));
  CRM_ASSIGN_OR_RETURN(
      *fields, SelectedFields(session.schema(), request, session.access()));
  for (const QueryField& field : *fields) plan.columns.push_back(field.column);
  for (const SortSpec& sort : request.sort) {
    CRM_ASSIGN_OR_RETURN(QueryField field,
                         ComparedField(session, request, sort.field));
    if (field.column.list) {
      return MakeError(ErrorCode::kValidation,
                       absl::StrCat("field '", field.name,
                                    "' holds a list and cannot be sorted on"),
                       field.name, Rule::kSort);
    }
    plan.sort.push_back({field.column, sort.descending});
  }
  if (!request.cursor.empty()) {
    CRM_RETURN_IF_ERROR(DecodeCursor(request.cursor, plan.sort.size(), &plan));
  }
  plan.limit = request.page_size + 1;  // one more tells whether a next exists
  return plan;
}

// "2024-03"-style text for bucketed keys; the field's own value otherwise.
absl::StatusOr<Value> GroupValue(const QueryField& field, store::Bucket bucket,
                                 const store::SqlValue& stored) {
  if (bucket != store::Bucket::kNone) {
    if (const std::string* text = std::get_if<std::string>(&stored)) {
      return Value::Text(*text);
    }
    return Value::Null();
  }
  return ResultValue(field, stored);
}

// Exact average of scaled integers, rounded half away from zero to two more
// digits than the field's scale.
Value Average(int64_t sum, int64_t count, int scale) {
  if (count == 0) return Value::Null();
  __int128 scaled = static_cast<__int128>(sum) * 100;
  __int128 quotient = scaled / count;
  __int128 remainder = scaled % count;
  if (remainder * 2 >= count) ++quotient;
  if (remainder * 2 <= -count) --quotient;
  return Value::Decimal(
      FormatDecimal(static_cast<int64_t>(quotient), scale + 2));
}

// A sum as the store returned it: an integer in units of the field's scale,
// or for event properties the exact decimal text crm_decimal_sum wrote.
struct ScaledSum {
  int64_t scaled = 0;
  int scale = 0;
  bool decimal = false;
};

absl::StatusOr<std::optional<ScaledSum>> SumOf(const QueryField& field,
                                               const store::SqlValue& stored) {
  if (const int64_t* sum = std::get_if<int64_t>(&stored)) {
    ScaledSum out{*sum, field.field ? field.field->definition().scale() : 0,
                  field.type == FieldType::kDecimal};
    return std::optional<ScaledSum>(out);
  }
  const std::string* text = std::get_if<std::string>(&stored);
  if (text == nullptr) return std::optional<ScaledSum>();
  ScaledSum out;
  out.decimal = text->find('.') != std::string::npos;
  out.scale = DecimalScale(*text);
  CRM_ASSIGN_OR_RETURN(out.scaled, ParseDecimal(*text, out.scale));
  return std::optional<ScaledSum>(out);
}

std::string DefaultAlias(const AggregateSpec& spec) {
  static const char* kNames[] = {"count", "count_distinct", "sum", "avg", "min",
                                 "max"};
  std::string name = kNames[static_cast<int>(spec.function)];
  return spec.field.empty() ? name : absl::StrCat(name, "_", spec.field);
}

}  // namespace

absl::StatusOr<QueryPage> RunQuery(Session& session,
                                   const QueryRequest& request) {
  std::vector<QueryField> fields;
  CRM_ASSIGN_OR_RETURN(store::SelectPlan plan,
                       SelectPlanOf(session, request, &fields));
  if (AsOf(request)) {
    CRM_RETURN_IF_ERROR(FillAsOf(session, {request.valid_us},
                                 request.known_at_us, ColumnsOf(plan)));
  }
  CRM_ASSIGN_OR_RETURN(std::vector<store::SelectedRow> rows,
                       session.backend().RunSelect(plan));
  QueryPage page;
  for (const QueryField& field : fields) page.columns.push_back(field.name);
  bool more = static_cast<int64_t>(rows.size()) > request.page_size;
  if (more) rows.resize(request.page_size);
  for (const store::SelectedRow& row : rows) {
    CRM_ASSIGN_OR_RETURN(CustomerRecord record,
                         RowRecord(session, fields, row, request.target));
    page.rows.push_back(std::move(record));
  }
  if (more)
    page.next_cursor = EncodeCursor(rows.back().sort_keys, rows.back().id);
  return page;
}

absl::StatusOr<int64_t> CountQuery(Session& session,
                                   const QueryRequest& request) {
  CRM_ASSIGN_OR_RETURN(std::optional<store::Condition> where,
                       Where(session, request));
  if (AsOf(request)) {
    CRM_RETURN_IF_ERROR(FillAsOf(session, {request.valid_us},
                                 request.known_at_us, ColumnsOf(where)));
  }
  return session.backend().RunCount(TableOf(request), where);
}

absl::StatusOr<std::string> ExplainQuery(Session& session,
                                         const QueryRequest& request) {
  if (session.access() != nullptr) {
    // A plan names the scope's fields and the columns: it is for hosts.
    return MakeError(ErrorCode::kDenied,
                     "crm_query_explain is for unrestricted handles: a plan "
                     "names the profile's scope and the stored columns",
                     "", Rule::kOperation);
  }
  std::vector<QueryField> fields;
  CRM_ASSIGN_OR_RETURN(store::SelectPlan plan,
                       SelectPlanOf(session, request, &fields));
  if (AsOf(request)) {
    CRM_RETURN_IF_ERROR(FillAsOf(session, {request.valid_us},
                                 request.known_at_us, ColumnsOf(plan)));
  }
  return session.backend().ExplainSelect(plan);
}

namespace {

// An aggregate request checked and planned, with the fields of its result
// columns.
struct AggregateQuery {
  store::AggregatePlan plan;
  std::vector<QueryField> group_fields;
  std::vector<std::optional<QueryField>> aggregate_fields;
  std::vector<std::string> aliases;
};

absl::StatusOr<AggregateQuery> AggregateQueryOf(Session& session,
                                                const QueryRequest& request) {
  if (request.aggregates.empty() && request.groups.empty()) {
    return BadArgument("an aggregate query needs a group or an aggregate",
                       Rule::kAggregates);
  }
  CRM_RETURN_IF_ERROR(AtMost(request.groups.size(), kMaxGroups, "groups by",
                             "fields", Rule::kGroup));
  CRM_RETURN_IF_ERROR(AtMost(request.aggregates.size(), kMaxAggregates,
                             "computes", "aggregates", Rule::kAggregates));
  AggregateQuery query;
  store::AggregatePlan& plan = query.plan;
  plan.target = TableOf(request);
  CRM_ASSIGN_OR_RETURN(plan.where, Where(session, request));
  for (const GroupSpec& group : request.groups) {
    CRM_ASSIGN_OR_RETURN(QueryField field,
                         ComparedField(session, request, group.field));
    store::GroupKey key{field.column, group.bucket, store::TimeUnit::kNone};
    ValueKind kind = ValueKindOf(field.type);
    if (group.bucket != store::Bucket::kNone) {
      if (kind != ValueKind::kDate && kind != ValueKind::kDateTime) {
        return MakeError(ErrorCode::kValidation,
                         absl::StrCat("field '", field.name,
                                      "' is not a date or datetime; it "
                                      "cannot be grouped by time"),
                         field.name, Rule::kBucket);
      }
      key.time = kind == ValueKind::kDate ? store::TimeUnit::kDateText
                                          : store::TimeUnit::kMicroseconds;
    } else if (kind == ValueKind::kList) {
      return MakeError(ErrorCode::kValidation,
                       absl::StrCat("field '", field.name,
                                    "' holds a list and cannot be grouped on"),
                       field.name, Rule::kGroup);
    }
    plan.groups.push_back(key);
    query.group_fields.push_back(std::move(field));
  }
  for (const AggregateSpec& spec : request.aggregates) {
    store::AggregateColumn column{spec.function, std::nullopt, spec.field};
    std::optional<QueryField> field;
    if (!spec.field.empty()) {
      CRM_ASSIGN_OR_RETURN(field, ComparedField(session, request, spec.field));
      ValueKind kind = ValueKindOf(field->type);
      // Property values are checked row by row as they are summed.
      bool numeric = kind == ValueKind::kInteger ||
                     kind == ValueKind::kDecimal || field->property;
      bool summable = spec.function != store::Function::kSum &&
                      spec.function != store::Function::kAvg;
      if ((!numeric && !summable) || kind == ValueKind::kList) {
        return MakeError(ErrorCode::kValidation,
                         absl::StrCat("field '", field->name, "' (",
                                      FieldTypeName(field->type),
                                      ") cannot be aggregated that way"),
                         field->name, Rule::kAggregate);
      }
      column.column = field->column;
    } else if (spec.function != store::Function::kCount) {
      return BadArgument("only count works without a field", Rule::kAggregates);
    }
    plan.aggregates.push_back(column);
    query.aggregate_fields.push_back(std::move(field));
    query.aliases.push_back(spec.alias.empty() ? DefaultAlias(spec)
                                               : spec.alias);
  }
  return query;
}

// The record of an aggregate row `row` whose group keys start at `at`.
absl::StatusOr<CustomerRecord> AggregateRecord(
    const AggregateQuery& query, const QueryRequest& request,
    const std::vector<store::SqlValue>& row, size_t at) {
  CustomerRecord record;
  const std::vector<QueryField>& group_fields = query.group_fields;
  for (size_t g = 0; g < group_fields.size(); ++g, ++at) {
    CRM_ASSIGN_OR_RETURN(
        Value value,
        GroupValue(group_fields[g], request.groups[g].bucket, row[at]));
    record.values.push_back({group_fields[g].name, std::move(value)});
  }
  for (size_t a = 0; a < request.aggregates.size(); ++a, ++at) {
    const AggregateSpec& spec = request.aggregates[a];
    const std::optional<QueryField>& field = query.aggregate_fields[a];
    Value value;
    switch (spec.function) {
      case store::Function::kCount:
      case store::Function::kCountDistinct:
        value = Value::Integer(std::get<int64_t>(row[at]));
        break;
      case store::Function::kSum: {
        CRM_ASSIGN_OR_RETURN(std::optional<ScaledSum> sum,
                             SumOf(*field, row[at]));
        if (sum) {
          value = sum->decimal
                      ? Value::Decimal(FormatDecimal(sum->scaled, sum->scale))
                      : Value::Integer(sum->scaled);
        }
        break;
      }
      case store::Function::kAvg: {
        CRM_ASSIGN_OR_RETURN(std::optional<ScaledSum> sum,
                             SumOf(*field, row[at]));
        int64_t count = std::get<int64_t>(row[++at]);
        if (sum) value = Average(sum->scaled, count, sum->scale);
        break;
      }
      case store::Function::kMin:
      case store::Function::kMax:
        CRM_ASSIGN_OR_RETURN(value, ResultValue(*field, row[at]));
        break;
    }
    record.values.push_back({query.aliases[a], std::move(value)});
  }
  return record;
}

}  // namespace

absl::StatusOr<QueryPage> RunAggregate(Session& session,
                                       const QueryRequest& request) {
  CRM_ASSIGN_OR_RETURN(AggregateQuery query,
                       AggregateQueryOf(session, request));
  if (AsOf(request)) {
    CRM_RETURN_IF_ERROR(FillAsOf(session, {request.valid_us},
                                 request.known_at_us, ColumnsOf(query.plan)));
  }
  CRM_ASSIGN_OR_RETURN(auto rows, session.backend().RunAggregate(query.plan));
  QueryPage page;
  for (const QueryField& field : query.group_fields) {
    page.columns.push_back(field.name);
  }
  for (const std::string& alias : query.aliases) page.columns.push_back(alias);
  for (const auto& row : rows) {
    CRM_ASSIGN_OR_RETURN(CustomerRecord record,
                         AggregateRecord(query, request, row, 0));
    page.rows.push_back(std::move(record));
  }
  return page;
}

absl::StatusOr<QueryPage> RunSeries(Session& session,
                                    const QueryRequest& request,
                                    const std::vector<int64_t>& instants) {
  if (request.target != QueryTarget::kCustomers) {
    return BadArgument("a series is of a customers query", Rule::kTarget);
  }
  if (instants.empty()) {
    return BadArgument("a series has at least one instant", Rule::kInstants);
  }
  for (int64_t at : instants) {
    // Every instant is a datetime (rows give it as "valid_at"), so the first
    // one also makes the request an as-of one (Table::kAsOf).
    if (at < kMinDateTimeUs || at > kMaxDateTimeUs) {
      return BadArgument(absl::StrCat("instant ", at,
                                      " us lies outside the years 0001 to "
                                      "9999"),
                         Rule::kInstants);
    }
  }
  QueryRequest series = request;
  series.valid_us = instants.front();  // as of a valid time: Table::kAsOf
  if (series.aggregates.empty()) {
    series.aggregates.push_back({store::Function::kCount, "", ""});
  }
  CRM_ASSIGN_OR_RETURN(AggregateQuery query, AggregateQueryOf(session, series));
  // Grouped by instant first: every instant's rows are in the one table.
  store::GroupKey instant{{store::Table::kCustomers, store::kAsOfInstantColumn,
                           false, false, false, ""},
                          store::Bucket::kNone,
                          store::TimeUnit::kNone};
  query.plan.groups.insert(query.plan.groups.begin(), instant);
  std::vector<int64_t> distinct = instants;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  CRM_ASSIGN_OR_RETURN(int64_t customers, session.backend().CountCustomers());
  if (customers * static_cast<int64_t>(distinct.size()) > kMaxSeriesRows) {
    return BadArgument(
        absl::StrCat("a series of ", customers, " customers at ",
                     distinct.size(), " instants holds more than ",
                     kMaxSeriesRows, " rows; ask for fewer instants a call"),
        Rule::kInstants);
  }
  CRM_RETURN_IF_ERROR(
      FillAsOf(session, distinct, series.known_at_us, ColumnsOf(query.plan)));
  CRM_ASSIGN_OR_RETURN(auto rows, session.backend().RunAggregate(query.plan));
  QueryPage page;
  page.columns.push_back(store::kAsOfInstantColumn);
  for (const QueryField& field : query.group_fields) {
    page.columns.push_back(field.name);
  }
  for (const std::string& alias : query.aliases) page.columns.push_back(alias);
  // The rows of each instant, in the order the groups came.
  std::map<int64_t, std::vector<CustomerRecord>> by_instant;
  for (const auto& row : rows) {
    const int64_t* at = std::get_if<int64_t>(&row[0]);
    if (at == nullptr) {
      return MakeError(ErrorCode::kIo, "an as-of row without its instant", "",
                       Rule::kDamaged);
    }
    CRM_ASSIGN_OR_RETURN(CustomerRecord record,
                         AggregateRecord(query, series, row, 1));
    by_instant[*at].push_back(std::move(record));
  }
  for (int64_t at : instants) {
    std::vector<CustomerRecord>* records = &by_instant[at];
    std::vector<CustomerRecord> empty;
    if (records->empty() && series.groups.empty()) {
      // No customer then: the aggregates of no rows (counts 0, others
      // empty), as an ungrouped aggregate query answers.
      CustomerRecord none;
      for (size_t a = 0; a < series.aggregates.size(); ++a) {
        store::Function function = series.aggregates[a].function;
        bool count = function == store::Function::kCount ||
                     function == store::Function::kCountDistinct;
        none.values.push_back(
            {query.aliases[a], count ? Value::Integer(0) : Value::Null()});
      }
      empty.push_back(std::move(none));
      records = &empty;
    }
    for (const CustomerRecord& record : *records) {
      CustomerRecord out;
      out.values.push_back({store::kAsOfInstantColumn, Value::DateTime(at)});
      out.values.insert(out.values.end(), record.values.begin(),
                        record.values.end());
      page.rows.push_back(std::move(out));
    }
  }
  return page;
}

namespace {

// Per column, how many customers of the session's scope hold a value (a
// non-empty list for list columns), then how many it holds: one count each.
absl::StatusOr<std::vector<int64_t>> CountFilledInScope(
    Session& session, const std::vector<store::ColumnRef>& columns,
    const store::Condition& scope) {
  std::vector<int64_t> counts;
  for (const store::ColumnRef& column : columns) {
    store::Condition filled;
    filled.column = column;
    filled.op = store::Compare::kIsNotNull;
    CRM_ASSIGN_OR_RETURN(
        int64_t count,
        session.backend().RunCount(store::Table::kCustomers,
                                   AndConditions(scope, std::move(filled))));
    counts.push_back(count);
  }
  CRM_ASSIGN_OR_RETURN(int64_t total, session.backend().RunCount(
                                          store::Table::kCustomers, scope));
  counts.push_back(total);
  return counts;
}

}  // namespace

absl::StatusOr<QueryPage> FillRates(Session& session) {
  const Access* access = session.access();
  std::vector<store::ColumnRef> columns;
  std::vector<const Field*> fields;
  for (const Field* field : session.schema().stored_fields()) {
    if (access != nullptr && !access->Reads(*field)) continue;
    fields.push_back(field);
    columns.push_back({store::Table::kCustomers, field->column(), false, false,
                       IsList(field->type()), ""});
  }
  std::optional<store::Condition> scope;
  if (access != nullptr) {
    CRM_ASSIGN_OR_RETURN(scope, ScopeCondition(session));
  }
  std::vector<int64_t> counts;
  if (scope) {
    CRM_ASSIGN_OR_RETURN(counts, CountFilledInScope(session, columns, *scope));
  } else {
    CRM_ASSIGN_OR_RETURN(counts, session.backend().CountFilled(columns));
  }
  QueryPage page;
  page.columns = {"field", "label", "group", "filled", "total"};
  int64_t total = counts.back();
  for (size_t i = 0; i < fields.size(); ++i) {
    CustomerRecord record;
    record.values.push_back({"field", Value::Text(fields[i]->name())});
    record.values.push_back(
        {"label", Value::Text(fields[i]->definition().label())});
    record.values.push_back(
        {"group", Value::Text(fields[i]->definition().group())});
    record.values.push_back({"filled", Value::Integer(counts[i])});
    record.values.push_back({"total", Value::Integer(total)});
    page.rows.push_back(std::move(record));
  }
  return page;
}

absl::StatusOr<QueryPage> SearchCustomers(Session& session,
                                          absl::string_view text,
                                          int64_t limit) {
  if (limit < 1 || limit > kMaxPageSize) {
    return BadArgument("limit must be 1 to 10,000", Rule::kLimit);
  }
  if (session.access() != nullptr) {
    return SearchVisibleCustomers(session, text, limit);
  }
  CRM_ASSIGN_OR_RETURN(std::string fts, FullTextQuery(std::string(text)));
  CRM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                       session.backend().SearchCustomers(fts, limit));
  QueryRequest request;
  QueryPage page;
  const Schema& schema = session.schema();
  std::vector<QueryField> fields;
  CRM_ASSIGN_OR_RETURN(fields, SelectedFields(schema, request, nullptr));
  for (const QueryField& field : fields) page.columns.push_back(field.name);
  for (int64_t id : ids) {
    CRM_ASSIGN_OR_RETURN(auto row, session.backend().SelectCustomer(
                                       schema.stored_columns(), "id",
                                       store::SqlValue(id), false));
    if (!row) continue;
    store::SelectedRow selected{
        row->id, row->version, std::move(row->values), {}};
    selected.values.emplace_back(std::in_place_type<int64_t>,
                                 row->created_at_us);
    selected.values.emplace_back(std::in_place_type<int64_t>,
                                 row->updated_at_us);
    CRM_ASSIGN_OR_RETURN(
        CustomerRecord record,
        RowRecord(session, fields, selected, QueryTarget::kCustomers));
    page.rows.push_back(std::move(record));
  }
  return page;
}

std::string SearchText(const Schema& schema,
                       const std::vector<store::SqlValue>& values) {
  std::string text;
  const auto& fields = schema.stored_fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string* value = std::get_if<std::string>(&values[i]);
    if (value == nullptr || !IsTextual(fields[i]->type())) continue;
    absl::StrAppend(&text, text.empty() ? "" : " ", *value);
    if (fields[i]->type() == FieldType::kPhone) {
      std::string digits;
      for (char c : *value) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      absl::StrAppend(&text, " ", digits);
    }
  }
  return text;
}

absl::Status IndexCustomerText(Session& session, int64_t id) {
  const Schema& schema = session.schema();
  CRM_ASSIGN_OR_RETURN(
      auto row, session.backend().SelectCustomer(schema.stored_columns(), "id",
                                                 store::SqlValue(id), false));
  std::string text = row ? SearchText(schema, row->values) : std::string();
  return session.backend().SetSearchText(id, text, false);
}

absl::Status IndexAllCustomerText(Session& session) {
  return ForEachCustomerId(
      session, [&](int64_t id) { return IndexCustomerText(session, id); });
}

absl::Status ForEachCustomerId(
    Session& session, absl::FunctionRef<absl::Status(int64_t id)> visit) {
  QueryRequest request;
  request.select = {"kind"};
  request.page_size = kMaxPageSize;
  while (true) {
    CRM_ASSIGN_OR_RETURN(QueryPage page, RunQuery(session, request));
    for (const CustomerRecord& record : page.rows) {
      CRM_RETURN_IF_ERROR(visit(record.id));
    }
    if (page.next_cursor.empty()) return absl::OkStatus();
    request.cursor = page.next_cursor;
  }
}

absl::Status SaveSegment(Session& session, absl::string_view name,
                         QueryTarget target, absl::string_view filter) {
  CRM_RETURN_IF_ERROR(Access::Require(session.access(), Operation::kSegments));
  if (name.empty() || name.size() > 255 || !IsValidUtf8(name)) {
    return MakeError(ErrorCode::kValidation,
                     "a segment name is 1 to 255 bytes of UTF-8", "",
                     Rule::kName);
  }
  // Checked as its count will run: against the fields, and prepared.
  QueryRequest request;
  request.target = target;
  request.filter = std::string(filter);
  CRM_ASSIGN_OR_RETURN(std::optional<store::Condition> where,
                       Where(session, request));
  CRM_RETURN_IF_ERROR(session.backend().PrepareCount(TableOf(target), where));
  return session.backend().SaveSegment(
      {std::string(name),
       target == QueryTarget::kCustomers ? "customers" : "events",
       std::string(filter), NowMicros()});
}

absl::Status DeleteSegment(Session& session, absl::string_view name) {
  CRM_RETURN_IF_ERROR(Access::Require(session.access(), Operation::kSegments));
  CRM_ASSIGN_OR_RETURN(bool deleted,
                       session.backend().DeleteSegment(std::string(name)));
  if (deleted) return absl::OkStatus();
  return MakeError(ErrorCode::kNotFound,
                   absl::StrCat("no segment named '", name, "'"));
}

namespace {

// The live count of a stored segment, which the workspace file may hold in
// any form.
absl::StatusOr<int64_t> CountOf(Session& session,
                                const store::SegmentRow& segment) {
  QueryRequest request;
  if (segment.target == "events") {
    request.target = QueryTarget::kEvents;
  } else if (segment.target != "customers") {
    return MakeError(ErrorCode::kValidation,
                     absl::StrCat("segment '", segment.name,
                                  "' is stored with an unknown target"),
                     "", Rule::kTarget);
  }
  request.filter = segment.filter;
  return CountQuery(session, request);
}

// Whether `status` refuses a query for naming a field the session's
// profile hides.
bool IsHiddenFromProfile(const absl::Status& status) {
  return CodeOf(status) == ErrorCode::kDenied &&
         RuleIdOf(status) == Rule::kHidden;
}

}  // namespace

absl::StatusOr<QueryPage> ListSegments(Session& session) {
  CRM_ASSIGN_OR_RETURN(std::vector<store::SegmentRow> segments,
                       session.backend().LoadSegments());
  QueryPage page;
  page.columns = {"name", "target", "filter", "count", "error"};
  for (const store::SegmentRow& segment : segments) {
    absl::StatusOr<int64_t> count = CountOf(session, segment);
    // A restricted handle does not see segments that name a field its
    // profile hides.
    if (IsHiddenFromProfile(count.status())) continue;
    // A segment that can no longer run (a field it uses was archived or
    // changed type since) is listed with why instead of its count, so that
    // the others can still be listed and it can be mended or deleted.
    ErrorCode code = CodeOf(count.status());
    if (!count.ok() && code != ErrorCode::kValidation &&
        code != ErrorCode::kInvalidArgument && code != ErrorCode::kDenied) {
      return count.status();
    }
    CustomerRecord record;
    record.values.push_back({"name", Value::Text(segment.name)});
    record.values.push_back({"target", Value::Text(segment.target)});
    record.values.push_back({"filter", Value::Text(segment.filter)});
    if (count.ok()) {
      record.values.push_back({"count", Value::Integer(*count)});
    } else {
      record.values.push_back(
          {"error", Value::Text(std::string(count.status().message()))});
    }
    page.rows.push_back(std::move(record));
  }
  return page;
}

absl::StatusOr<int64_t> CountSegment(Session& session, absl::string_view name) {
  CRM_ASSIGN_OR_RETURN(std::vector<store::SegmentRow> segments,
                       session.backend().LoadSegments());
  for (const store::SegmentRow& segment : segments) {
    if (segment.name == name) return CountOf(session, segment);
  }
  return MakeError(ErrorCode::kNotFound,
                   absl::StrCat("no segment named '", name, "'"));
}

absl::StatusOr<std::vector<std::string>> SegmentsUsingField(
    Session& session, absl::string_view field) {
  CRM_ASSIGN_OR_RETURN(std::vector<store::SegmentRow> segments,
                       session.backend().LoadSegments());
  std::vector<std::string> users;
  for (const store::SegmentRow& segment : segments) {
    absl::StatusOr<std::unique_ptr<query::Expr>> expr =
        query::Parse(segment.filter);
    if (!expr.ok()) continue;
    std::set<std::string> names;
    query::CollectFields(**expr, &names);
    if (names.count(std::string(field)) ||
        names.count(absl::StrCat("customer.", field))) {
      users.push_back(segment.name);
    }
  }
  return users;
}

absl::StatusOr<QueryPage> RunCohort(Session& session,
                                    absl::string_view first_type,
                                    absl::string_view then_type,
                                    int64_t within_days, store::Bucket bucket) {
  if (within_days < 1 || within_days > 36500) {
    return BadArgument("within_days must be 1 to 36,500", Rule::kWithinDays);
  }
  if (first_type.empty() || then_type.empty() || !IsValidUtf8(first_type) ||
      !IsValidUtf8(then_type)) {
    return BadArgument("both event types must be given", Rule::kType);
  }
  std::optional<store::Condition> customers;
  if (session.access() != nullptr) {
    CRM_RETURN_IF_ERROR(CheckEventTypeReadable(*session.access(), first_type));
    CRM_RETURN_IF_ERROR(CheckEventTypeReadable(*session.access(), then_type));
    CRM_ASSIGN_OR_RETURN(customers, ScopeCondition(session));
  }
  CRM_ASSIGN_OR_RETURN(auto rows,
                       session.backend().RunCohort(
                           std::string(first_type), std::string(then_type),
                           within_days * kDayUs, bucket, customers));
  QueryPage page;
  page.columns = {"cohort", "customers", "converted", "events"};
  for (const auto& row : rows) {
    CustomerRecord record;
    const std::string* cohort = std::get_if<std::string>(&row[0]);
    record.values.push_back({"cohort", Value::Text(cohort ? *cohort : "")});
    record.values.push_back(
        {"customers", Value::Integer(std::get<int64_t>(row[1]))});
    record.values.push_back(
        {"converted", Value::Integer(std::get<int64_t>(row[2]))});
    record.values.push_back(
        {"events", Value::Integer(std::get<int64_t>(row[3]))});
    page.rows.push_back(std::move(record));
  }
  return page;
}

}  // namespace crm::core
