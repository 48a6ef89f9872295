#include "query_spec.h"

#include <charconv>
#include <cstdint>
#include <regex>
#include <string>

#include "failure.h"
#include "time_text.h"

namespace crm::cli {
namespace {

// The kind a --param value is bound as when the option does not name one:
// true/false a boolean, a whole number an integer, a number with a point a
// decimal, YYYY-MM-DD a date, a date with a time a datetime, else text.
std::string InferredKind(const std::string& value) {
  static const std::regex integer(R"(-?\d{1,18})");
  static const std::regex decimal(R"(-?\d+\.\d+)");
  static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
  static const std::regex datetime(R"(\d{4}-\d{2}-\d{2}[T ].+)");
  if (value == "true" || value == "false") return "boolean";
  if (std::regex_match(value, integer)) return "integer";
  if (std::regex_match(value, decimal)) return "decimal";
  if (std::regex_match(value, date)) return "date";
  if (std::regex_match(value, datetime) && MicrosFromText(value)) {
    return "datetime";
  }
  return "text";
}

// Binds one "name[:kind]=value" to the query's parameters.
void BindParam(crm_record* params, const std::string& param) {
  size_t equals = param.find('=');
  if (equals == std::string::npos || equals == 0) {
    UsageError("--param: '" + param + "' is not name=value or name:kind=value");
  }
  std::string name = param.substr(0, equals);
  std::string value = param.substr(equals + 1);
  std::string kind;
  if (size_t colon = name.find(':'); colon != std::string::npos) {
    kind = name.substr(colon + 1);
    name.resize(colon);
  } else {
    kind = InferredKind(value);
  }
  std::string what = "--param " + name;
  int status = CRM_OK;
  if (kind == "text") {
    status = crm_record_set_text(params, name.c_str(), value.c_str());
  } else if (kind == "integer") {
    int64_t number = 0;
    auto [end, error] =
        std::from_chars(value.data(), value.data() + value.size(), number);
    if (error != std::errc() || end != value.data() + value.size()) {
      UsageError(what + ": '" + value + "' is not an integer");
    }
    status = crm_record_set_integer(params, name.c_str(), number);
  } else if (kind == "decimal") {
    status = crm_record_set_decimal(params, name.c_str(), value.c_str());
  } else if (kind == "boolean") {
    if (value != "true" && value != "false") {
      UsageError(what + ": '" + value + "' is not true or false");
    }
    status = crm_record_set_boolean(params, name.c_str(), value == "true");
  } else if (kind == "date") {
    status = crm_record_set_date(params, name.c_str(), value.c_str());
  } else if (kind == "datetime") {
    status = crm_record_set_datetime(params, name.c_str(),
                                     MicrosOption(what, value));
  } else {
    UsageError(what + ": '" + kind +
               "' is not a kind: text, integer, decimal, boolean, date or "
               "datetime");
  }
  Check(status, "cannot bind " + what);
}

// Adds one "field[:asc|:desc]" sort key.
void AddSortKey(crm_query* query, const std::string& key) {
  std::string field = key;
  bool descending = false;
  if (size_t colon = key.rfind(':'); colon != std::string::npos) {
    std::string direction = key.substr(colon + 1);
    if (direction != "asc" && direction != "desc") {
      UsageError("--order-by: '" + key + "' is not FIELD, FIELD:asc or " +
                 "FIELD:desc");
    }
    descending = direction == "desc";
    field.resize(colon);
  }
  Check(crm_query_order_by(query, field.c_str(), descending ? 1 : 0),
        "cannot sort by '" + field + "'");
}

}  // namespace

void AddQuerySpecOptions(CLI::App* verb, QuerySpec& spec, bool filter_required,
                         bool order) {
  auto* filter = verb->add_option(
      "filter", spec.filter,
      "Filter in libcrm's filter language, e.g. \"plan = 'premium' and "
      "revenue >= 100\"; none: every row");
  if (filter_required) filter->required();
  verb->add_flag("--events", spec.events,
                 "Query the event log (seq, customer_id, type, channel, "
                 "occurred_at, properties.NAME, customer.FIELD, ...) instead "
                 "of customers");
  verb->add_option("--param", spec.params,
                   "A filter parameter :name (or ?, named 1, 2, ...) as "
                   "name=value or name:KIND=value; KIND text, integer, "
                   "decimal, boolean, date or datetime, else guessed from "
                   "the value's form (repeatable)")
      ->allow_extra_args(false);
  if (order) {
    verb->add_option("--order-by", spec.order_by,
                     "Sort by FIELD or FIELD:desc (repeatable, or comma "
                     "separated; ties by id)")
        ->delimiter(',')
        ->allow_extra_args(false);
  }
  verb->add_flag("--include-archived", spec.include_archived,
                 "Archived fields too, in the filter and the rows");
  verb->add_option("--as-of", spec.as_of,
                   "Customers as they were at this valid time (ISO 8601 "
                   "UTC, e.g. 2024-03-01T00:00:00Z)");
  verb->add_option("--known-at", spec.known_at,
                   "By what libcrm had recorded up to this time (ISO 8601 "
                   "UTC); with --as-of, 'what would we have said then'");
}

QueryPtr BuildQuery(const QuerySpec& spec) {
  crm_query* raw = nullptr;
  Check(
      crm_query_new(&raw, spec.events ? CRM_QUERY_EVENTS : CRM_QUERY_CUSTOMERS),
      "cannot make a query");
  QueryPtr query(raw);
  Check(crm_query_set_filter(query.get(), spec.filter.c_str()),
        "cannot use the filter");
  for (const std::string& param : spec.params) {
    BindParam(crm_query_params(query.get()), param);
  }
  for (const std::string& key : spec.order_by) AddSortKey(query.get(), key);
  if (spec.include_archived) {
    Check(crm_query_include_archived(query.get(), 1),
          "cannot include archived fields");
  }
  if (!spec.as_of.empty() || !spec.known_at.empty()) {
    int64_t valid =
        spec.as_of.empty() ? CRM_TIME_MAX : MicrosOption("--as-of", spec.as_of);
    int64_t known = spec.known_at.empty()
                        ? CRM_TIME_MAX
                        : MicrosOption("--known-at", spec.known_at);
    Check(crm_query_set_as_of(query.get(), valid, known),
          "cannot query at that time");
  }
  return query;
}

const char* IdColumn(const QuerySpec& spec) {
  return spec.events ? "seq" : "id";
}

}  // namespace crm::cli
