// Helpers for libcrm's fuzz targets: an in-memory workspace per input, and
// a hard stop when an invariant breaks (libFuzzer reports it as a crash).
#ifndef CRM_FUZZ_FUZZ_SUPPORT_H_
#define CRM_FUZZ_FUZZ_SUPPORT_H_

#include <cstdio>
#include <cstdlib>

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

// A fresh in-memory workspace, closed when it goes out of scope.
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

inline int64_t Count(crm_db* db) {
  int64_t count = -1;
  CRM_FUZZ_CHECK(crm_customer_count(&count, db) == CRM_OK);
  return count;
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
