// The peak resident memory of this process so far: what the scale targets
// ("peak memory stays under 256 MB") are checked against.
#ifndef CRM_BENCHMARKS_PEAK_RSS_H_
#define CRM_BENCHMARKS_PEAK_RSS_H_

#include <sys/resource.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace crm_bench {

// In MB: VmHWM of /proc/self/status, else getrusage's ru_maxrss.
inline double PeakRssMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024;  // kB on Linux
}

}  // namespace crm_bench

#endif  // CRM_BENCHMARKS_PEAK_RSS_H_
