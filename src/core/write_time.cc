#include "core/write_time.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/time_text.h"

namespace crm::core {

absl::StatusOr<int64_t> ClampToNow(int64_t us, int64_t now_us,
                                   const char* field) {
  if (us < kMinDateTimeUs || us > kMaxDateTimeUs) {
    return MakeError(
        ErrorCode::kValidation,
        absl::StrCat(field, " ", us, " us is outside the years 0001 to 9999"),
        field, Rule::kRange);
  }
  if (us <= now_us) return us;
  if (us - now_us <= kClockSkewUs) return now_us;
  return MakeError(ErrorCode::kValidation,
                   absl::StrCat(field, " ", FormatDateTime(us),
                                " lies in the future; libcrm keeps no "
                                "scheduled changes"),
                   field, Rule::kFuture);
}

absl::StatusOr<AppliedTime> ApplyWriteTime(const WriteTime& time,
                                           int64_t now_us) {
  AppliedTime applied;
  applied.now_us = now_us;
  applied.effective_at_us = now_us;
  if (time.effective_at) {
    CRM_ASSIGN_OR_RETURN(
        applied.effective_at_us,
        ClampToNow(*time.effective_at, now_us, "effective_at"));
  }
  if (!time.bounded()) return applied;
  CRM_ASSIGN_OR_RETURN(
      applied.effective_until_us,
      ClampToNow(time.effective_until, now_us, "effective_until"));
  if (applied.effective_until_us <= applied.effective_at_us) {
    return MakeError(ErrorCode::kValidation,
                     "effective_until must lie after effective_at",
                     "effective_until", Rule::kRange);
  }
  return applied;
}

}  // namespace crm::core
