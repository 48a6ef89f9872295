// The valid time of a write (crm.h "Write options and results" and "Valid
// time" rules 5): when the written values hold from and, for a correction,
// until when; and what a write did.
#ifndef CRM_CORE_WRITE_TIME_H_
#define CRM_CORE_WRITE_TIME_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "core/duplicates/pair_score.h"

namespace crm::core {

// crm.h CRM_CLOCK_SKEW_US: how far ahead of the clock a valid time is now.
inline constexpr int64_t kClockSkewUs = 60000000;

// A write's valid time as the caller gave it (crm_write_options).
struct WriteTime {
  // From when the values hold; unset: the time of the call.
  std::optional<int64_t> effective_at;
  // Until when a correction holds (exclusive); INT64_MAX: open.
  int64_t effective_until = INT64_MAX;

  // The duplicate check (crm.h "Duplicates"): the operation whose rule
  // actions apply (unset: kCreate for a create, kUpdate for an update), and
  // whether the caller skips it (CRM_DUPLICATE_CHECK_SKIP).
  std::optional<duplicates::Operation> duplicate_operation;
  bool skip_duplicate_check = false;

  bool bounded() const { return effective_until != INT64_MAX; }
};

// A WriteTime checked against the clock.
struct AppliedTime {
  int64_t now_us = 0;
  int64_t effective_at_us = 0;  // now_us when not given or within the skew
  int64_t effective_until_us = INT64_MAX;
};

// A valid time `us` named `field` ("effective_at", "effective_until",
// "created_at") taken at `now_us`: up to kClockSkewUs ahead is now;
// further ahead is kValidation rule kFuture; outside the datetime range
// kValidation rule kRange; both naming `field`.
absl::StatusOr<int64_t> ClampToNow(int64_t us, int64_t now_us,
                                   const char* field);

// Checks `time` at `now_us` (rule 5 but before_created, which needs the
// record): a time too far ahead, an effective_until at or before
// effective_at (kValidation rule kRange naming "effective_until").
absl::StatusOr<AppliedTime> ApplyWriteTime(const WriteTime& time,
                                           int64_t now_us);

// What a write did (crm_write_result).
struct WriteOutcome {
  int64_t id = 0;
  int64_t version = 0;  // as the session sees it (visible_stamp.h)
  bool created = false;
  int64_t effective_at_us = 0;
  bool changed_current = false;
  // Duplicate candidates a "warn" rule found
  // (crm_write_result_candidates_json).
  std::vector<duplicates::Candidate> candidates;
};

}  // namespace crm::core

#endif  // CRM_CORE_WRITE_TIME_H_
