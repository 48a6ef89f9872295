// A test-only SQLite VFS that wraps the default one and fails the Nth write
// or sync. libcrm links the same shared libsqlite3 as the test process, so
// once this VFS is the default, libcrm's connections go through it.
#ifndef CRM_TESTS_RELIABILITY_FAULT_VFS_H_
#define CRM_TESTS_RELIABILITY_FAULT_VFS_H_

#include <cstdint>

namespace crm_reliability {

enum class FaultKind {
  kWriteIoError,  // xWrite fails with SQLITE_IOERR_WRITE
  kSyncIoError,   // xSync fails with SQLITE_IOERR_FSYNC
  kWriteDiskFull  // xWrite fails with SQLITE_FULL
};

// Registers the fault VFS as SQLite's default (the first call wraps the
// default of that moment). Returns false if SQLite refused.
bool InstallFaultVfs();
// Makes the wrapped VFS the default again.
void UninstallFaultVfs();
// Resets the counters; from now on the nth call of `kind` fails (nth = 0:
// none fails, calls are only counted).
void ArmFault(FaultKind kind, int64_t nth);
// Calls of the armed kind since ArmFault(), and faults returned (0 or 1).
int64_t FaultCalls();
int64_t FaultsFired();

}  // namespace crm_reliability

#endif  // CRM_TESTS_RELIABILITY_FAULT_VFS_H_
