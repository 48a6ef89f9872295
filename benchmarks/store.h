// What every engine under test does: libcrm through its C ABI (on a SQLite
// file or a PostgreSQL workspace), and the hand-written SQLite baselines.
// Each call is one unit of work as a host would issue it; a false return
// means it failed and error() says why, and unsupported() whether the engine
// refused it as a call it does not offer yet.
#ifndef CRM_BENCHMARKS_STORE_H_
#define CRM_BENCHMARKS_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dataset.h"

namespace crm_bench {

// What a read hands back to the host, enough to check it.
struct CustomerView {
  int64_t id = 0;
  std::string email;
  int64_t segment = -1;
};

struct EventView {
  int64_t seq = 0;
  int64_t occurred_at_us = 0;
  std::string type;
  std::string channel;
  // The event's properties as the engine hands them over (libcrm: the
  // values read one by one; the same-work baseline: its JSON text).
  std::string properties;
};

// One row of an aggregate: a group key and its value (a count or average).
struct GroupRow {
  std::string key;
  double value = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Creates the workspace (schema, fields, indexes) at `location`: a new
  // file's path, or for libcrm on PostgreSQL a libpq URL naming a workspace
  // that does not exist yet.
  virtual bool Open(const std::string& location) = 0;

  // Writes customers as one batch in one transaction. The ids assigned are
  // kept, in order, in ids().
  virtual bool CreateCustomers(const std::vector<Customer>& rows) = 0;
  virtual bool CountCustomers(int64_t* out) = 0;
  // Appends events as one batch in one transaction.
  virtual bool AppendEvents(const std::vector<Event>& rows) = 0;

  virtual bool GetById(int64_t id, CustomerView* out) = 0;
  virtual bool GetByEmail(const std::string& email, CustomerView* out) = 0;
  virtual bool GetByExternalId(const std::string& key, CustomerView* out) = 0;
  // The customer's latest `limit` events, newest first.
  virtual bool LatestEvents(int64_t id, int limit,
                            std::vector<EventView>* out) = 0;

  // Every customer in id (creation) order, read `page_size` rows per call,
  // each row's written fields copied into `row` as a host would take them
  // (decimals as cents, tags as a list) and handed to `visit`.
  virtual bool ReadAllCustomers(
      int64_t page_size,
      const std::function<void(const Customer& row)>& visit) = 0;

  // Query workloads; false with error() "n/a" where the engine has none.
  virtual bool HasQueries() const = 0;
  // Customers whose user field "segment" equals `segment`.
  virtual bool FilterBySegment(int64_t segment,
                               std::vector<CustomerView>* out) = 0;
  // How many customers have "segment" equal to `segment`.
  virtual bool CountBySegment(int64_t segment, int64_t* out) = 0;
  // Events (not record history) counted per type and month ("call
  // 2023-04"), or per type and day ("call 2023-04-05").
  virtual bool CountEventsByTypeMonth(std::vector<GroupRow>* out) = 0;
  virtual bool CountEventsByTypeDay(std::vector<GroupRow>* out) = 0;
  // Average of the user field "revenue" per value of "plan".
  virtual bool AverageRevenueByPlan(std::vector<GroupRow>* out) = 0;

  // Id of customer `index` (0-based, in creation order).
  int64_t id(int64_t index) const { return ids_[index]; }
  int64_t created() const { return static_cast<int64_t>(ids_.size()); }
  const std::string& error() const { return error_; }
  // The last failure was the engine saying it does not offer that call yet
  // (libcrm: CRM_E_UNSUPPORTED), not a wrong or failed one.
  bool unsupported() const { return unsupported_; }

 protected:
  bool Fail(std::string message) {
    error_ = std::move(message);
    unsupported_ = false;
    return false;
  }
  bool FailUnsupported(std::string message) {
    Fail(std::move(message));
    unsupported_ = true;
    return false;
  }

  std::vector<int64_t> ids_;
  std::string error_;
  bool unsupported_ = false;
};

// Where libcrm keeps the workspace: Open() takes a file path
// (kFile, crm_open) or a PostgreSQL workspace URL (kServer, crm_open_url).
enum class LibcrmOpen { kFile, kServer };
std::unique_ptr<Store> NewLibcrmStore(LibcrmOpen open = LibcrmOpen::kFile);
// Drops the PostgreSQL workspace `url` names, with all it holds; "" when
// done, else why not. No store may have it open.
std::string DropLibcrmWorkspace(const std::string& url);

// The hand-written SQLite baselines.
enum class SqliteLayout {
  // "bare": user fields in typed columns; no history, no search index.
  kBare,
  // "same work": the bare layout doing what libcrm does for the same calls:
  // every standard column libcrm has, a history row (the created record's
  // values as JSON) and a full-text row (libcrm's FTS5 settings) for each
  // customer created, an event log with actor, source, idempotency key and
  // properties as JSON text, and reads that copy every value out.
  kSameWork,
  // "json": the bare layout with the user fields in one JSON column and an
  // expression index on the filtered field.
  kJson,
};
std::unique_ptr<Store> NewSqliteStore(SqliteLayout layout);

}  // namespace crm_bench

#endif  // CRM_BENCHMARKS_STORE_H_
