// Helpers of the backup, restore and verify tests: a workspace holding what
// a backup must keep and a verify must accept (history with late changes,
// deleted and erased customers, a deleted field, events) and crm_verify()'s
// report.
#ifndef CRM_TESTS_CAPI_BACKUP_SUPPORT_H_
#define CRM_TESTS_CAPI_BACKUP_SUPPORT_H_

#include <string>
#include <vector>

#include "test_support.h"
#include "workspace_content_support.h"

namespace crm_test {

// crm_verify()'s report; "" when the call fails. (Checksum() is
// workspace_content_support.h's.)
inline std::string Verify(crm_db* db) {
  char* json = nullptr;
  EXPECT_EQ(crm_verify(&json, db), CRM_OK) << crm_last_error_message();
  String owned(json);
  return json != nullptr ? std::string(json) : std::string();
}

inline bool VerifiesOk(crm_db* db) {
  const std::string report = Verify(db);
  EXPECT_EQ(report.rfind("{\"ok\":true,", 0), 0u) << report;
  return report.rfind("{\"ok\":true,", 0) == 0;
}

// A handle on `admin`'s workspace restricted to a profile "desk" (defined
// here) that reads and writes names and grants no operation.
inline Db RestrictedDesk(crm_db* admin) {
  EXPECT_EQ(crm_profile_define(admin, R"({"name": "desk",
      "fields": {"name": "read_write"}})"),
            CRM_OK)
      << crm_last_error_message();
  return RestrictTo(admin, "desk", "agent");
}

// Customers a filled workspace keeps (FillWorkspace() deletes and erases
// one each of kFilledCreated).
inline constexpr int kFilledCreated = 40;

// 2020-01-01, 2021-01-01, 2022-01-01 and 2023-01-01 UTC, in microseconds.
inline constexpr int64_t kUs2020 = 1577836800000000;
inline constexpr int64_t kUs2021 = 1609459200000000;
inline constexpr int64_t kUs2022 = 1640995200000000;
inline constexpr int64_t kUs2023 = 1672531200000000;

// Fills `db` with user fields (one deleted), kFilledCreated customers (one
// created in the past with a bounded and an open late change, one updated,
// one deleted, one erased) and events. Returns the ids created.
inline std::vector<int64_t> FillWorkspace(crm_db* db) {
  Define(db, R"({"name":"score","type":"integer"})");
  Define(db, R"({"name":"plan","type":"choice","options":["basic","pro"]})");
  Define(db, R"({"name":"dropped","type":"text"})");
  std::vector<int64_t> ids;
  for (int i = 0; i < kFilledCreated; ++i) {
    Record record = NewRecord();
    const std::string n = std::to_string(i);
    crm_record_set_text(record.get(), "name", ("Zoë Müller " + n).c_str());
    crm_record_set_text(record.get(), "email", ("zoe" + n + "@x.org").c_str());
    crm_record_set_integer(record.get(), "score", i);
    crm_record_set_text(record.get(), "plan", "basic");
    crm_record_set_text(record.get(), "dropped", "gone");
    if (i == 2) crm_record_set_datetime(record.get(), "created_at", kUs2020);
    crm_write_result* result = nullptr;
    EXPECT_EQ(crm_customer_create_v2(&result, db, record.get(), nullptr, "t"),
              CRM_OK)
        << crm_last_error_message();
    int64_t id = 0;
    if (result != nullptr) id = crm_write_result_id(result);
    crm_write_result_free(result);
    ids.push_back(id);
  }
  Record change = NewRecord();
  crm_record_set_integer(change.get(), "score", 99);
  EXPECT_EQ(crm_customer_update(nullptr, db, ids[1], 0, change.get(), "bob"),
            CRM_OK)
      << crm_last_error_message();
  // Late changes: "pro" through 2021 (a correction that ends), and a score
  // from 2022 on.
  crm_write_options late = CRM_WRITE_OPTIONS_INIT;
  late.effective_at = kUs2021;
  late.effective_until = kUs2022;
  Record plan = NewRecord();
  crm_record_set_text(plan.get(), "plan", "pro");
  EXPECT_EQ(
      crm_customer_update_v2(nullptr, db, ids[2], 0, plan.get(), &late, "bob"),
      CRM_OK)
      << crm_last_error_message();
  late.effective_at = kUs2022;
  late.effective_until = CRM_TIME_MAX;
  Record score = NewRecord();
  crm_record_set_integer(score.get(), "score", 7);
  EXPECT_EQ(
      crm_customer_update_v2(nullptr, db, ids[2], 0, score.get(), &late, "bob"),
      CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(crm_customer_delete(db, ids[3], 0, "bob"), CRM_OK)
      << crm_last_error_message();
  char* receipt = nullptr;
  EXPECT_EQ(crm_customer_erase(&receipt, db, ids[4], nullptr), CRM_OK)
      << crm_last_error_message();
  crm_string_free(receipt);
  EXPECT_EQ(crm_field_delete(db, "dropped"), CRM_OK)
      << crm_last_error_message();
  for (int i = 0; i < 3; ++i) {
    crm_event* event = nullptr;
    EXPECT_EQ(crm_event_new(&event), CRM_OK);
    Event owned(event);
    crm_event_set_customer(event, ids[5 + i]);
    crm_event_set_type(event, "call");
    crm_event_set_channel(event, "phone");
    crm_event_set_occurred_at(event, kUs2023 + i);
    crm_record_set_integer(crm_event_properties(event), "minutes", i);
    int64_t seq = 0;
    EXPECT_EQ(crm_event_append(&seq, nullptr, db, event), CRM_OK)
        << crm_last_error_message();
  }
  return ids;
}

}  // namespace crm_test

#endif  // CRM_TESTS_CAPI_BACKUP_SUPPORT_H_
