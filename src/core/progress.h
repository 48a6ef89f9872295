// Progress of the long calls that move data (import, export, dump, load,
// backup, restore): reports to the host, and the host's way to stop them
// (crm.h, crm_progress_fn).
#ifndef CRM_CORE_PROGRESS_H_
#define CRM_CORE_PROGRESS_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"

namespace crm::core {

// The host's callback: (items done, bytes done, bytes in total or -1);
// returns false to stop the call.
using ProgressFn = std::function<bool(int64_t, int64_t, int64_t)>;

// Reports at most once per kProgressItems items or kProgressBytes bytes, and
// once at the end. Used by one call on one thread; not thread-safe.
class Progress {
 public:
  static constexpr int64_t kProgressItems = 10000;
  static constexpr int64_t kProgressBytes = int64_t{1} << 20;

  // `report` may be empty: then nothing is reported and nothing stops.
  explicit Progress(ProgressFn report = nullptr, int64_t bytes_total = -1)
      : report_(std::move(report)), bytes_total_(bytes_total) {}

  void set_bytes_total(int64_t bytes_total) { bytes_total_ = bytes_total; }

  // The totals done so far (never smaller than the last ones given).
  // Reports when enough has passed since the last report; kCancelled
  // (naming what stopped) when the host asked to stop.
  absl::Status Update(int64_t items, int64_t bytes);
  // Reports the final totals, always; kCancelled when the host asks to
  // stop even then (the call is not complete until it returns).
  absl::Status Finish(int64_t items, int64_t bytes);

 private:
  absl::Status Report(int64_t items, int64_t bytes);

  ProgressFn report_;
  int64_t bytes_total_;
  int64_t reported_items_ = 0;
  int64_t reported_bytes_ = 0;
};

}  // namespace crm::core

#endif  // CRM_CORE_PROGRESS_H_
