// What the cost programs (access_costs.cc, valid_time.cc) share: answers
// checked without stopping the run (a wrong one fails the exit status),
// times as the mean over calls and the median over rounds, and
// "--name=value" flags.
#ifndef CRM_BENCHMARKS_CHECKED_RUN_H_
#define CRM_BENCHMARKS_CHECKED_RUN_H_

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "crm/crm.h"

namespace crm_bench {

// Whether any answer was wrong so far.
inline bool& Failed() {
  static bool failed = false;
  return failed;
}

// Reports a wrong answer (with libcrm's last error) and marks the run
// failed.
inline void Fail(const std::string& what) {
  std::fprintf(stderr, "WRONG: %s (%s)\n", what.c_str(),
               crm_last_error_message());
  Failed() = true;
}

inline void Check(int rc, const std::string& what) {
  if (rc != CRM_OK) Fail(what);
}

// Mean nanoseconds per call of `op` over `ops` calls.
inline double Time(int ops, const std::function<void(int)>& op) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < ops; ++i) op(i);
  auto elapsed = std::chrono::duration<double, std::nano>(
      std::chrono::steady_clock::now() - start);
  return elapsed.count() / ops;
}

inline double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// A whole-number flag: `name` such as "--customers=", and where it goes.
struct IntFlag {
  const char* name;
  int* value;
};

// Reads "--name=value" arguments into `ints`, and "--path=FILE" into
// `path`; any other argument ends the program with status 2.
inline void ParseFlags(int argc, char** argv,
                       std::initializer_list<IntFlag> ints, std::string* path) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool known = false;
    for (const IntFlag& flag : ints) {
      size_t n = std::strlen(flag.name);
      if (arg.compare(0, n, flag.name) != 0) continue;
      *flag.value = std::atoi(arg.c_str() + n);
      known = true;
    }
    if (!known && arg.compare(0, 7, "--path=") == 0) {
      *path = arg.substr(7);
      known = true;
    }
    if (!known) {
      std::fprintf(stderr, "unknown flag %s\n", arg.c_str());
      std::exit(2);
    }
  }
}

// Opens the workspace file `path`, or when it is empty `file_name` in a new
// temporary directory, whose path goes to *made_dir (the caller removes it).
// Null, with the error printed, when libcrm cannot open it; the caller owns
// the handle.
inline crm_db* OpenWorkspace(const std::string& path, const char* file_name,
                             std::string* made_dir) {
  std::string file = path;
  if (file.empty()) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "crm-bench-XXXXXX").string();
    *made_dir = mkdtemp(pattern.data());
    file = *made_dir + "/" + file_name;
  }
  crm_db* db = nullptr;
  if (crm_open(&db, file.c_str(), nullptr) != CRM_OK) {
    std::fprintf(stderr, "open %s: %s\n", file.c_str(),
                 crm_last_error_message());
    return nullptr;
  }
  return db;
}

}  // namespace crm_bench

#endif  // CRM_BENCHMARKS_CHECKED_RUN_H_
