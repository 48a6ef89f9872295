// Exact decimals as scaled 64-bit integers: "12.50" at scale 2 is 1250.
#ifndef CRM_CORE_DECIMAL_H_
#define CRM_CORE_DECIMAL_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::core {

// The largest scale a decimal field may have.
inline constexpr int kMaxDecimalScale = 9;

// Parses "[-+]digits[.digits]" into units of 10^-scale. More fractional
// digits than `scale` (unless they are zeros), no digits, or a value outside
// int64 fail with a validation error (rule "scale" or "format").
absl::StatusOr<int64_t> ParseDecimal(absl::string_view text, int scale);

// The text form with exactly `scale` fractional digits, e.g. "-0.05".
std::string FormatDecimal(int64_t scaled, int scale);

// `value` multiplied by 10^`digits`, or an error on overflow.
absl::StatusOr<int64_t> ScaleUp(int64_t value, int digits);

}  // namespace crm::core

#endif  // CRM_CORE_DECIMAL_H_
