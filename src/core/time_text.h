// Dates and times as libcrm stores and prints them.
#ifndef CRM_CORE_TIME_TEXT_H_
#define CRM_CORE_TIME_TEXT_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::core {

// The range every datetime must lie in: years 0001 to 9999, in UTC
// microseconds since the Unix epoch.
inline constexpr int64_t kMinDateTimeUs = -62135596800000000;
inline constexpr int64_t kMaxDateTimeUs = 253402300799999999;

// Checks a calendar date "YYYY-MM-DD" (years 0001-9999).
absl::Status CheckDate(absl::string_view text);

// Checks that a datetime lies in [kMinDateTimeUs, kMaxDateTimeUs].
absl::Status CheckDateTime(int64_t us);

// Parses RFC 3339 text ("2024-03-01T09:30:00Z", "...+02:00",
// fractional seconds to the microsecond) into UTC microseconds.
absl::StatusOr<int64_t> ParseDateTime(absl::string_view text);

// "2024-03-01T09:30:00.000001Z" style text (fraction only when non-zero).
std::string FormatDateTime(int64_t us);

// Microseconds since 1970-01-01 for a date at midnight UTC.
absl::StatusOr<int64_t> DateToDateTime(absl::string_view date);

// The current UTC time in microseconds.
int64_t NowMicros();

}  // namespace crm::core

#endif  // CRM_CORE_TIME_TEXT_H_
