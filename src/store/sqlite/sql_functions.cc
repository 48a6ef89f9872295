#include "store/sqlite/sql_functions.h"

#include <sqlite3.h>

#include <new>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/decimal.h"
#include "base/error.h"
#include "store/event_body.h"

namespace crm::store::sqlite {
namespace {

// Lives in SQLite's zero-filled aggregate context; `sum` is constructed on
// the first row.
struct SumState {
  bool started;
  DecimalSum sum;
};

absl::string_view TextOf(sqlite3_value* value) {
  const unsigned char* text = sqlite3_value_text(value);
  return text == nullptr ? absl::string_view()
                         : absl::string_view(
                               reinterpret_cast<const char*>(text),
                               static_cast<size_t>(sqlite3_value_bytes(value)));
}

void Fail(sqlite3_context* context, const std::string& message) {
  sqlite3_result_error(context, message.c_str(),
                       static_cast<int>(message.size()));
  sqlite3_result_error_code(context, SQLITE_MISMATCH);
}

void DecimalSumStep(sqlite3_context* context, int, sqlite3_value** args) {
  auto* state = static_cast<SumState*>(
      sqlite3_aggregate_context(context, sizeof(SumState)));
  if (state == nullptr) {
    sqlite3_result_error_nomem(context);
    return;
  }
  if (!state->started) {
    new (&state->sum) DecimalSum();
    state->started = true;
  }
  if (sqlite3_value_type(args[0]) == SQLITE_NULL) return;
  absl::string_view text = TextOf(args[0]);
  if (text == "null") return;
  absl::Status added = state->sum.Add(text);
  if (added.ok()) return;
  std::string name(TextOf(args[1]));
  if (RuleOf(added) == "max") {
    Fail(context, absl::StrCat("'", name, "': ", added.message()));
  } else {
    Fail(context, absl::StrCat("'", name, "' holds ", text.substr(0, 64),
                               ", not a number; sum and avg need numbers"));
  }
}

void DecimalSumFinal(sqlite3_context* context) {
  auto* state = static_cast<SumState*>(sqlite3_aggregate_context(context, 0));
  if (state == nullptr || !state->started || state->sum.empty()) {
    sqlite3_result_null(context);
    return;
  }
  std::string text = FormatDecimal(state->sum.scaled(), state->sum.scale());
  sqlite3_result_text(context, text.c_str(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
}

// The running sum lives in SQLite's zero-filled aggregate context, made at
// the first value added: without one the sum is NULL.
void IntegerSumStep(sqlite3_context* context, int, sqlite3_value** args) {
  int type = sqlite3_value_type(args[0]);
  if (type == SQLITE_NULL) return;
  auto* sum = static_cast<int64_t*>(
      sqlite3_aggregate_context(context, sizeof(int64_t)));
  if (sum == nullptr) {
    sqlite3_result_error_nomem(context);
    return;
  }
  if (type != SQLITE_INTEGER) {
    Fail(context, absl::StrCat("'", TextOf(args[1]), "' holds ",
                               TextOf(args[0]).substr(0, 64),
                               ", not a whole number; sum and avg need them"));
  } else if (__builtin_add_overflow(*sum, sqlite3_value_int64(args[0]), sum)) {
    Fail(context, absl::StrCat("'", TextOf(args[1]),
                               "': the sum is out of range (beyond 64 bits)"));
  }
}

void IntegerSumFinal(sqlite3_context* context) {
  auto* sum = static_cast<int64_t*>(sqlite3_aggregate_context(context, 0));
  if (sum == nullptr) {
    sqlite3_result_null(context);
  } else {
    sqlite3_result_int64(context, *sum);
  }
}

// What crm_property, crm_property_json and crm_property_list return (the
// function's user data).
enum PropertyForm : intptr_t { kQueryValue, kJsonText, kListJson };

void ResultText(sqlite3_context* context, absl::string_view text) {
  sqlite3_result_text(context, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
}

void PropertyFunction(sqlite3_context* context, int, sqlite3_value** args) {
  auto form = static_cast<PropertyForm>(
      reinterpret_cast<intptr_t>(sqlite3_user_data(context)));
  const void* blob = sqlite3_value_blob(args[0]);
  absl::string_view body(static_cast<const char*>(blob),
                         blob == nullptr ? 0 : sqlite3_value_bytes(args[0]));
  absl::StatusOr<std::optional<BodyValue>> found =
      FindBodyProperty(body, TextOf(args[1]));
  if (!found.ok()) {
    std::string message(found.status().message());
    sqlite3_result_error(context, message.c_str(),
                         static_cast<int>(message.size()));
    sqlite3_result_error_code(context, SQLITE_CORRUPT);
    return;
  }
  if (!found->has_value() ||
      (form == kListJson && (*found)->kind != BodyValue::Kind::kList)) {
    sqlite3_result_null(context);
    return;
  }
  const BodyValue& value = **found;
  if (form != kQueryValue) {
    std::string json;
    AppendBodyValueJson(value, &json);
    ResultText(context, json);
    return;
  }
  SqlValue result = BodyValueForQuery(value);
  if (const auto* integer = std::get_if<int64_t>(&result)) {
    sqlite3_result_int64(context, *integer);
  } else if (const auto* real = std::get_if<double>(&result)) {
    sqlite3_result_double(context, *real);
  } else if (const auto* text = std::get_if<std::string>(&result)) {
    ResultText(context, *text);
  } else {
    sqlite3_result_null(context);
  }
}

}  // namespace

int RegisterSqlFunctions(sqlite3* db) {
  int rc = sqlite3_create_function_v2(
      db, "crm_decimal_sum", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
      nullptr, DecimalSumStep, DecimalSumFinal, nullptr);
  if (rc != SQLITE_OK) return rc;
  rc = sqlite3_create_function_v2(
      db, "crm_integer_sum", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
      nullptr, IntegerSumStep, IntegerSumFinal, nullptr);
  const struct {
    const char* name;
    PropertyForm form;
  } property_functions[] = {{"crm_property", kQueryValue},
                            {"crm_property_json", kJsonText},
                            {"crm_property_list", kListJson}};
  for (const auto& function : property_functions) {
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_create_function_v2(
        db, function.name, 2,
        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
        reinterpret_cast<void*>(function.form), PropertyFunction, nullptr,
        nullptr, nullptr);
  }
  return rc;
}

}  // namespace crm::store::sqlite
