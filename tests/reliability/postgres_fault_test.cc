// Faults of the PostgreSQL server under the fault workload (fault_workload.h):
// before libcrm's Nth statement to the server, its connection is dropped
// (pg_terminate_backend from another connection) or the whole server
// restarts; for N spread over every statement the workload sends, creating
// its workspace included. The call in flight must fail with CRM_E_IO, rule
// "connection" (or succeed, when the statement was a ROLLBACK after which
// nothing was lost), the next call reconnects, and the workspace must hold
// exactly the work of the calls that returned CRM_OK.
// CRM_PG_FAULT_MAX_POINTS (default 40) and CRM_PG_RESTART_POINTS (default
// 8) choose how many points; CRM_FAULT_POINT one point only.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "backends.h"
#include "fault_workload.h"
#include "raw_db.h"
#include "reliability_support.h"
#include "server_faults.h"

namespace crm_reliability {
namespace {

// A new workspace of the server at `server` per run, named after `prefix`,
// this process and the fault point; dropped after a run that passed.
FaultWorkspaces WorkspacesOn(const std::string& server,
                             const std::string& prefix) {
  FaultWorkspaces workspaces;
  workspaces.prepare = [server, prefix](int64_t nth) {
    const std::string url = WithParameter(
        server, "workspace",
        prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(nth));
    (void)crm_workspace_drop(url.c_str());  // fails when it does not exist
    return url;
  };
  workspaces.exists = [](const std::string& url) { return RawDb(url).ok(); };
  workspaces.remove = [](const std::string& url) {
    crm_workspace_drop(url.c_str());
  };
  return workspaces;
}

// Checks and prints what the fault points of `name` did.
void Report(const std::string& name, const FaultPointStats& stats,
            const ServerFaults& source) {
  EXPECT_EQ(source.error(), "") << name;
  ReportFaultPoints(name, "statements", stats, CRM_E_IO);
  for (const auto& [rule, runs] : stats.rules) {
    EXPECT_EQ(rule, CRM_RULE_CONNECTION)
        << name << ": " << runs << " failing calls had rule " << rule;
  }
  EXPECT_EQ(stats.failed_after, 0)
      << name << ": in " << stats.failed_after
      << " runs a call after the fault's failed too (outside the host "
         "transaction, the next call must reconnect)";
}

TEST(PostgresFaults, DroppedConnectionLeavesExactlyTheSucceededWork) {
  const std::string server = TestServerUrl();
  if (server.empty()) GTEST_SKIP() << "CRM_TEST_BACKEND_URL is not set";
  ServerFaults source(ServerFaults::Kind::kDropConnection, server, "");
  const FaultPointStats stats =
      RunFaultPoints(&source, "dropped connection", WorkspacesOn(server, "fd"),
                     EnvInt("CRM_PG_FAULT_MAX_POINTS", 40));
  Report("dropped connection", stats, source);
  RecordStat("pg_dropped_connection_points", stats.injected);
  RecordStat("pg_dropped_connection_reported", stats.reported);
}

// The connection dropped before each statement of the erase steps (an
// erase of a customer with history and events, of a deleted one, by a
// filter, and crm_checkpoint's VACUUM): all or nothing, and the next call
// reconnects. CRM_PG_ERASE_POINTS statements at most (default 60: every
// one today).
TEST(PostgresFaults, DroppedConnectionDuringEraseLeavesAllOrNothing) {
  const std::string server = TestServerUrl();
  if (server.empty()) GTEST_SKIP() << "CRM_TEST_BACKEND_URL is not set";
  ServerFaults source(ServerFaults::Kind::kDropConnection, server, "");
  const FaultPointStats stats = RunFaultPoints(
      &source, "dropped connection during erase", WorkspacesOn(server, "fe"),
      EnvInt("CRM_PG_ERASE_POINTS", 60), EraseSteps());
  Report("dropped connection during erase", stats, source);
  RecordStat("pg_dropped_connection_erase_points", stats.injected);
}

// A server of the test's own (scripts/postgres.sh), as the restarts would
// disturb other tests on the shared one.
class OwnServer {
 public:
  OwnServer() {
    // Not under a mkdtemp() directory: as root the server runs as user
    // postgres, which must reach it. The socket path stays short.
    dir_ = (std::filesystem::temp_directory_path() /
            ("crm-pg-restart-" + std::to_string(getpid())))
               .string();
    std::filesystem::remove_all(dir_);
    const std::string command =
        std::string(CRM_POSTGRES_SCRIPT) + " start " + dir_ + " >/dev/null";
    if (std::system(command.c_str()) == 0) {
      url_ = "postgresql:///crm_test?host=" + dir_;
    }
  }
  ~OwnServer() {
    const std::string command =
        std::string(CRM_POSTGRES_SCRIPT) + " stop " + dir_;
    (void)std::system(command.c_str());
  }
  const std::string& dir() const { return dir_; }
  const std::string& url() const { return url_; }  // "" if it did not start

 private:
  std::string dir_;
  std::string url_;
};

TEST(PostgresFaults, ServerRestartLeavesExactlyTheSucceededWork) {
  if (TestServerUrl().empty()) {
    GTEST_SKIP() << "CRM_TEST_BACKEND_URL is not set (no PostgreSQL tests)";
  }
  OwnServer server;
  ASSERT_NE(server.url(), "") << "cannot start a server in " << server.dir();
  ServerFaults source(ServerFaults::Kind::kRestartServer, server.url(),
                      server.dir());
  const FaultPointStats stats = RunFaultPoints(
      &source, "server restart", WorkspacesOn(server.url(), "fr"),
      EnvInt("CRM_PG_RESTART_POINTS", 8));
  Report("server restart", stats, source);
  std::printf("server restart: %d restarts (fast and immediate in turn)\n",
              source.restarts());
  RecordStat("pg_restart_points", stats.injected);
  RecordStat("pg_restart_reported", stats.reported);
}

}  // namespace
}  // namespace crm_reliability
