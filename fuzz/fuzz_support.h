// Helpers for libcrm's fuzz targets: one workspace per process that every
// input starts from, and a hard stop when an invariant breaks (libFuzzer
// reports it as a crash).
#ifndef CRM_FUZZ_FUZZ_SUPPORT_H_
#define CRM_FUZZ_FUZZ_SUPPORT_H_

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "crm/crm.h"

namespace crm_fuzz {

// Aborts with a message when `condition` is false.
#define CRM_FUZZ_CHECK(condition)                                             \
  do {                                                                        \
    if (!(condition)) {                                                       \
      std::fprintf(stderr, "invariant broken: %s (%s:%d) last error: %s\n",   \
                   #condition, __FILE__, __LINE__, crm_last_error_message()); \
      std::abort();                                                           \
    }                                                                         \
  } while (false)

// The wall clock, in UTC microseconds (libcrm's "now").
inline int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline int64_t Count(crm_db* db) {
  int64_t count = -1;
  CRM_FUZZ_CHECK(crm_customer_count(&count, db) == CRM_OK);
  return count;
}

// Events in the log (the workspaces here hold a few).
inline int64_t EventCount(crm_db* db) {
  crm_event_page* page = nullptr;
  CRM_FUZZ_CHECK(crm_event_follow(&page, db, 0, 10000) == CRM_OK);
  int64_t count = static_cast<int64_t>(crm_event_page_size(page));
  crm_event_page_free(page);
  return count;
}

// What an input may change: customers, events and fields.
struct Contents {
  int64_t customers = 0;
  int64_t events = 0;
  std::string fields;  // crm_field_list(), archived ones included

  // The field list costs more than the rest together (a JSON object per
  // field): read it only where an input may change fields.
  static Contents Of(crm_db* db, bool with_fields) {
    Contents contents;
    contents.customers = Count(db);
    contents.events = EventCount(db);
    if (with_fields) {
      char* json = nullptr;
      CRM_FUZZ_CHECK(crm_field_list(&json, db, CRM_LIST_INCLUDE_ARCHIVED) ==
                     CRM_OK);
      contents.fields = json;
      crm_string_free(json);
    }
    return contents;
  }
  bool operator==(const Contents& other) const {
    return customers == other.customers && events == other.events &&
           fields == other.fields;
  }
};

// The workspace of a fuzzing process: in memory, opened once with what
// `setup` writes to it (committed), and never closed. Opening and setting
// up a workspace costs far more than most inputs, so every input starts
// from this one (see InputTransaction).
class ProcessWorkspace {
 public:
  template <typename Setup>
  explicit ProcessWorkspace(Setup setup) {
    CRM_FUZZ_CHECK(crm_open(&db_, ":memory:", nullptr) == CRM_OK);
    setup(db_);
    contents_ = Contents::Of(db_, false);
    contents_with_fields_ = Contents::Of(db_, true);
  }
  crm_db* get() const { return db_; }
  // As set up.
  const Contents& contents(bool with_fields) const {
    return with_fields ? contents_with_fields_ : contents_;
  }

 private:
  crm_db* db_ = nullptr;
  Contents contents_, contents_with_fields_;
};

// Runs one input in a host transaction and rolls it back when it goes out
// of scope, so that every input starts from the same workspace and a crash
// reproduces from its input alone, as in a new process (ids and sequence
// numbers are reused after a rollback). Checks that the rollback succeeds
// (a failed call inside a transaction must leave it open) and gives the
// workspace back as it was set up: its customers and events, and its
// fields when `fields_may_change`.
class InputTransaction {
 public:
  explicit InputTransaction(const ProcessWorkspace& workspace,
                            bool fields_may_change = false)
      : workspace_(workspace), fields_may_change_(fields_may_change) {
    CRM_FUZZ_CHECK(crm_begin(workspace_.get()) == CRM_OK);
  }
  ~InputTransaction() {
    CRM_FUZZ_CHECK(crm_rollback(workspace_.get()) == CRM_OK);
    CRM_FUZZ_CHECK(Contents::Of(workspace_.get(), fields_may_change_) ==
                   workspace_.contents(fields_may_change_));
  }
  InputTransaction(const InputTransaction&) = delete;
  InputTransaction& operator=(const InputTransaction&) = delete;

 private:
  const ProcessWorkspace& workspace_;
  const bool fields_may_change_;
};

// A new in-memory workspace, closed when it goes out of scope: for targets
// whose inputs drive host transactions themselves.
class MemoryDb {
 public:
  MemoryDb() { CRM_FUZZ_CHECK(crm_open(&db_, ":memory:", nullptr) == CRM_OK); }
  ~MemoryDb() { crm_close(db_); }
  MemoryDb(const MemoryDb&) = delete;
  MemoryDb& operator=(const MemoryDb&) = delete;
  crm_db* get() const { return db_; }

 private:
  crm_db* db_ = nullptr;
};

// Defines a field; returns its id.
inline int64_t DefineField(crm_db* db, const char* definition) {
  int64_t id = 0;
  CRM_FUZZ_CHECK(crm_field_define(&id, db, definition) == CRM_OK);
  return id;
}

// Creates a customer named `name`; returns its id.
inline int64_t CreateNamed(crm_db* db, const char* name) {
  crm_record* record = nullptr;
  CRM_FUZZ_CHECK(crm_record_new(&record) == CRM_OK);
  crm_record_set_text(record, "name", name);
  int64_t id = 0;
  CRM_FUZZ_CHECK(crm_customer_create(&id, db, record, "fuzz") == CRM_OK);
  crm_record_free(record);
  return id;
}

}  // namespace crm_fuzz

#endif  // CRM_FUZZ_FUZZ_SUPPORT_H_
