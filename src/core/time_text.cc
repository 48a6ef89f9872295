#include "core/time_text.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/error.h"

namespace crm::core {
namespace {

absl::Status FormatError(absl::string_view text, absl::string_view expected) {
  return MakeError(ErrorCode::kValidation,
                   absl::StrCat("'", text.substr(0, 64), "' is not ", expected),
                   "", Rule::kFormat);
}

}  // namespace

absl::Status CheckDate(absl::string_view text) {
  bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-';
  int parts[3] = {0, 0, 0};
  for (size_t i = 0; shaped && i < text.size(); ++i) {
    if (i == 4 || i == 7) continue;
    shaped = text[i] >= '0' && text[i] <= '9';
    int part = i < 4 ? 0 : i < 7 ? 1 : 2;
    parts[part] = parts[part] * 10 + (text[i] - '0');
  }
  // CivilDay normalises out-of-range months and days; a real date survives.
  absl::CivilDay day(parts[0], parts[1], parts[2]);
  if (!shaped || parts[0] < 1 || day.year() != parts[0] ||
      day.month() != parts[1] || day.day() != parts[2]) {
    return FormatError(text, "a date of the form YYYY-MM-DD");
  }
  return absl::OkStatus();
}

absl::Status CheckDateTime(int64_t us) {
  if (us < kMinDateTimeUs || us > kMaxDateTimeUs) {
    return MakeError(
        ErrorCode::kValidation,
        absl::StrCat("datetime ", us, " us is outside the years 0001 to 9999"),
        "", Rule::kRange);
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ParseDateTime(absl::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return FormatError(text,
                       "an RFC 3339 datetime such as "
                       "2024-03-01T09:30:00Z");
  }
  int64_t us = absl::ToUnixMicros(time);
  CRM_RETURN_IF_ERROR(CheckDateTime(us));
  return us;
}

std::string FormatDateTime(int64_t us) {
  const char* format =
      us % 1000000 == 0 ? "%Y-%m-%d%ET%H:%M:%SZ" : "%Y-%m-%d%ET%H:%M:%E6SZ";
  return absl::FormatTime(format, absl::FromUnixMicros(us),
                          absl::UTCTimeZone());
}

absl::StatusOr<int64_t> DateToDateTime(absl::string_view date) {
  CRM_RETURN_IF_ERROR(CheckDate(date));
  absl::CivilDay day;
  absl::ParseCivilTime(date, &day);  // cannot fail after CheckDate
  return absl::ToUnixMicros(absl::FromCivil(day, absl::UTCTimeZone()));
}

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

}  // namespace crm::core
