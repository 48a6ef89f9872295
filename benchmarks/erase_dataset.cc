#include "erase_dataset.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <vector>

#include "cost_meter.h"
#include "store.h"

namespace crm_bench {

void RemoveWorkspace(const std::string& path) {
  std::error_code error;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix, error);
  }
}

namespace {

// Builds `path` with `fill` on a new libcrm workspace unless `path`.done
// exists; the build goes to a temporary name first, so that an interrupted
// one is never taken for a finished one.
std::string EnsureBuilt(const std::string& path,
                        const std::function<bool(Store*)>& fill,
                        double* generated_s) {
  const std::string done = path + ".done";
  *generated_s = 0;
  if (std::filesystem::exists(done) && std::filesystem::exists(path)) {
    return "";
  }
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(),
                                      error);
  const std::string building = path + ".building";
  RemoveWorkspace(building);
  CostMeter meter;
  {
    std::unique_ptr<Store> store = NewLibcrmStore();
    if (!store->Open(building) || !fill(store.get())) {
      return "building " + path + ": " + store->error();
    }
  }  // closed: the WAL is checkpointed into the file and removed
  *generated_s = meter.Stop().wall_s;
  std::filesystem::rename(building, path, error);
  if (error) return "renaming " + building + ": " + error.message();
  std::ofstream(done) << *generated_s << "\n";
  return "";
}

bool LoadCustomers(Store* store, const Sizes& sizes) {
  for (int64_t at = 0; at < sizes.customers; at += sizes.batch) {
    int64_t end = std::min(at + sizes.batch, sizes.customers);
    if (!store->CreateCustomers(MakeCustomers(sizes, at, end))) return false;
  }
  return true;
}

}  // namespace

int64_t EraseDatasetEventCustomer(const EraseDataset& dataset, int64_t i) {
  const int64_t every =
      std::max<int64_t>(1, dataset.sizes.events / dataset.person_events);
  if (i % every == 0) return 0;
  const int64_t spread = MakeSpreadEvent(dataset.sizes, i).customer;
  return spread == 0 ? 1 : spread;
}

std::string EnsureEraseDataset(const std::string& dir, EraseDataset* dataset) {
  const Sizes& sizes = dataset->sizes;
  dataset->path = dir + "/erase-" + std::to_string(sizes.customers) + "-" +
                  std::to_string(sizes.events) + "-" +
                  std::to_string(dataset->person_events) + ".crm";
  const EraseDataset& d = *dataset;
  auto fill = [&d](Store* store) {
    if (!LoadCustomers(store, d.sizes)) return false;
    for (int64_t at = 0; at < d.sizes.events; at += d.sizes.batch) {
      std::vector<Event> rows = MakeSpreadEvents(
          d.sizes, at, std::min(at + d.sizes.batch, d.sizes.events));
      for (size_t k = 0; k < rows.size(); ++k) {
        rows[k].customer =
            EraseDatasetEventCustomer(d, at + static_cast<int64_t>(k));
      }
      if (!store->AppendEvents(rows)) return false;
    }
    return true;
  };
  return EnsureBuilt(dataset->path, fill, &dataset->generated_s);
}

std::string EnsureSearchDataset(const std::string& dir, int64_t customers,
                                std::string* path, double* generated_s) {
  *path = dir + "/search-" + std::to_string(customers) + ".crm";
  Sizes sizes{customers, 1000, 10000};
  return EnsureBuilt(
      *path, [&sizes](Store* store) { return LoadCustomers(store, sizes); },
      generated_s);
}

}  // namespace crm_bench
