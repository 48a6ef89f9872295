// Times opening an existing workspace through the C ABI, in a fresh process:
//
//   crm_open_workspace PATH [warm_opens]
//
// First a cold open: the file's pages (and its -wal/-shm, if any) are
// dropped from the page cache with posix_fadvise(POSIX_FADV_DONTNEED), which
// touches no other file, then crm_open() is timed, and then a first read
// (crm_customer_get of id 1). Then `warm_opens` (default 5) more opens and
// closes, whose median is reported. Prints one JSON object: path, bytes (the
// file with its -wal), cold_open_ms, cold_first_read_ms, warm_open_ms and
// peak_rss_mb (VmHWM). Exits 1 if the workspace cannot be opened.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "crm/crm.h"
#include "peak_rss.h"

namespace {

double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// Drops `path` from the page cache; returns its size (0 if it is missing).
long long Evict(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return 0;
  fdatasync(fd);  // dirty pages cannot be dropped
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  long long size = lseek(fd, 0, SEEK_END);
  close(fd);
  return size;
}

crm_db* Open(const char* path) {
  crm_open_options options = CRM_OPEN_OPTIONS_INIT;
  options.flags = 0;  // an existing workspace only
  crm_db* db = nullptr;
  if (crm_open(&db, path, &options) != CRM_OK) {
    std::fprintf(stderr, "crm_open %s: %s: %s\n", path,
                 crm_status_name(crm_last_error_code()),
                 crm_last_error_message());
    std::exit(1);
  }
  return db;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PATH [warm_opens]\n", argv[0]);
    return 2;
  }
  const char* path = argv[1];
  int warm = argc > 2 ? std::atoi(argv[2]) : 5;
  long long bytes = Evict(path) + Evict(std::string(path) + "-wal");
  Evict(std::string(path) + "-shm");
  using Clock = std::chrono::steady_clock;

  Clock::time_point start = Clock::now();
  crm_db* db = Open(path);
  Clock::time_point opened = Clock::now();
  crm_record* record = nullptr;
  crm_customer_get(&record, db, 1);  // CRM_E_NOT_FOUND is a read too
  Clock::time_point read = Clock::now();
  crm_record_free(record);
  crm_close(db);

  std::vector<double> warm_ms;
  for (int i = 0; i < warm; ++i) {
    Clock::time_point at = Clock::now();
    db = Open(path);
    warm_ms.push_back(Ms(Clock::now() - at));
    crm_close(db);
  }
  std::sort(warm_ms.begin(), warm_ms.end());
  double median = warm_ms.empty() ? 0 : warm_ms[warm_ms.size() / 2];
  std::printf(
      "{\"path\": \"%s\", \"bytes\": %lld, \"cold_open_ms\": %.3f, "
      "\"cold_first_read_ms\": %.3f, \"warm_open_ms\": %.3f, "
      "\"peak_rss_mb\": %.1f}\n",
      path, bytes, Ms(opened - start), Ms(read - opened), median,
      crm_bench::PeakRssMb());
  return 0;
}
