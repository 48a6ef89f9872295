#include "server_faults.h"

#include <dlfcn.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <utility>

#include "raw_db.h"

namespace crm_reliability {
namespace {

std::atomic<ServerFaults*> armed_source{nullptr};

template <typename Function>
Function* Real(const char* name) {
  return reinterpret_cast<Function*>(dlsym(RTLD_NEXT, name));
}

PGresult* RealExec(PGconn* connection, const char* sql) {
  static auto* real = Real<decltype(PQexec)>("PQexec");
  return real(connection, sql);
}

void Before(PGconn* connection) {
  if (ServerFaults* source = armed_source.load()) {
    source->BeforeStatement(connection);
  }
}

}  // namespace

ServerFaults::ServerFaults(Kind kind, std::string server_url,
                           std::string server_dir)
    : kind_(kind),
      server_url_(std::move(server_url)),
      server_dir_(std::move(server_dir)) {}

ServerFaults::~ServerFaults() {
  Disarm();
  PQfinish(control_);
}

void ServerFaults::Arm(int64_t nth) {
  calls_.store(0);
  fired_.store(0);
  nth_.store(nth);
  armed_.store(true);
  armed_source.store(this);
}

void ServerFaults::Disarm() {
  armed_source.store(nullptr);
  armed_.store(false);
}

void ServerFaults::BeforeStatement(pg_conn* connection) {
  if (!armed_.load() || !in_library_.load()) return;
  const int64_t call = calls_.fetch_add(1) + 1;
  if (call != nth_.load()) return;
  if (kind_ == Kind::kDropConnection) {
    DropConnection(connection);
  } else {
    RestartServer();
  }
  fired_.store(1);
}

void ServerFaults::DropConnection(pg_conn* connection) {
  if (control_ == nullptr || PQstatus(control_) != CONNECTION_OK) {
    PQfinish(control_);
    control_ = PQconnectdb(
        ServerConninfo(server_url_, "crm_reliability_control").c_str());
  }
  // Waits (up to 60 s) until the backend has ended.
  const std::string sql = "SELECT pg_terminate_backend(" +
                          std::to_string(PQbackendPID(connection)) + ", 60000)";
  PGresult* result = RealExec(control_, sql.c_str());
  if (PQresultStatus(result) != PGRES_TUPLES_OK ||
      std::string(PQgetvalue(result, 0, 0)) != "t") {
    error_ =
        "pg_terminate_backend failed: " + std::string(PQerrorMessage(control_));
  }
  PQclear(result);
}

void ServerFaults::RestartServer() {
  const char* mode = restarts_ % 2 == 0 ? "fast" : "immediate";
  ++restarts_;
  const std::string command =
      std::string(CRM_POSTGRES_SCRIPT) + " restart " + server_dir_ + " " + mode;
  if (std::system(command.c_str()) != 0) error_ = "failed: " + command;
}

}  // namespace crm_reliability

// libpq's statement functions, as libcrm's plugin calls them: the armed
// ServerFaults sees each statement first. Default visibility, as the build
// hides symbols by default.
extern "C" __attribute__((visibility("default"))) PGresult* PQexecParams(
    PGconn* conn, const char* command, int nParams, const Oid* paramTypes,
    const char* const* paramValues, const int* paramLengths,
    const int* paramFormats, int resultFormat) {
  static auto* real =
      crm_reliability::Real<decltype(PQexecParams)>("PQexecParams");
  crm_reliability::Before(conn);
  return real(conn, command, nParams, paramTypes, paramValues, paramLengths,
              paramFormats, resultFormat);
}

extern "C" __attribute__((visibility("default"))) PGresult* PQexec(
    PGconn* conn, const char* query) {
  crm_reliability::Before(conn);
  return crm_reliability::RealExec(conn, query);
}
