// Feeds bytes to the PostgreSQL backend's reader of stored customer values
// (StoredValue: the server's `jsonb_typeof(data -> column)` and
// `data ->> column` to a SqlValue) and to its writers (StoredText, JsonOf),
// and aborts when their contracts break:
//  - reading gives a value or a damaged-value error (kIo, rule "damaged",
//    naming the column), never kInternal or a crash; an absent key reads
//    NULL, a JSON string its text, a JSON number an integer or a finite
//    double, any other JSON type an error;
//  - a value read back and written again (StoredText) reads back the same,
//    bit for bit for doubles;
//  - a value written reads back the same; a double is written in plain
//    notation with a fraction (so that it reads back as a double, and
//    `numeric` keeps it whole); JsonOf of a text is a JSON string that
//    decodes to the text; NULL has no stored text.
//
// Input: the first byte is the mode, the rest the text or the value.
//  - mode bit 0x80 clear (reading): bit 0 the key is absent; bits 1-3 the
//    type (string, number, boolean, null, object, array, number again, or
//    the rest up to its first '\n', the text after it); the rest the text.
//  - mode bit 0x80 set (writing): bits 0-1 pick an int64 or a double from
//    the rest's first 8 bytes, a text (the rest), or NULL.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/error.h"
#include "invariant.h"
#include "store/postgres/stored_value.h"
#include "store/sql_value.h"

