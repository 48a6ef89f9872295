// What every SQLite connection this process opens from now on gets, libcrm's
// included (libcrm links the same shared libsqlite3): a secure_delete
// setting, and a profile of its statements that attributes their time to
// the search-index rewrite (FTS5 command statements such as 'optimize'),
// to COMMIT, or to the rest. Installed with sqlite3_auto_extension, so it
// applies at open: a PRAGMA the opener runs afterwards wins. For the
// erase-cost program (erase_costs.cc); the counters are process-wide and
// not synchronized: measure one thread's calls at a time.
#ifndef CRM_BENCHMARKS_CONNECTION_HOOKS_H_
#define CRM_BENCHMARKS_CONNECTION_HOOKS_H_

#include <cstdint>

namespace crm_bench {

// Installs the hook (once; later calls do nothing).
void InstallConnectionHooks();

// secure_delete for connections opened from now on: 1 ON, 0 OFF, -1 left
// as SQLite or the opener sets it.
void SetSecureDeleteOnOpen(int value);

// Statement time (SQLite's own profile, nanoseconds) since the last
// ResetStatementTimes(), by kind.
struct StatementTimes {
  int64_t search_rewrite_ns = 0;  // INSERT INTO x(x) VALUES('optimize') ...
  int64_t commit_ns = 0;          // COMMIT / RELEASE / END
  int64_t other_ns = 0;
  int64_t statements = 0;
};
void ResetStatementTimes();
StatementTimes GetStatementTimes();

}  // namespace crm_bench

#endif  // CRM_BENCHMARKS_CONNECTION_HOOKS_H_
