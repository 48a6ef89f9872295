// A connection to a workspace behind libcrm's back, for checking what it
// stores: a raw SQLite connection to a file, or a libpq connection to the
// database of a PostgreSQL workspace URL. On PostgreSQL the connection
// shows the workspace's rows through temporary views named and shaped as
// the SQLite tables (crm_customers with id and external_id, crm_events,
// crm_strings with id and text, crm_customer_search with customer_id), so
// that one SQL text checks both backends.
#ifndef CRM_TESTS_RELIABILITY_RAW_DB_H_
#define CRM_TESTS_RELIABILITY_RAW_DB_H_

#include <cstdint>
#include <string>
#include <vector>

struct sqlite3;
struct pg_conn;

namespace crm_reliability {

// Not thread-safe. A failed query sets error(), which stays set.
class RawDb {
 public:
  // `location`: a file path, or a PostgreSQL workspace URL (the workspace
  // must exist).
  explicit RawDb(const std::string& location);
  ~RawDb();
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool on_postgres() const { return postgres_ != nullptr; }

  // Every row's first column as text; sets error() on failure.
  std::vector<std::string> Column(const std::string& sql);
  // The first column of the first row as an integer (-1 for no row).
  int64_t Count(const std::string& sql);

  // "ok" when the workspace is sound, else the problems found: on SQLite
  // PRAGMA integrity_check (alone for a file without libcrm's tables yet);
  // on both backends, that every event's customer
  // was created (has a crm.record.created event) unless the event is a
  // crm.record.erased tombstone, every event's type, channel, actor and
  // source is an interned string, every customer has its
  // crm.record.created event, and an erased customer (one with a
  // tombstone) has no record and no event but the tombstone; on PostgreSQL
  // also one search row per customer and none for a customer that is not
  // stored.
  std::string IntegrityCheck();

 private:
  void ConnectPostgres(const std::string& url);

  sqlite3* sqlite_ = nullptr;
  pg_conn* postgres_ = nullptr;
  std::string error_;
};

// The crm.record.created history events in the workspace of `raw`: one per
// customer ever created, deleted ones included.
int64_t CreatedEvents(RawDb& raw);

// The crm.record.updated history events recorded after their valid time
// (late and corrective changes, crm_customer_update_v2).
int64_t LateUpdateEvents(RawDb& raw);

// The crm.record.erased tombstones in the workspace of `raw`: one per
// customer erased.
int64_t TombstoneEvents(RawDb& raw);

// The libpq connection string of a PostgreSQL workspace URL: the URL
// without its `workspace` and `application_name` parameters, with
// application_name set to `application`.
std::string ServerConninfo(const std::string& url,
                           const std::string& application);

}  // namespace crm_reliability

#endif  // CRM_TESTS_RELIABILITY_RAW_DB_H_
