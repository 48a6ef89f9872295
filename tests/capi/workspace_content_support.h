// What the tests of moving a workspace share (crm_workspace_copy, crm_dump
// and crm_load): a workspace holding one of everything a move must keep, and
// the comparison of two workspaces through the C ABI.
#ifndef CRM_TESTS_CAPI_WORKSPACE_CONTENT_SUPPORT_H_
#define CRM_TESTS_CAPI_WORKSPACE_CONTENT_SUPPORT_H_

#include <string>
#include <vector>

#include "test_support.h"

namespace crm_test {

inline std::string Checksum(crm_db* db) {
  char* hex = nullptr;
  EXPECT_EQ(crm_workspace_checksum(&hex, db), CRM_OK)
      << crm_last_error_message();
  String owned(hex);
  return hex != nullptr ? std::string(hex) : std::string();
}

inline std::string RecordJson(crm_record* record) {
  const char* json = nullptr;
  size_t size = 0;
  EXPECT_EQ(crm_record_encode_json(&json, &size, record), CRM_OK)
      << crm_last_error_message();
  return json != nullptr ? std::string(json, size) : std::string();
}

inline std::string FieldList(crm_db* db) {
  char* json = nullptr;
  EXPECT_EQ(crm_field_list(&json, db, CRM_LIST_INCLUDE_ARCHIVED), CRM_OK)
      << crm_last_error_message();
  String owned(json);
  return json != nullptr ? std::string(json) : std::string();
}

inline int64_t Append(crm_db* db, int64_t customer, const char* type,
                      const char* key, int64_t amount) {
  crm_event* event = nullptr;
  EXPECT_EQ(crm_event_new(&event), CRM_OK);
  Event owned(event);
  crm_event_set_customer(event, customer);
  crm_event_set_type(event, type);
  crm_event_set_channel(event, "email");
  crm_event_set_actor(event, "agent-7");
  crm_event_set_source(event, "import");
  crm_event_set_occurred_at(event, 1700000000000000 + amount);
  if (key != nullptr) crm_event_set_idempotency_key(event, key);
  crm_record_set_integer(crm_event_properties(event), "amount", amount);
  crm_record_set_text(crm_event_properties(event), "note", "Zoë's order");
  int64_t seq = 0;
  EXPECT_EQ(crm_event_append(&seq, nullptr, db, event), CRM_OK)
      << crm_last_error_message();
  return seq;
}

// A workspace holding one of everything a copy must keep. Returns the id of
// the last customer created, which is deleted.
inline int64_t Fill(crm_db* db) {
  Define(db, R"({"name":"notes","type":"long_text","label":"Notes",
                 "group":"crm"})");
  Define(db, R"({"name":"score","type":"integer","min":"0","max":"100",
                 "indexed":true})");
  Define(db, R"({"name":"revenue","type":"decimal","scale":2})");
  Define(db, R"({"name":"vip","type":"boolean"})");
  Define(db, R"({"name":"birthday","type":"date"})");
  Define(db, R"({"name":"last_seen","type":"datetime"})");
  Define(db, R"({"name":"plan","type":"choice","options":["basic","pro"],
                 "default_value":{"text":"basic"}})");
  Define(db, R"({"name":"channels","type":"multi_choice",
                 "options":["mail","sms"]})");
  Define(db, R"({"name":"labels","type":"tags"})");
  Define(db, R"({"name":"work_email","type":"email","unique":true})");
  Define(db, R"({"name":"mobile","type":"phone"})");
  Define(db, R"({"name":"site","type":"url"})");
  Define(db, R"({"name":"parent","type":"reference"})");
  Define(db, R"({"name":"legacy","type":"text"})");
  Define(db, R"({"name":"dropped","type":"text"})");
  EXPECT_EQ(crm_field_update(db, "city", R"({"label":"Town"})"), CRM_OK)
      << crm_last_error_message();

  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    Record record = NewRecord();
    std::string n = std::to_string(i);
    crm_record_set_text(record.get(), "name", ("Zoë Müller " + n).c_str());
    crm_record_set_text(record.get(), "email", ("zoe" + n + "@x.org").c_str());
    crm_record_set_text(record.get(), "external_id", ("ext-" + n).c_str());
    crm_record_set_text(record.get(), "notes", "long\nnote");
    crm_record_set_integer(record.get(), "score", 10 * i);
    crm_record_set_decimal(record.get(), "revenue", "1234.50");
    crm_record_set_boolean(record.get(), "vip", i % 2);
    crm_record_set_date(record.get(), "birthday", "1990-02-28");
    crm_record_set_datetime(record.get(), "last_seen", 1700000000123456);
    const char* channels[] = {"mail", "sms"};
    crm_record_set_list(record.get(), "channels", channels, 2);
    const char* labels[] = {"a", "b,c"};
    crm_record_set_list(record.get(), "labels", labels, 2);
    crm_record_set_text(record.get(), "work_email",
                        ("w" + n + "@x.org").c_str());
    crm_record_set_text(record.get(), "mobile", "+44 20 7946 0000");
    crm_record_set_text(record.get(), "site", "https://x.org/a");
    if (!ids.empty()) crm_record_set_integer(record.get(), "parent", ids[0]);
    crm_record_set_text(record.get(), "legacy", "old");
    crm_record_set_text(record.get(), "dropped", "gone");
    ids.push_back(Create(db, record.get()));
  }
  // History: an update, and a customer deleted (the highest id).
  Record change = NewRecord();
  crm_record_set_integer(change.get(), "score", 99);
  crm_record_set_text(change.get(), "stage", "customer");
  EXPECT_EQ(crm_customer_update(nullptr, db, ids[1], 0, change.get(), "bob"),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(crm_customer_delete(db, ids.back(), 0, "bob"), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(crm_field_archive(db, "legacy"), CRM_OK);
  EXPECT_EQ(crm_field_delete(db, "dropped"), CRM_OK)
      << crm_last_error_message();

  EXPECT_EQ(crm_event_type_define(db, R"({"name":"order.placed",
      "properties":[{"name":"amount","type":"integer","required":true},
                    {"name":"note","type":"text"}]})"),
            CRM_OK)
      << crm_last_error_message();
  Append(db, ids[0], "order.placed", "order-1", 5);
  Append(db, ids[2], "order.placed", nullptr, 7);
  Append(db, ids[2], "call", "call-1", 9);
  EXPECT_EQ(crm_segment_save(db, "vips", CRM_QUERY_CUSTOMERS, "vip = true"),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(
      crm_segment_save(db, "orders", CRM_QUERY_EVENTS, "type = 'order.placed'"),
      CRM_OK)
      << crm_last_error_message();
  return ids.back();
}

inline int64_t LastSeq(crm_db* db) {
  int64_t seq = 0;
  for (int64_t s = 1;; ++s) {
    crm_event* event = nullptr;
    if (crm_event_get(&event, db, s) != CRM_OK) return seq;
    crm_event_free(event);
    seq = s;
  }
}

inline std::string EventText(crm_db* db, int64_t seq) {
  crm_event* raw = nullptr;
  EXPECT_EQ(crm_event_get(&raw, db, seq), CRM_OK) << crm_last_error_message();
  Event event(raw);
  if (!event) return "";
  return std::to_string(crm_event_seq(raw)) + "|" +
         std::to_string(crm_event_customer(raw)) + "|" +
         std::to_string(crm_event_occurred_at(raw)) + "|" +
         std::to_string(crm_event_recorded_at(raw)) + "|" +
         crm_event_type(raw) + "|" + crm_event_channel(raw) + "|" +
         crm_event_actor(raw) + "|" + crm_event_source(raw) + "|" +
         crm_event_idempotency_key(raw) + "|" +
         RecordJson(crm_event_properties(raw)) + "|" +
         RecordJson(crm_event_before(raw)) + "|" +
         RecordJson(crm_event_after(raw));
}

// Everything `copy` must show as `original` does, read through the C ABI.
// `named` customers are "Müller" (Fill()'s, less any merged away).
inline void ExpectSameContent(crm_db* original, crm_db* copy, int64_t max_id,
                              size_t named = 4) {
  EXPECT_EQ(Checksum(original), Checksum(copy));
  EXPECT_EQ(FieldList(original), FieldList(copy));
  EXPECT_EQ(Count(original), Count(copy));
  for (int64_t id = 1; id <= max_id; ++id) {
    crm_record* a = nullptr;
    crm_record* b = nullptr;
    int rc_a = crm_customer_get(&a, original, id);
    int rc_b = crm_customer_get(&b, copy, id);
    Record owned_a(a), owned_b(b);
    ASSERT_EQ(rc_a, rc_b) << "customer " << id;
    if (rc_a != CRM_OK) continue;
    EXPECT_EQ(RecordJson(a), RecordJson(b)) << "customer " << id;
  }
  int64_t last = LastSeq(original);
  EXPECT_GT(last, 0);
  EXPECT_EQ(LastSeq(copy), last);
  for (int64_t seq = 1; seq <= last; ++seq) {
    EXPECT_EQ(EventText(original, seq), EventText(copy, seq)) << seq;
  }
  int64_t count_a = -1, count_b = -2;
  EXPECT_EQ(crm_segment_count(&count_a, original, "vips"), CRM_OK);
  EXPECT_EQ(crm_segment_count(&count_b, copy, "vips"), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(count_a, count_b);
  // The search index was rebuilt from the copied values: Fill()'s
  // customers that are not deleted are all "Müller".
  crm_rows* found = nullptr;
  ASSERT_EQ(crm_customer_search(&found, copy, "muller", 100), CRM_OK)
      << crm_last_error_message();
  Rows owned_found(found);
  crm_rows* found_before = nullptr;
  ASSERT_EQ(crm_customer_search(&found_before, original, "muller", 100), CRM_OK)
      << crm_last_error_message();
  Rows owned_before(found_before);
  EXPECT_EQ(crm_rows_size(found), crm_rows_size(found_before));
  EXPECT_EQ(crm_rows_size(found), named);
}

// The next customer id and seq on `db` are above `deleted_id` and
// `last_seq`.
inline void ExpectNextIdsAbove(crm_db* db, int64_t deleted_id,
                               int64_t last_seq) {
  int64_t id = CreateNamed(db, "next");
  EXPECT_GT(id, deleted_id);
  EXPECT_GT(Append(db, id, "call", nullptr, 1), last_seq + 1)
      << "the create's history event took one seq";
}

}  // namespace crm_test

#endif  // CRM_TESTS_CAPI_WORKSPACE_CONTENT_SUPPORT_H_
