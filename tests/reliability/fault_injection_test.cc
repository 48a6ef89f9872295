// Fault injection: the Nth write or sync that libcrm's SQLite connection
// makes fails (I/O error or disk full), for every N the workload reaches.
// The failing call must report an error; after it, reopening the file with
// the real VFS must give a sound workspace that holds exactly the work of
// the calls that returned CRM_OK.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "fault_vfs.h"
#include "fault_workload.h"
#include "reliability_support.h"

namespace crm_reliability {
namespace {

// The fault VFS as a source of faults of one kind: installed as SQLite's
// default VFS while armed.
class VfsFaults : public FaultSource {
 public:
  explicit VfsFaults(FaultKind kind) : kind_(kind) {}
  void Arm(int64_t nth) override {
    installed_ = InstallFaultVfs();
    ArmFault(kind_, nth);
  }
  void Disarm() override { UninstallFaultVfs(); }
  int64_t Calls() const override { return FaultCalls(); }
  int64_t Fired() const override { return FaultsFired(); }
  bool installed() const { return installed_; }

 private:
  FaultKind kind_;
  bool installed_ = false;
};

const char* KindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kWriteIoError:
      return "write I/O error";
    case FaultKind::kSyncIoError:
      return "sync I/O error";
    case FaultKind::kWriteDiskFull:
      return "disk full";
  }
  return "?";
}

TEST(FaultInjection, EveryFailedWriteOrSyncLeavesExactlyTheSucceededWork) {
  ASSERT_TRUE(InstallFaultVfs());
  UninstallFaultVfs();
  const int max_points = EnvInt("CRM_FAULT_MAX_POINTS", 400);
  const std::string dir = MakeTempDir("crm-fault");
  int injected = 0, reported = 0, absorbed = 0;
  for (FaultKind kind : {FaultKind::kWriteIoError, FaultKind::kSyncIoError,
                         FaultKind::kWriteDiskFull}) {
    VfsFaults source(kind);
    // Each run creates its workspace, so opening it is under the fault too.
    FaultPointStats stats =
        RunFaultPoints(&source, KindName(kind), FilesIn(dir, ""), max_points);
    ASSERT_TRUE(source.installed());
    if (HasFailure()) return;
    std::printf("%s: %lld calls, one in %lld made to fail\n", KindName(kind),
                static_cast<long long>(stats.calls),
                static_cast<long long>(stats.stride));
    injected += stats.injected;
    reported += stats.reported;
    absorbed += stats.absorbed;
    for (const auto& [failure, runs] : stats.failures) {
      EXPECT_EQ(failure.first, CRM_E_IO)
          << KindName(kind) << ": " << runs << " failing calls in "
          << failure.second << " returned " << crm_status_name(failure.first);
    }
  }
  std::filesystem::remove_all(dir);
  std::printf(
      "fault injection: %d fault points injected; %d made a call fail, %d "
      "were absorbed by SQLite (e.g. a checkpoint after a commit)\n",
      injected, reported, absorbed);
  if (EnvInt("CRM_FAULT_POINT", 0) == 0) {
    EXPECT_GT(reported, 0);  // (one point alone need not fail a call)
  }
  RecordStat("fault_points", injected);
  RecordStat("fault_points_reported", reported);
}

// Every write and sync of the erase steps (an erase of a customer with
// history and events, of a deleted one, by a filter, and the checkpoint)
// fails in turn: the customer is there whole or gone whole with its
// tombstone (ExpectHolds), whatever the point. CRM_FAULT_ERASE_POINTS
// points per fault kind at most (default 100: every one, about 5 s).
TEST(FaultInjection, EveryFailedWriteOrSyncDuringEraseLeavesAllOrNothing) {
  ASSERT_TRUE(InstallFaultVfs());
  UninstallFaultVfs();
  const int max_points = EnvInt("CRM_FAULT_ERASE_POINTS", 100);
  const std::string dir = MakeTempDir("crm-fault-erase");
  int injected = 0;
  for (FaultKind kind : {FaultKind::kWriteIoError, FaultKind::kSyncIoError,
                         FaultKind::kWriteDiskFull}) {
    VfsFaults source(kind);
    const std::string name = std::string(KindName(kind)) + " during erase";
    FaultPointStats stats = RunFaultPoints(&source, name, FilesIn(dir, ""),
                                           max_points, EraseSteps());
    if (HasFailure()) return;
    ReportFaultPoints(name, "writes and syncs", stats, CRM_E_IO);
    injected += stats.injected;
  }
  std::filesystem::remove_all(dir);
  RecordStat("fault_erase_points", injected);
}

}  // namespace
}  // namespace crm_reliability
