// Faults of a PostgreSQL server, as a source of faults for the fault
// workload (fault_workload.h): right before libcrm's Nth statement to the
// server, the server takes libcrm's connection away, then the statement
// goes out on it and fails. The statements are counted by wrapping libpq's
// PQexecParams() and PQexec() in the executable that links
// server_faults.cc (the plugin's calls bind to the executable's definitions
// first), which must therefore export them (--export-dynamic-symbol). Only one
// ServerFaults may be armed at a time; it counts the statements of every
// thread of the process between EnterLibrary() and LeaveLibrary().
#ifndef CRM_TESTS_RELIABILITY_SERVER_FAULTS_H_
#define CRM_TESTS_RELIABILITY_SERVER_FAULTS_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "fault_workload.h"

struct pg_conn;

namespace crm_reliability {

class ServerFaults : public FaultSource {
 public:
  enum class Kind {
    // pg_terminate_backend() on libcrm's backend, from another connection
    // (its transaction is rolled back; the server runs on).
    kDropConnection,
    // The whole server restarts (scripts/postgres.sh restart DIR MODE),
    // alternately fast and immediate (a crash, recovered from the WAL).
    kRestartServer,
  };

  // `server_url`: a libpq URL of the server (a workspace parameter is
  // ignored); `server_dir`: for kRestartServer, the directory
  // scripts/postgres.sh started that server in.
  ServerFaults(Kind kind, std::string server_url, std::string server_dir);
  ~ServerFaults() override;

  void Arm(int64_t nth) override;
  void Disarm() override;
  int64_t Calls() const override { return calls_.load(); }
  int64_t Fired() const override { return fired_.load(); }
  void EnterLibrary() override { in_library_.store(true); }
  void LeaveLibrary() override { in_library_.store(false); }

  // Called by the wrapped libpq functions before each statement on
  // `connection`.
  void BeforeStatement(pg_conn* connection);
  // Restarts so far (kRestartServer).
  int restarts() const { return restarts_; }
  // The last failure to take the connection away ("" if none).
  const std::string& error() const { return error_; }

 private:
  void DropConnection(pg_conn* connection);
  void RestartServer();

  const Kind kind_;
  const std::string server_url_;
  const std::string server_dir_;
  pg_conn* control_ = nullptr;  // for pg_terminate_backend()
  std::atomic<bool> armed_{false};
  std::atomic<bool> in_library_{false};
  std::atomic<int64_t> nth_{0};
  std::atomic<int64_t> calls_{0};
  std::atomic<int64_t> fired_{0};
  int restarts_ = 0;
  std::string error_;
};

}  // namespace crm_reliability

#endif  // CRM_TESTS_RELIABILITY_SERVER_FAULTS_H_
