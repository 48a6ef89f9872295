#include "cost_meter.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>

namespace crm_bench {
namespace {

double WallSeconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// "wchar" of /proc/self/io; 0 where the kernel does not offer it.
int64_t WrittenBytes() {
  std::ifstream io("/proc/self/io");
  std::string line;
  while (std::getline(io, line)) {
    if (line.rfind("wchar:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return 0;
}

}  // namespace

CostMeter::CostMeter()
    : wall_s_(WallSeconds()), cpu_s_(CpuSeconds()), written_(WrittenBytes()) {}

Cost CostMeter::Stop() const {
  Cost cost;
  cost.wall_s = WallSeconds() - wall_s_;
  cost.cpu_s = CpuSeconds() - cpu_s_;
  cost.written = WrittenBytes() - written_;
  return cost;
}

int64_t FileBytes(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 ? static_cast<int64_t>(info.st_size)
                                        : 0;
}

Summary Summarize(std::vector<double> values) {
  Summary summary;
  if (values.empty()) return summary;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  summary.median =
      n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  if (n > 1 && summary.median != 0) {
    summary.spread = (values.back() - values.front()) / summary.median;
  }
  return summary;
}

}  // namespace crm_bench
