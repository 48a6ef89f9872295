// Exact decimals as scaled 64-bit integers: "12.50" at scale 2 is 1250.
#ifndef CRM_BASE_DECIMAL_H_
#define CRM_BASE_DECIMAL_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm {

// The largest scale a decimal field may have.
inline constexpr int kMaxDecimalScale = 9;

// Parses "[-+]digits[.digits]" into units of 10^-scale. More fractional
// digits than `scale` (unless they are zeros), no digits, or a value outside
// int64 fail with a validation error (rule "scale" or "format").
absl::StatusOr<int64_t> ParseDecimal(absl::string_view text, int scale);

// The number of digits after the point in decimal text ("12.50": 2).
int DecimalScale(absl::string_view text);

// The text form with exactly `scale` fractional digits, e.g. "-0.05".
std::string FormatDecimal(int64_t scaled, int scale);

// `value` multiplied by 10^`digits`, or an error on overflow.
absl::StatusOr<int64_t> ScaleUp(int64_t value, int digits);

// An exact running sum of decimal texts of mixed scales ("12.5" + "0.25" is
// "12.75"). Trivially destructible.
class DecimalSum {
 public:
  // Adds "[-+]digits[.digits]" with at most kMaxDecimalScale fractional
  // digits. Other text, or a sum outside int64 at the widest scale seen,
  // fails with a validation error (rule "format", "scale" or "max") and
  // leaves the sum as it was.
  absl::Status Add(absl::string_view text);
  // True until a value has been added.
  bool empty() const { return !any_; }
  // The largest number of fractional digits among the values added.
  int scale() const { return scale_; }
  // The sum in units of 10^-scale().
  int64_t scaled() const { return scaled_; }

 private:
  int64_t scaled_ = 0;
  int scale_ = 0;
  bool any_ = false;
};

}  // namespace crm

#endif  // CRM_BASE_DECIMAL_H_
