#include "core/progress.h"

#include "base/error.h"

namespace crm::core {

absl::Status Progress::Update(int64_t items, int64_t bytes) {
  if (!report_) return absl::OkStatus();
  if (items - reported_items_ < kProgressItems &&
      bytes - reported_bytes_ < kProgressBytes) {
    return absl::OkStatus();
  }
  return Report(items, bytes);
}

absl::Status Progress::Finish(int64_t items, int64_t bytes) {
  if (!report_) return absl::OkStatus();
  return Report(items, bytes);
}

absl::Status Progress::Report(int64_t items, int64_t bytes) {
  reported_items_ = items;
  reported_bytes_ = bytes;
  if (report_(items, bytes, bytes_total_)) return absl::OkStatus();
  return MakeError(ErrorCode::kCancelled,
                   "the progress callback asked the call to stop");
}

}  // namespace crm::core