namespace {

using crm::store::SqlValue;
using crm::store::postgres::JsonOf;
using crm::store::postgres::StoredText;
using crm::store::postgres::StoredValue;

constexpr absl::string_view kColumn = "f_12";

// Equal, and for doubles the same bits (-0.0 is not 0.0).
bool Same(const SqlValue& a, const SqlValue& b) {
  const double* x = std::get_if<double>(&a);
  const double* y = std::get_if<double>(&b);
  if (x != nullptr && y != nullptr) {
    return std::bit_cast<uint64_t>(*x) == std::bit_cast<uint64_t>(*y);
  }
  return a == b;
}

std::string Describe(const SqlValue& value) {
  if (const int64_t* integer = std::get_if<int64_t>(&value)) {
    return absl::StrCat("integer ", *integer);
  }
  if (const double* number = std::get_if<double>(&value)) {
    return absl::StrCat("double bits ", std::bit_cast<uint64_t>(*number));
  }
  if (const std::string* text = std::get_if<std::string>(&value)) {
    return absl::StrCat("text '", *text, "'");
  }
  return crm::store::IsNull(value) ? "NULL" : "blob";
}

// The jsonb_typeof() name of a non-null value.
absl::string_view TypeOf(const SqlValue& value) {
  return std::holds_alternative<std::string>(value) ? "string" : "number";
}

// The text of a JSON string token in the forms JsonOf writes (\" \\, \n
// \r \t and \u00XX escapes; no raw control bytes), nullopt for anything
// else.
std::optional<std::string> JsonStringText(absl::string_view json) {
  if (json.size() < 2 || json.front() != '"' || json.back() != '"') {
    return std::nullopt;
  }
  std::string text;
  for (size_t i = 1; i + 1 < json.size(); ++i) {
    char c = json[i];
    if (static_cast<unsigned char>(c) < 0x20 || c == '"') return std::nullopt;
    if (c != '\\') {
      text.push_back(c);
      continue;
    }
    if (i + 2 >= json.size()) return std::nullopt;
    char escaped = json[++i];
    if (escaped == '"' || escaped == '\\') {
      text.push_back(escaped);
    } else if (escaped == 'n' || escaped == 'r' || escaped == 't') {
      text.push_back(escaped == 'n' ? '\n' : escaped == 'r' ? '\r' : '\t');
    } else if (escaped == 'u' && i + 5 < json.size() &&
               json.substr(i + 1, 2) == "00") {
      unsigned value = 0;
      for (char digit : json.substr(i + 3, 2)) {
        if (digit >= '0' && digit <= '9') {
          value = value * 16 + (digit - '0');
        } else if (digit >= 'a' && digit <= 'f') {
          value = value * 16 + (digit - 'a' + 10);
        } else {
          return std::nullopt;
        }
      }
      text.push_back(static_cast<char>(value));
      i += 4;
    } else {
      return std::nullopt;
    }
  }
  return text;
}

// Writes `value` and reads it back; `value` came from `origin` (for the
// message). The writer refuses exactly the values the contract names (a
// NUL byte in text, which jsonb cannot hold; a double that is not finite;
// NULL), with kInvalidArgument.
void CheckRoundTrip(const SqlValue& value, absl::string_view origin) {
  absl::StatusOr<std::string> text = StoredText(value);
  absl::StatusOr<std::string> json = JsonOf(value);
  const std::string* string = std::get_if<std::string>(&value);
  const double* number = std::get_if<double>(&value);
  bool refused =
      crm::store::IsNull(value) ||
      (string != nullptr && string->find('\0') != std::string::npos) ||
      (number != nullptr && !std::isfinite(*number));
  CRM_FUZZ_REQUIRE(
      text.ok() != refused && json.ok() != refused,
      absl::StrCat(Describe(value), ": ", text.status().ToString()));
  if (refused) {
    CRM_FUZZ_REQUIRE(
        crm::CodeOf(text.status()) == crm::ErrorCode::kInvalidArgument &&
            crm::CodeOf(json.status()) == crm::ErrorCode::kInvalidArgument,
        text.status().ToString());
    return;
  }
  if (std::holds_alternative<double>(value)) {
    CRM_FUZZ_REQUIRE(text->find_first_of("eE") == std::string::npos &&
                         text->find('.') != std::string::npos,
                     *text);
  }
  if (std::holds_alternative<std::string>(value)) {
    CRM_FUZZ_REQUIRE(JsonStringText(*json) == *text, *json);
  } else {
    CRM_FUZZ_REQUIRE(*json == *text, *json);
  }
  absl::StatusOr<SqlValue> back =
      StoredValue(false, TypeOf(value), *text, kColumn);
  CRM_FUZZ_REQUIRE(
      back.ok() && Same(*back, value),
      absl::StrCat(Describe(value), " from ", origin, " written as '", *text,
                   "' reads back ",
                   back.ok() ? Describe(*back) : back.status().ToString()));
}

void Read(uint8_t mode, absl::string_view rest) {
  static constexpr absl::string_view kTypes[] = {
      "string", "number", "boolean", "null", "object", "array", "number"};
  bool absent = (mode & 1) != 0;
  size_t type_index = (mode >> 1) & 7;
  absl::string_view type;
  absl::string_view text = rest;
  if (type_index < 7) {
    type = kTypes[type_index];
  } else {
    size_t newline = rest.find('\n');
    type = rest.substr(0, newline);
    text = newline == absl::string_view::npos ? absl::string_view()
                                              : rest.substr(newline + 1);
  }
  absl::StatusOr<SqlValue> value = StoredValue(absent, type, text, kColumn);
  std::string origin = absl::StrCat(type, " '", text, "'");
  if (!value.ok()) {
    CRM_FUZZ_REQUIRE(!absent && type != "string", origin);
    CRM_FUZZ_REQUIRE(crm::CodeOf(value.status()) == crm::ErrorCode::kIo &&
                         crm::RuleIdOf(value.status()) == crm::Rule::kDamaged &&
                         crm::FieldOf(value.status()) == kColumn,
                     value.status().ToString());
    return;
  }
  if (absent) {
    CRM_FUZZ_REQUIRE(crm::store::IsNull(*value), Describe(*value));
    return;
  }
  if (type == "string") {
    CRM_FUZZ_REQUIRE(Same(*value, SqlValue(std::string(text))),
                     Describe(*value));
  } else {
    // A number is read by its token's form: digits alone an integer, a
    // fraction or an exponent a double.
    const double* number = std::get_if<double>(&*value);
    bool integer_form = text.find_first_of(".eE") == absl::string_view::npos;
    CRM_FUZZ_REQUIRE(
        type == "number" &&
            (integer_form ? std::holds_alternative<int64_t>(*value)
                          : number != nullptr && std::isfinite(*number)),
        absl::StrCat(origin, " read as ", Describe(*value)));
  }
  CheckRoundTrip(*value, origin);
}

void Write(uint8_t mode, absl::string_view rest) {
  uint64_t bits = 0;
  std::memcpy(&bits, rest.data(), std::min<size_t>(rest.size(), 8));
  switch (mode & 3) {
    case 0:
      CheckRoundTrip(SqlValue(std::bit_cast<int64_t>(bits)), "the input");
      break;
    case 1:
      CheckRoundTrip(SqlValue(std::bit_cast<double>(bits)), "the input");
      break;
    case 2:
      CheckRoundTrip(SqlValue(std::string(rest)), "the input");
      break;
    default:
      CheckRoundTrip(SqlValue(), "the input");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 0x80) == 0) {
    Read(data[0], rest);
  } else {
    Write(data[0], rest);
  }
  return 0;
}
