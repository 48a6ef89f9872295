#include "store/sqlite/sql_functions.h"

#include <sqlite3.h>

#include <new>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/decimal.h"
#include "base/error.h"

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

}  // namespace

int RegisterSqlFunctions(sqlite3* db) {
  int rc = sqlite3_create_function_v2(
      db, "crm_decimal_sum", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
      nullptr, DecimalSumStep, DecimalSumFinal, nullptr);
  if (rc != SQLITE_OK) return rc;
  return sqlite3_create_function_v2(
      db, "crm_integer_sum", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
      nullptr, IntegerSumStep, IntegerSumFinal, nullptr);
}

}  // namespace crm::store::sqlite
