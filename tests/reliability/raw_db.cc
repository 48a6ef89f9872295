#include "raw_db.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdlib>

#include "reliability_support.h"

namespace crm_reliability {
namespace {

// The value of the `workspace` parameter of `url` ("" if none).
std::string WorkspaceName(const std::string& url) {
  size_t query = url.find('?');
  while (query != std::string::npos) {
    size_t end = url.find('&', query + 1);
    std::string parameter =
        url.substr(query + 1, end == std::string::npos ? end : end - query - 1);
    if (parameter.rfind("workspace=", 0) == 0) return parameter.substr(10);
    query = end;
  }
  return "";
}

// A check of the workspace: the SQL counts the rows that break the rule
// `problem` names. Ids 1 (crm.record.created) to 4 are fixed on both
// backends (store/rows.h).
struct Consistency {
  const char* problem;
  const char* sql;
  bool postgres_only;
};

constexpr Consistency kChecks[] = {
    {"events of a customer never created",
     "SELECT count(*) FROM crm_events e WHERE NOT EXISTS (SELECT 1 FROM "
     "crm_events c WHERE c.customer_id = e.customer_id AND c.type_id = 1) "
     "AND e.type_id NOT IN (SELECT id FROM crm_strings WHERE text = "
     "'crm.record.erased')",
     false},
    {"records or events left of an erased customer",
     "SELECT (SELECT count(*) FROM crm_customers c WHERE c.id IN (SELECT "
     "customer_id FROM crm_events t JOIN crm_strings s ON s.id = t.type_id "
     "WHERE s.text = 'crm.record.erased')) + (SELECT count(*) FROM "
     "crm_events e JOIN crm_strings s ON s.id = e.type_id WHERE s.text != "
     "'crm.record.erased' AND e.customer_id IN (SELECT customer_id FROM "
     "crm_events t JOIN crm_strings u ON u.id = t.type_id WHERE u.text = "
     "'crm.record.erased'))",
     false},
    {"events naming a string that is not interned",
     "SELECT count(*) FROM crm_events e WHERE NOT EXISTS (SELECT 1 FROM "
     "crm_strings s WHERE s.id = e.type_id) OR (e.channel_id IS NOT NULL AND "
     "NOT EXISTS (SELECT 1 FROM crm_strings s WHERE s.id = e.channel_id)) OR "
     "(e.actor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM crm_strings s "
     "WHERE s.id = e.actor_id)) OR (e.source_id IS NOT NULL AND NOT EXISTS "
     "(SELECT 1 FROM crm_strings s WHERE s.id = e.source_id))",
     false},
    {"customers without their crm.record.created event",
     "SELECT count(*) FROM crm_customers c WHERE NOT EXISTS (SELECT 1 FROM "
     "crm_events e WHERE e.customer_id = c.id AND e.type_id = 1)",
     false},
    {"customers without search text",
     "SELECT count(*) FROM crm_customers c WHERE NOT EXISTS (SELECT 1 FROM "
     "crm_customer_search s WHERE s.customer_id = c.id)",
     true},
    {"search text of customers not stored",
     "SELECT count(*) FROM crm_customer_search s WHERE NOT EXISTS (SELECT 1 "
     "FROM crm_customers c WHERE c.id = s.customer_id)",
     true},
    // Match keys (crm.h "Duplicates") go with their customer's row.
    {"match keys of customers not stored",
     "SELECT count(*) FROM crm_match_keys k WHERE NOT EXISTS (SELECT 1 FROM "
     "crm_customers c WHERE c.id = k.customer_id)",
     false},
    // Merges (crm.h "Merging customers"): a merged id is no customer, and
    // its chain ends at one.
    {"merged ids that are customers",
     "SELECT count(*) FROM crm_merges m JOIN crm_customers c ON c.id = "
     "m.merged_id",
     false},
    {"merges whose survivor is no customer",
     "SELECT count(*) FROM crm_merges m WHERE NOT EXISTS (SELECT 1 FROM "
     "crm_customers c WHERE c.id = m.survivor_id)",
     false},
    {"named customers without their name's match key",
     "SELECT count(*) FROM crm_customers c WHERE c.name IS NOT NULL AND "
     "c.name != '' AND NOT EXISTS (SELECT 1 FROM crm_match_keys k WHERE "
     "k.customer_id = c.id AND k.kind = 4)",
     false},
};

}  // namespace

std::string ServerConninfo(const std::string& url,
                           const std::string& application) {
  size_t query = url.find('?');
  std::string out = url.substr(0, query);
  char separator = '?';
  while (query != std::string::npos) {
    size_t end = url.find('&', query + 1);
    std::string parameter =
        url.substr(query + 1, end == std::string::npos ? end : end - query - 1);
    if (parameter.rfind("workspace=", 0) != 0 &&
        parameter.rfind("application_name=", 0) != 0) {
      out += separator + parameter;
      separator = '&';
    }
    query = end;
  }
  return out + separator + "application_name=" + application;
}

RawDb::RawDb(const std::string& location) {
  if (IsWorkspaceUrl(location)) {
    ConnectPostgres(location);
    return;
  }
  if (sqlite3_open_v2(location.c_str(), &sqlite_, SQLITE_OPEN_READWRITE,
                      nullptr) != SQLITE_OK) {
    error_ = sqlite_ ? sqlite3_errmsg(sqlite_) : "cannot open";
  }
}

void RawDb::ConnectPostgres(const std::string& url) {
  postgres_ = PQconnectdb(ServerConninfo(url, "crm_reliability_raw").c_str());
  if (PQstatus(postgres_) != CONNECTION_OK) {
    error_ = PQerrorMessage(postgres_);
    return;
  }
  const std::string name = WorkspaceName(url);
  const char* values[] = {name.c_str()};
  PGresult* result = PQexecParams(
      postgres_, "SELECT workspace_id FROM crm_workspaces WHERE name = $1", 1,
      nullptr, values, nullptr, nullptr, 0);
  if (PQresultStatus(result) != PGRES_TUPLES_OK || PQntuples(result) != 1) {
    error_ = "no workspace " + name + ": " + PQerrorMessage(postgres_);
    PQclear(result);
    return;
  }
  const std::string id = PQgetvalue(result, 0, 0);  // digits: a bigint
  PQclear(result);
  const std::string where = " WHERE workspace_id = " + id;
  Column(
      "CREATE TEMP VIEW crm_customers AS SELECT customer_id AS id, "
      "data ->> 'external_id' AS external_id, data ->> 'name' AS name FROM "
      "public.crm_customers" +
      where);
  Column(
      "CREATE TEMP VIEW crm_match_keys AS SELECT customer_id, kind, key FROM "
      "public.crm_match_keys" +
      where);
  Column(
      "CREATE TEMP VIEW crm_events AS SELECT seq, customer_id, type_id, "
      "channel_id, actor_id, source_id, idempotency_key, occurred_at_us AS "
      "occurred_at, recorded_at_us AS recorded_at FROM "
      "public.crm_events" +
      where);
  Column(
      "CREATE TEMP VIEW crm_strings AS SELECT string_id AS id, text FROM "
      "public.crm_strings" +
      where);
  Column(
      "CREATE TEMP VIEW crm_customer_search AS SELECT customer_id FROM "
      "public.crm_customer_search" +
      where);
  Column(
      "CREATE TEMP VIEW crm_merges AS SELECT merged_id, merge_id, into_id, "
      "survivor_id FROM public.crm_merges" +
      where);
}

RawDb::~RawDb() {
  sqlite3_close(sqlite_);
  PQfinish(postgres_);
}

std::vector<std::string> RawDb::Column(const std::string& sql) {
  std::vector<std::string> out;
  if (postgres_ != nullptr) {
    PGresult* result = PQexec(postgres_, sql.c_str());
    ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_TUPLES_OK) {
      for (int row = 0; row < PQntuples(result); ++row) {
        out.emplace_back(PQgetvalue(result, row, 0));
      }
    } else if (status != PGRES_COMMAND_OK) {
      error_ = PQerrorMessage(postgres_);
    }
    PQclear(result);
    return out;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(sqlite_, sql.c_str(), -1, &stmt, nullptr) !=
      SQLITE_OK) {
    error_ = sqlite3_errmsg(sqlite_);
    return out;
  }
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  if (rc != SQLITE_DONE) error_ = sqlite3_errmsg(sqlite_);
  sqlite3_finalize(stmt);
  return out;
}

