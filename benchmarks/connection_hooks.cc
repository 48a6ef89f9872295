#include "connection_hooks.h"

#include <sqlite3.h>
#include <strings.h>

#include <cstring>

namespace crm_bench {
namespace {

int g_secure_delete = -1;
StatementTimes g_times;

bool StartsWith(const char* sql, const char* word) {
  while (*sql == ' ' || *sql == '\n' || *sql == '\t') ++sql;
  return strncasecmp(sql, word, std::strlen(word)) == 0;
}

int Profile(unsigned type, void*, void* statement, void* elapsed) {
  if (type != SQLITE_TRACE_PROFILE) return 0;
  const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(statement));
  const int64_t ns = *static_cast<sqlite3_int64*>(elapsed);
  ++g_times.statements;
  if (sql != nullptr && std::strstr(sql, "VALUES('optimize')") != nullptr) {
    g_times.search_rewrite_ns += ns;
  } else if (sql != nullptr &&
             (StartsWith(sql, "COMMIT") || StartsWith(sql, "RELEASE") ||
              StartsWith(sql, "END"))) {
    g_times.commit_ns += ns;
  } else {
    g_times.other_ns += ns;
  }
  return 0;
}

int OnOpen(sqlite3* db, const char**, const void*) {
  if (g_secure_delete == 1) {
    sqlite3_exec(db, "PRAGMA secure_delete = ON", nullptr, nullptr, nullptr);
  } else if (g_secure_delete == 0) {
    sqlite3_exec(db, "PRAGMA secure_delete = OFF", nullptr, nullptr, nullptr);
  }
  sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, Profile, nullptr);
  return SQLITE_OK;
}

}  // namespace

void InstallConnectionHooks() {
  // Registering the same entry point again is a no-op in SQLite.
  sqlite3_auto_extension(reinterpret_cast<void (*)(void)>(OnOpen));
}

void SetSecureDeleteOnOpen(int value) { g_secure_delete = value; }

void ResetStatementTimes() { g_times = StatementTimes(); }

StatementTimes GetStatementTimes() { return g_times; }

}  // namespace crm_bench
