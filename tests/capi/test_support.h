// Helpers for tests that use libcrm through its C ABI.
#ifndef CRM_TESTS_CAPI_TEST_SUPPORT_H_
#define CRM_TESTS_CAPI_TEST_SUPPORT_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "base/rules.g.h"
#include "crm/crm.h"

namespace crm_test {

struct DbCloser {
  void operator()(crm_db* db) const { crm_close(db); }
};
struct RecordFreer {
  void operator()(crm_record* record) const { crm_record_free(record); }
};
struct ReportFreer {
  void operator()(crm_batch_report* report) const {
    crm_batch_report_free(report);
  }
};
struct StringFreer {
  void operator()(char* s) const { crm_string_free(s); }
};
struct EventFreer {
  void operator()(crm_event* event) const { crm_event_free(event); }
};
struct PageFreer {
  void operator()(crm_event_page* page) const { crm_event_page_free(page); }
};
struct QueryFreer {
  void operator()(crm_query* query) const { crm_query_free(query); }
};
struct RowsFreer {
  void operator()(crm_rows* rows) const { crm_rows_free(rows); }
};
using Db = std::unique_ptr<crm_db, DbCloser>;
using Record = std::unique_ptr<crm_record, RecordFreer>;
using Report = std::unique_ptr<crm_batch_report, ReportFreer>;
using String = std::unique_ptr<char, StringFreer>;
using Event = std::unique_ptr<crm_event, EventFreer>;
using Page = std::unique_ptr<crm_event_page, PageFreer>;
using Query = std::unique_ptr<crm_query, QueryFreer>;
using Rows = std::unique_ptr<crm_rows, RowsFreer>;

// A handle on `admin`'s workspace restricted to `profile`, acting as
// `actor` (crm_db_restrict); a failure is reported and gives a null handle.
inline Db RestrictTo(crm_db* admin, const char* profile, const char* actor) {
  crm_db* view = nullptr;
  EXPECT_EQ(crm_db_restrict(&view, admin, profile, actor), CRM_OK)
      << crm_last_error_message();
  return Db(view);
}

// A directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "crm-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const {
    return (std::filesystem::path(path_) / name).string();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The conformance suite runs the tests that touch storage against each
// backend: on SQLite files by default, and on PostgreSQL workspaces when
// CRM_TEST_BACKEND_URL names a PostgreSQL server (CTest sets it to the
// server it started). On PostgreSQL a test's file path names a
// workspace instead: the same path gives the same workspace (a test that
// reopens its file reopens it), another path another one, and ":memory:" a
// new one at each open. Workspaces are left for the throwaway server to take
// with it.
inline bool OnPostgres() {
  const char* server = std::getenv("CRM_TEST_BACKEND_URL");
  return server != nullptr && *server != '\0';
}

// The URL of the PostgreSQL workspace that stands for `path`.
inline std::string WorkspaceUrlFor(const std::string& path) {
  static std::atomic<int> in_memory{0};
  const char* server = std::getenv("CRM_TEST_BACKEND_URL");
  EXPECT_NE(server, nullptr) << "CRM_TEST_BACKEND_URL is not set";
  std::string base = server != nullptr ? server : "";
  char name[64];
  if (path == ":memory:") {
    std::snprintf(name, sizeof name, "m_%d_%d", static_cast<int>(getpid()),
                  in_memory.fetch_add(1));
  } else {
    std::snprintf(name, sizeof name, "t_%016zx",
                  std::hash<std::string>()(path));
  }
  return base + (base.find('?') == std::string::npos ? "?" : "&") +
         "workspace=" + name;
}

// crm_open() on the backend under test: `path` as it is, or the PostgreSQL
// workspace that stands for it.
inline int OpenOn(crm_db** out, const std::string& path,
                  const crm_open_options* options) {
  if (!OnPostgres()) return crm_open(out, path.c_str(), options);
  return crm_open_url(out, WorkspaceUrlFor(path).c_str(), options);
}

// Opens a workspace, failing the test on error.
inline Db OpenDb(const std::string& path) {
  crm_db* db = nullptr;
  int rc = OpenOn(&db, path, nullptr);
  EXPECT_EQ(rc, CRM_OK) << crm_last_error_message();
  return Db(db);
}

// Opens the workspace `url` names (creating it), failing the test on error.
inline Db OpenDbUrl(const std::string& url) {
  crm_db* db = nullptr;
  int rc = crm_open_url(&db, url.c_str(), nullptr);
  EXPECT_EQ(rc, CRM_OK) << crm_last_error_message();
  return Db(db);
}

inline Record NewRecord() {
  crm_record* record = nullptr;
  EXPECT_EQ(crm_record_new(&record), CRM_OK);
  return Record(record);
}

// Defines a field from JSON, failing the test on error.
inline int64_t Define(crm_db* db, const std::string& json) {
  int64_t id = 0;
  EXPECT_EQ(crm_field_define(&id, db, json.c_str()), CRM_OK)
      << crm_last_error_message();
  return id;
}

inline int64_t Create(crm_db* db, const crm_record* record) {
  int64_t id = 0;
  EXPECT_EQ(crm_customer_create(&id, db, record, "test"), CRM_OK)
      << crm_last_error_message();
  return id;
}

// Creates a customer with only a name, failing the test on error.
inline int64_t CreateNamed(crm_db* db, const std::string& name) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", name.c_str());
  return Create(db, record.get());
}

inline Record Get(crm_db* db, int64_t id) {
  crm_record* record = nullptr;
  EXPECT_EQ(crm_customer_get(&record, db, id), CRM_OK)
      << crm_last_error_message();
  return Record(record);
}

// The text value of a field, or "<none>" when the record holds none.
inline std::string Text(const crm_record* record, const char* field) {
  const char* text = nullptr;
  if (crm_record_get_text(&text, record, field) != CRM_OK) return "<none>";
  return text;
}

inline int64_t Count(crm_db* db) {
  int64_t count = -1;
  EXPECT_EQ(crm_customer_count(&count, db), CRM_OK);
  return count;
}

// Expects the last call to have failed with `status`, naming `field` and
// `rule` (when given).
// True when `rule` is one of crm.h's documented CRM_RULE_* texts, or "".
inline bool IsDocumentedRule(const char* rule) {
  for (size_t i = 0; i < crm::kRuleCount; ++i) {
    if (std::string(rule) == crm::RuleText(static_cast<crm::Rule>(i))) {
      return true;
    }
  }
  return false;
}

#define EXPECT_CRM_ERROR(call, status, field, rule)                            \
  do {                                                                         \
    int crm_rc_ = (call);                                                      \
    EXPECT_EQ(crm_rc_, (status))                                               \
        << crm_status_name(crm_rc_) << ": " << crm_last_error_message();       \
    EXPECT_STREQ(crm_last_error_field(), (field)) << crm_last_error_message(); \
    EXPECT_STREQ(crm_last_error_rule(), (rule)) << crm_last_error_message();   \
    EXPECT_TRUE(::crm_test::IsDocumentedRule(crm_last_error_rule()))           \
        << crm_last_error_rule();                                              \
  } while (false)

}  // namespace crm_test

#endif  // CRM_TESTS_CAPI_TEST_SUPPORT_H_
