// Allocation faults for libcrm's tests: SQLite's allocator wrapped with
// sqlite3_config(SQLITE_CONFIG_MALLOC), and C++ operator new replaced for
// the whole process (libcrm.so, libstdc++, protobuf and Abseil bind to the
// executable's definition). Either fails its Nth allocation made inside a
// libcrm call once armed. Link alloc_faults.cc only into an executable of
// its own: it replaces operator new.
#ifndef CRM_TESTS_RELIABILITY_ALLOC_FAULTS_H_
#define CRM_TESTS_RELIABILITY_ALLOC_FAULTS_H_

#include <atomic>
#include <cstdint>

#include "fault_workload.h"

namespace crm_reliability {

// Counts the allocations made inside libcrm calls once armed, and fails the
// nth (once). Lock-free: it runs inside the allocator.
class AllocFaults : public FaultSource {
 public:
  void Arm(int64_t nth) override;
  void Disarm() override { armed_ = false; }
  int64_t Calls() const override { return calls_.load(); }
  int64_t Fired() const override { return fired_.load(); }
  void EnterLibrary() override { inside_ = true; }
  void LeaveLibrary() override { inside_ = false; }

  // True when this allocation must fail.
  bool Fail();

 private:
  std::atomic<bool> armed_{false};
  std::atomic<bool> inside_{false};
  std::atomic<int64_t> fail_at_{0};
  std::atomic<int64_t> calls_{0};
  std::atomic<int64_t> fired_{0};
};

// The allocations through SQLite's allocator (xMalloc and xRealloc).
AllocFaults& SqliteAllocFaults();
// The allocations through operator new and new[] (a failure throws
// std::bad_alloc; the nothrow forms return NULL).
AllocFaults& CxxAllocFaults();

// Gives SQLite the wrapped allocator. Must run before anything initializes
// SQLite (any sqlite3_open does); false if it was too late.
bool InstallSqliteAllocator();

}  // namespace crm_reliability

#endif  // CRM_TESTS_RELIABILITY_ALLOC_FAULTS_H_
