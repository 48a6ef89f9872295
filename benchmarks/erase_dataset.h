// The workspace issue #19's erase target is measured on: customers as
// dataset.h makes them, and events of which every (events /
// person_events)-th belongs to one person (customer index 0, external id
// "ERP-0") and the rest are spread over everybody else (MakeSpreadEvent).
// Built once through libcrm's C ABI and kept, so that runs copy it instead of
// building it again.
#ifndef CRM_BENCHMARKS_ERASE_DATASET_H_
#define CRM_BENCHMARKS_ERASE_DATASET_H_

#include <cstdint>
#include <string>

#include "dataset.h"

namespace crm_bench {

struct EraseDataset {
  Sizes sizes{100000, 1000000, 10000};
  int64_t person_events = 10000;
  // Set by EnsureEraseDataset: the kept workspace file, and how long
  // building it took (0 when it was there already).
  std::string path;
  double generated_s = 0;
};

// The customer index of event `i`'s customer in `dataset`.
int64_t EraseDatasetEventCustomer(const EraseDataset& dataset, int64_t i);

// Builds the workspace `dir`/erase-<customers>-<events>-<person_events>.crm
// unless a finished one is there (its ".done" marker, written last, holds
// the build's seconds). Returns "" when the file is ready, else why not.
std::string EnsureEraseDataset(const std::string& dir, EraseDataset* dataset);

// Builds (or finds, like EnsureEraseDataset) `dir`/search-<customers>.crm:
// `customers` customers and no events, the search index as loading them
// left it. Sets *path; returns "" or why not.
std::string EnsureSearchDataset(const std::string& dir, int64_t customers,
                                std::string* path, double* generated_s);

// Removes the workspace file `path` with its -wal and -shm, if there.
void RemoveWorkspace(const std::string& path);

}  // namespace crm_bench

#endif  // CRM_BENCHMARKS_ERASE_DATASET_H_
