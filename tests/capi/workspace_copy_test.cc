// crm_workspace_copy() and crm_workspace_checksum(): a workspace with fields
// of every type, deleted and archived fields, deleted customers, history,
// keyed events, event types and segments is copied faithfully, on the
// backend under test (test_support.h) and, when a PostgreSQL server is
// given, from a file to PostgreSQL and back.
#include <sqlite3.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace crm_test {
namespace {

std::string Checksum(crm_db* db) {
  char* hex = nullptr;
  EXPECT_EQ(crm_workspace_checksum(&hex, db), CRM_OK)
      << crm_last_error_message();
  String owned(hex);
  return hex != nullptr ? std::string(hex) : std::string();
}

std::string RecordJson(crm_record* record) {
  const char* json = nullptr;
  size_t size = 0;
  EXPECT_EQ(crm_record_encode_json(&json, &size, record), CRM_OK)
      << crm_last_error_message();
  return json != nullptr ? std::string(json, size) : std::string();
}

std::string FieldList(crm_db* db) {
  char* json = nullptr;
  EXPECT_EQ(crm_field_list(&json, db, CRM_LIST_INCLUDE_ARCHIVED), CRM_OK)
      << crm_last_error_message();
  String owned(json);
  return json != nullptr ? std::string(json) : std::string();
}

int64_t Append(crm_db* db, int64_t customer, const char* type, const char* key,
               int64_t amount) {
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
int64_t Fill(crm_db* db) {
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

int64_t LastSeq(crm_db* db) {
  int64_t seq = 0;
  for (int64_t s = 1;; ++s) {
    crm_event* event = nullptr;
    if (crm_event_get(&event, db, s) != CRM_OK) return seq;
    crm_event_free(event);
    seq = s;
  }
}

std::string EventText(crm_db* db, int64_t seq) {
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
void ExpectSameContent(crm_db* original, crm_db* copy, int64_t max_id) {
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
  // The search index was rebuilt from the copied values.
  crm_rows* found = nullptr;
  ASSERT_EQ(crm_customer_search(&found, copy, "muller", 100), CRM_OK)
      << crm_last_error_message();
  Rows owned_found(found);
  EXPECT_EQ(crm_rows_size(found), static_cast<size_t>(Count(original)));
}

// The next customer id and seq on `db` are above `deleted_id` and
// `last_seq`.
void ExpectNextIdsAbove(crm_db* db, int64_t deleted_id, int64_t last_seq) {
  int64_t id = CreateNamed(db, "next");
  EXPECT_GT(id, deleted_id);
  EXPECT_GT(Append(db, id, "call", nullptr, 1), last_seq + 1)
      << "the create's history event took one seq";
}

class WorkspaceCopyTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(WorkspaceCopyTest, CopiesEverythingWithItsIdsAndChecksumsMatch) {
  Db source = OpenDb(dir_.File("source.crm"));
  Db target = OpenDb(dir_.File("target.crm"));
  const std::string empty = Checksum(target.get());
  int64_t deleted = Fill(source.get());
  const std::string before = Checksum(source.get());
  EXPECT_NE(before, empty);

  ASSERT_EQ(crm_workspace_copy(target.get(), source.get()), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(Checksum(source.get()), before) << "the source is unchanged";
  ExpectSameContent(source.get(), target.get(), deleted);
  crm_record* gone = nullptr;
  EXPECT_EQ(crm_customer_get(&gone, target.get(), deleted), CRM_E_NOT_FOUND);
  ExpectNextIdsAbove(target.get(), deleted, LastSeq(source.get()));
}

TEST_F(WorkspaceCopyTest, CopiedWorkspaceReopensAndVerifies) {
  int64_t deleted = 0;
  std::string sum;
  {
    Db source = OpenDb(dir_.File("source.crm"));
    Db target = OpenDb(dir_.File("target.crm"));
    deleted = Fill(source.get());
    ASSERT_EQ(crm_workspace_copy(target.get(), source.get()), CRM_OK)
        << crm_last_error_message();
    sum = Checksum(source.get());
  }
  Db reopened = OpenDb(dir_.File("target.crm"));
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Checksum(reopened.get()), sum);
  EXPECT_GT(CreateNamed(reopened.get(), "after reopen"), deleted);
}

TEST_F(WorkspaceCopyTest, ChecksumChangesWithAnyChange) {
  Db db = OpenDb(dir_.File("a.crm"));
  Fill(db.get());
  std::vector<std::string> sums = {Checksum(db.get())};
  EXPECT_EQ(Checksum(db.get()), sums[0]) << "stable";
  EXPECT_EQ(sums[0].size(), 64u);
  // A field definition.
  ASSERT_EQ(crm_field_update(db.get(), "score", R"({"label":"Points"})"),
            CRM_OK);
  sums.push_back(Checksum(db.get()));
  // A value (and its history event).
  Record change = NewRecord();
  crm_record_set_integer(change.get(), "score", 42);
  ASSERT_EQ(crm_customer_update(nullptr, db.get(), 1, 0, change.get(), "x"),
            CRM_OK);
  sums.push_back(Checksum(db.get()));
  // An event.
  Append(db.get(), 1, "call", nullptr, 3);
  sums.push_back(Checksum(db.get()));
  // A segment.
  ASSERT_EQ(
      crm_segment_save(db.get(), "top", CRM_QUERY_CUSTOMERS, "score > 50"),
      CRM_OK);
  sums.push_back(Checksum(db.get()));
  for (size_t i = 0; i < sums.size(); ++i) {
    for (size_t j = i + 1; j < sums.size(); ++j) {
      EXPECT_NE(sums[i], sums[j]) << i << " vs " << j;
    }
  }
}

TEST_F(WorkspaceCopyTest, RefusesATargetThatIsNotEmptyAndChangesNothing) {
  Db source = OpenDb(dir_.File("source.crm"));
  Db target = OpenDb(dir_.File("target.crm"));
  Fill(source.get());
  ASSERT_EQ(crm_workspace_copy(target.get(), source.get()), CRM_OK)
      << crm_last_error_message();
  Append(source.get(), 1, "call", nullptr, 11);
  const std::string sum = Checksum(target.get());
  EXPECT_CRM_ERROR(crm_workspace_copy(target.get(), source.get()),
                   CRM_E_CONFLICT, "", CRM_RULE_TARGET);
  EXPECT_EQ(Checksum(target.get()), sum);

  // A target whose only customer was deleted still remembers its id.
  Db used = OpenDb(dir_.File("used.crm"));
  crm_customer_delete(used.get(), CreateNamed(used.get(), "x"), 0, "t");
  EXPECT_CRM_ERROR(crm_workspace_copy(used.get(), source.get()), CRM_E_CONFLICT,
                   "", CRM_RULE_TARGET);
  // A target with a user-defined field, even a deleted one.
  Db fielded = OpenDb(dir_.File("fielded.crm"));
  Define(fielded.get(), R"({"name":"x","type":"text"})");
  ASSERT_EQ(crm_field_delete(fielded.get(), "x"), CRM_OK);
  const std::string fielded_sum = Checksum(fielded.get());
  EXPECT_CRM_ERROR(crm_workspace_copy(fielded.get(), source.get()),
                   CRM_E_CONFLICT, "", CRM_RULE_TARGET);
  EXPECT_EQ(Checksum(fielded.get()), fielded_sum);
}

TEST_F(WorkspaceCopyTest, ChecksArguments) {
  Db db = OpenDb(dir_.File("a.crm"));
  EXPECT_CRM_ERROR(crm_workspace_copy(db.get(), db.get()),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_TO);
  EXPECT_CRM_ERROR(crm_workspace_copy(nullptr, db.get()),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_TO);
  EXPECT_CRM_ERROR(crm_workspace_copy(db.get(), nullptr),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_FROM);
  EXPECT_CRM_ERROR(crm_workspace_checksum(nullptr, db.get()),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_OUT);
  char* hex = reinterpret_cast<char*>(1);
  EXPECT_CRM_ERROR(crm_workspace_checksum(&hex, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_DB);
  EXPECT_EQ(hex, nullptr);
}

// A failure midway (a damaged value in the source's last customer, after a
// page of customers and the fields were written) leaves the target empty:
// the same checksum and fields as before, and a later copy succeeds.
TEST_F(WorkspaceCopyTest, FailureMidwayLeavesTheTargetEmpty) {
  const std::string path = dir_.File("damaged.crm");
  crm_db* raw = nullptr;
  ASSERT_EQ(crm_open(&raw, path.c_str(), nullptr), CRM_OK);
  Db source(raw);
  int64_t field = Define(source.get(), R"({"name":"note","type":"text"})");
  for (int i = 0; i < 1100; ++i)
    CreateNamed(source.get(), "c" + std::to_string(i));
  source.reset();
  sqlite3* file = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &file), SQLITE_OK);
  std::string sql = "UPDATE crm_customers SET f_" + std::to_string(field) +
                    " = x'00ff' WHERE id = 1100";
  ASSERT_EQ(sqlite3_exec(file, sql.c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(file);
  ASSERT_EQ(crm_open(&raw, path.c_str(), nullptr), CRM_OK);
  source.reset(raw);

  Db target = OpenDb(dir_.File("target.crm"));
  const std::string empty = Checksum(target.get());
  const std::string fields = FieldList(target.get());
  EXPECT_CRM_ERROR(crm_workspace_copy(target.get(), source.get()), CRM_E_IO,
                   "note", CRM_RULE_DAMAGED);
  EXPECT_EQ(Checksum(target.get()), empty);
  EXPECT_EQ(FieldList(target.get()), fields);
  EXPECT_EQ(Count(target.get()), 0);

  Db good = OpenDb(dir_.File("good.crm"));
  int64_t deleted = Fill(good.get());
  ASSERT_EQ(crm_workspace_copy(target.get(), good.get()), CRM_OK)
      << crm_last_error_message();
  ExpectSameContent(good.get(), target.get(), deleted);
}

// Legal-hold stubs keep their hold, and the suppression key and list move
// with the workspace: an erased, suppressed person stays refused after a
// move, and held data still goes when its hold ends.
TEST_F(WorkspaceCopyTest, CopiesLegalHoldStubsAndSuppressions) {
  Db source = OpenDb(dir_.File("source.crm"));
  Db target = OpenDb(dir_.File("target.crm"));
  ASSERT_EQ(crm_field_update(source.get(), "company", R"({"hold_days": 30})"),
            CRM_OK)
      << crm_last_error_message();
  Record ada = NewRecord();
  crm_record_set_text(ada.get(), "name", "Ada");
  crm_record_set_text(ada.get(), "company", "Acme");
  crm_record_set_text(ada.get(), "email", "ada@example.org");
  const int64_t id = Create(source.get(), ada.get());
  crm_erase_options options = CRM_ERASE_OPTIONS_INIT;
  options.flags = CRM_ERASE_KEEP_HELD | CRM_ERASE_SUPPRESS;
  char* receipt = nullptr;
  ASSERT_EQ(crm_customer_erase(&receipt, source.get(), id, &options), CRM_OK)
      << crm_last_error_message();
  const std::string text(receipt);
  crm_string_free(receipt);
  const size_t at = text.find("\"stub_id\":");
  ASSERT_NE(at, std::string::npos) << text;
  const int64_t stub = std::stoll(text.substr(at + 10));
  int64_t held_until = 0;
  ASSERT_EQ(crm_customer_held_until(&held_until, source.get(), stub), CRM_OK);
  ASSERT_GT(held_until, 0);
  const std::string before = Checksum(source.get());

  ASSERT_EQ(crm_workspace_copy(target.get(), source.get()), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(Checksum(target.get()), before);
  int64_t copied_until = 0;
  ASSERT_EQ(crm_customer_held_until(&copied_until, target.get(), stub), CRM_OK);
  EXPECT_EQ(copied_until, held_until);
  int suppressed = 0;
  ASSERT_EQ(crm_suppression_check(&suppressed, target.get(), "ADA@example.org",
                                  nullptr),
            CRM_OK);
  EXPECT_EQ(suppressed, 1);
  ASSERT_EQ(crm_suppression_add(target.get(), "bob@example.org", nullptr),
            CRM_OK);
  EXPECT_NE(Checksum(target.get()), before);
}

// File -> PostgreSQL -> file, when a server is given: all three hold the
// same content, and each copy hands out ids above the source's.
TEST_F(WorkspaceCopyTest, FileToPostgresToFile) {
  // Registered for PostgreSQL only (tests/CMakeLists.txt).
  ASSERT_TRUE(OnPostgres());
  crm_db* raw = nullptr;
  ASSERT_EQ(crm_open(&raw, dir_.File("first.crm").c_str(), nullptr), CRM_OK);
  Db first(raw);
  int64_t deleted = Fill(first.get());
  Db server = OpenDbUrl(WorkspaceUrlFor(dir_.File("middle")));
  ASSERT_EQ(crm_workspace_copy(server.get(), first.get()), CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(crm_open(&raw, dir_.File("last.crm").c_str(), nullptr), CRM_OK);
  Db last(raw);
  ASSERT_EQ(crm_workspace_copy(last.get(), server.get()), CRM_OK)
      << crm_last_error_message();
  ExpectSameContent(first.get(), server.get(), deleted);
  ExpectSameContent(first.get(), last.get(), deleted);
  const int64_t last_seq = LastSeq(first.get());
  ExpectNextIdsAbove(server.get(), deleted, last_seq);
  ExpectNextIdsAbove(last.get(), deleted, last_seq);
}

}  // namespace
}  // namespace crm_test
