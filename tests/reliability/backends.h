// The backends the reliability tests run on: each test body is
// parameterised by Backend. A PostgreSQL instance needs a server: it runs
// when CRM_TEST_BACKEND_URL names one (CTest's `postgres` fixture sets it;
// tests/capi/test_support.h reads it the same way) and is skipped otherwise.
#ifndef CRM_TESTS_RELIABILITY_BACKENDS_H_
#define CRM_TESTS_RELIABILITY_BACKENDS_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "crm/crm.h"
#include "raw_db.h"
#include "reliability_support.h"

namespace crm_reliability {

enum class Backend { kSqlite, kPostgres };

// "Sqlite" / "Postgres", for test names (gtest's name generator).
inline std::string BackendName(const testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

// The server the PostgreSQL instances use ("" when none is set).
inline std::string TestServerUrl() {
  const char* url = std::getenv("CRM_TEST_BACKEND_URL");
  return url != nullptr ? url : "";
}

// `url` with one more query parameter `name`=`value`.
inline std::string WithParameter(const std::string& url,
                                 const std::string& name,
                                 const std::string& value) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + name + "=" +
         value;
}

// Where a test on `backend` keeps its workspace `name`: a file in `dir`, or
// a workspace of the test server, named after `name` and this process (so
// that runs on a long-lived server do not meet), dropped first. Empty when
// the backend is not available (the caller skips).
inline std::string NewWorkspace(Backend backend, const std::string& dir,
                                const std::string& name) {
  if (backend == Backend::kSqlite) return dir + "/" + name + ".crm";
  const std::string server = TestServerUrl();
  if (server.empty()) return "";
  const std::string url =
      WithParameter(server, "workspace", name + "_" + std::to_string(getpid()));
  (void)crm_workspace_drop(url.c_str());  // fails when it does not exist
  return url;
}

// `location` for a process whose PostgreSQL sessions a test must find: the
// URL with application_name=`application` (a path as it is).
inline std::string Marked(const std::string& location,
                          const std::string& application) {
  if (!IsWorkspaceUrl(location)) return location;
  return WithParameter(location, "application_name", application);
}

// On PostgreSQL, waits (at most 60 s) until the server has no session named
// `application` left: a killed client's transaction is then rolled back or
// committed, never still in flight. True when none is left (always on
// SQLite).
inline bool WaitForSessionsToEnd(const std::string& location,
                                 const std::string& application) {
  if (!IsWorkspaceUrl(location)) return true;
  RawDb raw(location);
  for (int i = 0; i < 6000 && raw.ok(); ++i) {
    if (raw.Count("SELECT count(*) FROM pg_stat_activity WHERE "
                  "application_name = '" +
                  application + "'") == 0) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace crm_reliability

#endif  // CRM_TESTS_RELIABILITY_BACKENDS_H_