int64_t RawDb::Count(const std::string& sql) {
  std::vector<std::string> rows = Column(sql);
  return rows.empty() ? -1 : std::strtoll(rows[0].c_str(), nullptr, 10);
}

std::string RawDb::IntegrityCheck() {
  std::string result;
  if (sqlite_ != nullptr) {
    for (const std::string& line : Column("PRAGMA integrity_check")) {
      if (line != "ok") result += (result.empty() ? "" : "; ") + line;
    }
  }
  // Not so a file whose creation failed before libcrm made its tables.
  const bool has_tables =
      sqlite_ == nullptr ||
      Count(
          "SELECT count(*) FROM sqlite_master WHERE name IN "
          "('crm_customers', 'crm_events', 'crm_strings')") == 3;
  for (const Consistency& check : kChecks) {
    if (!has_tables || (check.postgres_only && !on_postgres())) continue;
    const int64_t broken = Count(check.sql);
    if (broken != 0) {
      result += (result.empty() ? "" : "; ") + std::to_string(broken) + " " +
                check.problem;
    }
  }
  if (!ok()) return "error: " + error_;
  return result.empty() ? "ok" : result;
}

int64_t CreatedEvents(RawDb& raw) {
  return raw.Count(
      "SELECT count(*) FROM crm_events e JOIN crm_strings s ON s.id = "
      "e.type_id WHERE s.text = 'crm.record.created'");
}

int64_t LateUpdateEvents(RawDb& raw) {
  return raw.Count(
      "SELECT count(*) FROM crm_events e JOIN crm_strings s ON s.id = "
      "e.type_id WHERE s.text = 'crm.record.updated' AND e.occurred_at < "
      "e.recorded_at");
}

int64_t TombstoneEvents(RawDb& raw) {
  return raw.Count(
      "SELECT count(*) FROM crm_events e JOIN crm_strings s ON s.id = "
      "e.type_id WHERE s.text = 'crm.record.erased'");
}

}  // namespace crm_reliability
