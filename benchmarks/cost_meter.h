// What a measured step cost this process, and the median and spread of
// repeated measurements, for the erase-cost program (erase_costs.cc).
// Linux only (/proc/self/io). Not thread-safe: a meter measures the whole
// process, so nothing else may run in it while one is running.
#ifndef CRM_BENCHMARKS_COST_METER_H_
#define CRM_BENCHMARKS_COST_METER_H_

#include <cstdint>
#include <string>
#include <vector>

namespace crm_bench {

struct Cost {
  double wall_s = 0;  // elapsed (steady clock)
  double cpu_s = 0;   // user + system CPU time of the process
  // Bytes the process handed to write calls (/proc/self/io "wchar"): WAL
  // frames, database pages written by a checkpoint, any other file. Counted
  // before the page cache, so it is what SQLite wrote, not what the disk did.
  int64_t written = 0;
};

// Starts measuring when constructed; Stop() returns the cost since then.
class CostMeter {
 public:
  CostMeter();
  Cost Stop() const;

 private:
  double wall_s_;
  double cpu_s_;
  int64_t written_;
};

// The size of the file at `path` in bytes, 0 when there is none.
int64_t FileBytes(const std::string& path);

// The median of `values` and their spread: (largest - smallest) / median,
// 0 for fewer than two values or a zero median.
struct Summary {
  double median = 0;
  double spread = 0;
};
Summary Summarize(std::vector<double> values);

}  // namespace crm_bench

#endif  // CRM_BENCHMARKS_COST_METER_H_
