// Allocation failures: the Nth memory allocation that libcrm makes fails,
// through SQLite's allocator or through C++ operator new (alloc_faults.h),
// for N spread over a workload (fault_workload.h). The failing call must
// return a status (CRM_E_NOMEM) or absorb the failure, nothing may crash or
// leak (ASan in scripts/reliability.sh), and afterwards the workspace must
// pass the integrity check and hold exactly the committed work.
//
// Its own executable with its own main(): SQLite takes an allocator only
// before sqlite3_initialize(), and replacing operator new is process-wide.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "alloc_faults.h"
#include "fault_workload.h"
#include "reliability_support.h"

namespace crm_reliability {
namespace {

// Runs the fault points of `source` on a new workspace per run (opening it
// runs the migrations under the fault) or on a copy of a workspace created
// before (most points then fall in the workload's own calls).
// The counts go to CRM_RELIABILITY_STATS as <stat>_points and
// <stat>_points_reported.
void RunAllocationPoints(AllocFaults* source, const std::string& name,
                         bool existing_workspace, const std::string& stat,
                         const std::vector<std::string>& focus = {},
                         int default_points = 250) {
  const std::string dir = MakeTempDir("crm-alloc");
  std::string template_path;
  if (existing_workspace) {
    template_path = dir + "/template.crm";
    crm_db* db = nullptr;
    EXPECT_EQ(crm_open(&db, template_path.c_str(), nullptr), CRM_OK)
        << crm_last_error_message();
    crm_close(db);
  }
  const int max_points = EnvInt("CRM_ALLOC_MAX_POINTS", default_points);
  FaultPointStats stats = RunFaultPoints(
      source, name, FilesIn(dir, template_path), max_points, focus);
  ReportFaultPoints(name, "allocations", stats, CRM_E_NOMEM);
  if (testing::Test::HasFailure()) {
    std::printf("  the failing point's files are in %s\n", dir.c_str());
  } else {
    std::filesystem::remove_all(dir);
  }
  RecordStat(stat + "_points", stats.injected);
  RecordStat(stat + "_points_reported", stats.reported);
}

TEST(AllocationFailure, SqliteAllocationsInAWorkload) {
  RunAllocationPoints(&SqliteAllocFaults(),
                      "SQLite allocation, existing workspace", true, "alloc");
}

TEST(AllocationFailure, SqliteAllocationsCreatingAWorkspace) {
  RunAllocationPoints(&SqliteAllocFaults(), "SQLite allocation, new workspace",
                      false, "alloc");
}

// The allocations of the erase steps only (erase of a customer, of a
// deleted one, by a filter, and the checkpoint), 100 points at most.
TEST(AllocationFailure, SqliteAllocationsDuringErase) {
  RunAllocationPoints(&SqliteAllocFaults(), "SQLite allocation, erase", true,
                      "alloc_erase", EraseSteps(), 100);
}

// operator new failures also reach dependencies that are not safe for
// std::bad_alloc: Debian's Abseil 20220623 leaves a flat_hash_map whose
// growth throws corrupt (raw_hash_set::resize sets the new capacity before
// it allocates), and protobuf 3.21's MessageToJsonString terminates when a
// CodedOutputStream is unwound. Some points then crash the process, so
// these two run only when asked for, with CRM_ALLOC_CXX=1.
bool CxxAllocationsWanted() { return EnvInt("CRM_ALLOC_CXX", 0) != 0; }

TEST(AllocationFailure, CxxAllocationsInAWorkload) {
  if (!CxxAllocationsWanted()) GTEST_SKIP() << "set CRM_ALLOC_CXX=1";
  RunAllocationPoints(&CxxAllocFaults(), "operator new, existing workspace",
                      true, "cxx_alloc");
}

TEST(AllocationFailure, CxxAllocationsCreatingAWorkspace) {
  if (!CxxAllocationsWanted()) GTEST_SKIP() << "set CRM_ALLOC_CXX=1";
  RunAllocationPoints(&CxxAllocFaults(), "operator new, new workspace", false,
                      "cxx_alloc");
}

}  // namespace
}  // namespace crm_reliability

int main(int argc, char** argv) {
  if (!crm_reliability::InstallSqliteAllocator()) {
    std::fprintf(stderr,
                 "cannot install the allocator: SQLite was initialized "
                 "before main()\n");
    return 1;
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
