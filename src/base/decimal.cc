#include "base/decimal.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "base/error.h"

namespace crm {
namespace {

absl::Status FormatError(absl::string_view text) {
  return MakeError(
      ErrorCode::kValidation,
      absl::StrCat("'", text.substr(0, 64), "' is not a decimal number"), "",
      Rule::kFormat);
}

absl::Status RangeError(absl::string_view text) {
  return MakeError(
      ErrorCode::kValidation,
      absl::StrCat("'", text.substr(0, 64), "' is out of range for a decimal"),
      "", Rule::kMax);
}

}  // namespace

absl::StatusOr<int64_t> ScaleUp(int64_t value, int digits) {
  for (int i = 0; i < digits; ++i) {
    if (__builtin_mul_overflow(value, 10, &value)) {
      return RangeError(std::to_string(value));
    }
  }
  return value;
}

absl::StatusOr<int64_t> ParseDecimal(absl::string_view text, int scale) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  // Accumulate as a negative number so that INT64_MIN parses.
  int64_t value = 0;
  int digits = 0, fraction_digits = 0;
  bool in_fraction = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !in_fraction) {
      in_fraction = true;
      continue;
    }
    if (c < '0' || c > '9') return FormatError(text);
    ++digits;
    if (in_fraction) {
      if (fraction_digits == scale) {
        if (c != '0') {
          return MakeError(
              ErrorCode::kValidation,
              absl::StrCat("'", text.substr(0, 64), "' has more than ", scale,
                           " digits after the decimal point"),
              "", Rule::kScale);
        }
        continue;
      }
      ++fraction_digits;
    }
    if (__builtin_mul_overflow(value, 10, &value) ||
        __builtin_sub_overflow(value, c - '0', &value)) {
      return RangeError(text);
    }
  }
  if (digits == 0) return FormatError(text);
  for (; fraction_digits < scale; ++fraction_digits) {
    if (__builtin_mul_overflow(value, 10, &value)) return RangeError(text);
  }
  if (!negative) {
    if (value == INT64_MIN) return RangeError(text);
    value = -value;
  }
  return value;
}

int DecimalScale(absl::string_view text) {
  size_t point = text.find('.');
  return point == absl::string_view::npos
             ? 0
             : static_cast<int>(text.size() - point - 1);
}

absl::Status DecimalSum::Add(absl::string_view text) {
  int digits = DecimalScale(text);
  if (digits > kMaxDecimalScale) {
    return MakeError(
        ErrorCode::kValidation,
        absl::StrCat("'", text.substr(0, 64), "' has more than ",
                     kMaxDecimalScale, " digits after the decimal point"),
        "", Rule::kScale);
  }
  int scale = any_ && scale_ > digits ? scale_ : digits;
  absl::StatusOr<int64_t> value = ParseDecimal(text, scale);
  if (!value.ok()) return value.status();
  absl::StatusOr<int64_t> sum = ScaleUp(scaled_, scale - scale_);
  if (!sum.ok() || __builtin_add_overflow(*sum, *value, &*sum)) {
    return MakeError(ErrorCode::kValidation,
                     absl::StrCat("adding '", text.substr(0, 64),
                                  "' takes the sum out of range"),
                     "", Rule::kMax);
  }
  scaled_ = *sum;
  scale_ = scale;
  any_ = true;
  return absl::OkStatus();
}

std::string FormatDecimal(int64_t scaled, int scale) {
  bool negative = scaled < 0;
  // Work on the unsigned magnitude so that INT64_MIN formats.
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(scaled)
                                : static_cast<uint64_t>(scaled);
  std::string digits = std::to_string(magnitude);
  size_t width = static_cast<size_t>(scale) + 1;
  if (digits.size() < width)
    digits = std::string(width - digits.size(), '0') + digits;
  std::string out = negative ? "-" : "";
  size_t integer_digits = digits.size() - static_cast<size_t>(scale);
  out.append(digits, 0, integer_digits);
  if (scale > 0) {
    out.push_back('.');
    out.append(digits, integer_digits, std::string::npos);
  }
  return out;
}

}  // namespace crm
