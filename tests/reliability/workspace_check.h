// What a workspace written by crm_crash_writer holds, read behind libcrm's
// back (raw_db.h: a file or a PostgreSQL workspace): which steps are
// stored, and whether each is whole.
#ifndef CRM_TESTS_RELIABILITY_WORKSPACE_CHECK_H_
#define CRM_TESTS_RELIABILITY_WORKSPACE_CHECK_H_

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "raw_db.h"
#include "reliability_support.h"

namespace crm_reliability {

struct WorkspaceContents {
  std::string integrity;          // "ok" or the problems found
  std::string error;              // a query that failed, if any
  std::set<int64_t> steps;        // steps stored whole
  std::vector<std::string> torn;  // units stored in part
  int64_t customers = 0;
  int64_t created_events = 0;  // crm.record.created history events
};

// The unit of an id "b12-3" / "e12-3", or -1.
inline int64_t UnitOf(const std::string& id) {
  if (id.size() < 2 || (id[0] != 'b' && id[0] != 'e')) return -1;
  return std::strtoll(id.c_str() + 1, nullptr, 10);
}

inline WorkspaceContents ReadContents(const std::string& location) {
  WorkspaceContents out;
  RawDb raw(location);
  if (!raw.ok()) {
    out.error = raw.error();
    return out;
  }
  out.integrity = raw.IntegrityCheck();
  std::map<int64_t, int> customers, events;
  for (const std::string& id : raw.Column("SELECT external_id FROM "
                                          "crm_customers")) {
    ++customers[UnitOf(id)];
    ++out.customers;
  }
  for (const std::string& key : raw.Column(
           "SELECT idempotency_key FROM crm_events WHERE idempotency_key IS "
           "NOT NULL")) {
    ++events[UnitOf(key)];
  }
  out.created_events = CreatedEvents(raw);
  if (!raw.ok()) out.error = raw.error();
  for (const auto& [unit, count] : customers) {
    if (count == kRowsPerBatch && unit >= 0) {
      out.steps.insert(2 * unit);
    } else {
      out.torn.push_back("unit " + std::to_string(unit) + ": " +
                         std::to_string(count) + " customers");
    }
  }
  for (const auto& [unit, count] : events) {
    if (count == kRowsPerBatch && out.steps.count(2 * unit)) {
      out.steps.insert(2 * unit + 1);
    } else {
      out.torn.push_back("unit " + std::to_string(unit) + ": " +
                         std::to_string(count) + " events");
    }
  }
  // A unit written in a host transaction is both steps or neither, and its
  // first customer's late change and correction are there with them.
  std::map<std::string, int> late;
  for (const std::string& id : raw.Column(
           "SELECT c.external_id FROM crm_events e JOIN crm_strings s ON "
           "s.id = e.type_id JOIN crm_customers c ON c.id = e.customer_id "
           "WHERE s.text = 'crm.record.updated' AND e.occurred_at < "
           "e.recorded_at")) {
    ++late[id];
  }
  if (!raw.ok()) out.error = raw.error();
  for (int64_t step : out.steps) {
    int64_t unit = step / 2;
    if (unit % 3 == 0 && !out.steps.count(step ^ 1)) {
      out.torn.push_back("transaction of unit " + std::to_string(unit));
    }
    const std::string first = ExternalId(unit, 0);
    if (step % 2 == 0 && late[first] != (unit % 3 == 0 ? 2 : 0)) {
      out.torn.push_back("late changes of " + first + ": " +
                         std::to_string(late[first]));
    }
    late.erase(first);
  }
  for (const auto& [id, count] : late) {
    out.torn.push_back("late changes of " + id + " outside a stored unit");
  }
  return out;
}

// The steps a writer reported committed: complete lines of its report file.
inline std::set<int64_t> ReadReport(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  std::set<int64_t> steps;
  size_t start = 0, end;
  while ((end = all.find('\n', start)) != std::string::npos) {
    steps.insert(std::strtoll(all.c_str() + start, nullptr, 10));
    start = end + 1;
  }
  return steps;
}

// The steps the writer's next commit stores, given the unit it started at
// and the last step it reported (-1 for none).
inline std::set<int64_t> NextCommit(int64_t first_unit, int64_t last_step) {
  if (last_step >= 0 && last_step % 2 == 0) return {last_step + 1};
  int64_t unit = last_step < 0 ? first_unit : last_step / 2 + 1;
  if (unit % 3 == 0) return {2 * unit, 2 * unit + 1};
  return {2 * unit};
}

}  // namespace crm_reliability

#endif  // CRM_TESTS_RELIABILITY_WORKSPACE_CHECK_H_
