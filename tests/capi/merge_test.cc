// Merging customers (crm.h "Merging customers"): a merge of any number of
// customers into a survivor by per-field rules, old ids and external ids
// that keep working, writes by merged ids refused, timelines that span the
// merged ids, undo at any later time, erasure of a merged person. Runs on
// both backends.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "json_support.h"
#include "test_support.h"
#include "workspace_content_support.h"

namespace crm_test {
namespace {

class MergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenDb(path_);
    Define(db_.get(), R"({"name": "score", "type": "integer"})");
    Define(db_.get(), R"({"name": "notes", "type": "long_text"})");
    Define(db_.get(), R"({"name": "manager", "type": "reference"})");
  }

  int64_t Person(const std::string& name, const std::string& external_id,
                 const std::string& phone = "", int64_t score = -1) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", name.c_str());
    if (!external_id.empty()) {
      crm_record_set_text(record.get(), "external_id", external_id.c_str());
    }
    if (!phone.empty())
      crm_record_set_text(record.get(), "phone", phone.c_str());
    if (score >= 0) crm_record_set_integer(record.get(), "score", score);
    return Create(db_.get(), record.get());
  }

  void SetTags(int64_t id, std::vector<const char*> tags) {
    Record changes = NewRecord();
    crm_record_set_list(changes.get(), "tags", tags.data(), tags.size());
    ASSERT_EQ(crm_customer_update(nullptr, db_.get(), id, 0, changes.get(), ""),
              CRM_OK)
        << crm_last_error_message();
  }

  void SetText(int64_t id, const char* field, const char* value) {
    Record changes = NewRecord();
    crm_record_set_text(changes.get(), field, value);
    ASSERT_EQ(crm_customer_update(nullptr, db_.get(), id, 0, changes.get(), ""),
              CRM_OK)
        << crm_last_error_message();
  }

  int64_t Call(int64_t customer, const std::string& said) {
    crm_event* raw = nullptr;
    EXPECT_EQ(crm_event_new(&raw), CRM_OK);
    Event event(raw);
    crm_event_set_customer(raw, customer);
    crm_event_set_type(raw, "call");
    crm_event_set_channel(raw, "phone");
    crm_record_set_text(crm_event_properties(raw), "said", said.c_str());
    int64_t seq = 0;
    EXPECT_EQ(crm_event_append(&seq, nullptr, db_.get(), raw), CRM_OK)
        << crm_last_error_message();
    return seq;
  }

  // The receipt of a merge that must succeed, parsed.
  google::protobuf::Struct Merge(int64_t survivor, std::vector<int64_t> merged,
                                 const char* options = nullptr) {
    char* json = nullptr;
    EXPECT_EQ(
        crm_customer_merge(&json, db_.get(), survivor, merged.data(),
                           merged.size(), options, "steward", "same person"),
        CRM_OK)
        << crm_last_error_message();
    std::string text = json == nullptr ? "{}" : json;
    crm_string_free(json);
    return Parse(text);
  }

  google::protobuf::Struct Unmerge(int64_t merge_id) {
    char* json = nullptr;
    EXPECT_EQ(crm_customer_unmerge(&json, db_.get(), merge_id, "steward",
                                   "not the same person"),
              CRM_OK)
        << crm_last_error_message();
    std::string text = json == nullptr ? "{}" : json;
    crm_string_free(json);
    return Parse(text);
  }

  // Seqs of a customer's timeline, oldest first, with the types.
  std::vector<std::string> Timeline(int64_t id, int64_t page_size = 1000) {
    std::vector<std::string> events;
    std::string cursor;
    while (true) {
      crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
      options.oldest_first = 1;
      options.page_size = page_size;
      if (!cursor.empty()) options.cursor = cursor.c_str();
      crm_event_page* raw = nullptr;
      EXPECT_EQ(crm_event_timeline(&raw, db_.get(), id, &options), CRM_OK)
          << crm_last_error_message();
      Page page(raw);
      for (size_t i = 0; i < crm_event_page_size(page.get()); ++i) {
        crm_event* event = crm_event_page_at(page.get(), i);
        events.push_back(std::to_string(crm_event_customer(event)) + ":" +
                         crm_event_type(event));
      }
      const char* next = crm_event_page_next_cursor(page.get());
      if (next == nullptr || *next == '\0') return events;
      cursor = next;
    }
  }

  std::vector<std::string> Calls(int64_t id) {
    std::vector<std::string> calls;
    for (const std::string& event : Timeline(id)) {
      if (event.find(":call") != std::string::npos) calls.push_back(event);
    }
    return calls;
  }

  std::string RecordJson(int64_t id) {
    Record record = Get(db_.get(), id);
    const char* json = nullptr;
    size_t size = 0;
    EXPECT_EQ(crm_record_encode_json(&json, &size, record.get()), CRM_OK);
    return json == nullptr ? "" : std::string(json, size);
  }

  // The record without its bookkeeping that a merge and its undo change.
  std::string Values(int64_t id) {
    Record record = Get(db_.get(), id);
    std::string out;
    for (size_t i = 0; i < crm_record_field_count(record.get()); ++i) {
      std::string name = crm_record_field_name(record.get(), i);
      if (name == "updated_at") continue;
      const char* text = nullptr;
      int64_t integer = 0;
      size_t items = 0;
      out += name + "=";
      if (crm_record_get_text(&text, record.get(), name.c_str()) == CRM_OK) {
        out += text;
      } else if (crm_record_get_integer(&integer, record.get(), name.c_str()) ==
                     CRM_OK ||
                 crm_record_get_datetime(&integer, record.get(),
                                         name.c_str()) == CRM_OK) {
        out += std::to_string(integer);
      } else if (crm_record_get_list_size(&items, record.get(), name.c_str()) ==
                 CRM_OK) {
        for (size_t k = 0; k < items; ++k) {
          const char* item = nullptr;
          crm_record_get_list_item(&item, record.get(), name.c_str(), k);
          out += std::string(k ? "," : "") + item;
        }
      }
      out += ";";
    }
    return out;
  }

  TempDir dir_;
  std::string path_ = dir_.path() + "/merge.crm";
  Db db_;
};

int64_t IntAt(const google::protobuf::Struct& object, const std::string& key) {
  return static_cast<int64_t>(At(object, key).number_value());
}

std::vector<int64_t> IdsAt(const google::protobuf::Struct& object,
                           const std::string& key) {
  std::vector<int64_t> ids;
  for (const auto& value : At(object, key).list_value().values()) {
    ids.push_back(static_cast<int64_t>(value.number_value()));
  }
  return ids;
}

TEST_F(MergeTest, MergedCustomersStopBeingCustomersAndTheSurvivorTakesValues) {
  int64_t survivor = Person("Ada Lovelace", "ERP-1");
  int64_t a = Person("Ada L.", "CRM-7", "+47 900 00 001");
  int64_t b = Person("A. Lovelace", "", "+47 900 00 002");
  int64_t other = Person("Charles Babbage", "ERP-2");
  ASSERT_EQ(Count(db_.get()), 4);

  google::protobuf::Struct receipt = Merge(survivor, {a, b});
  EXPECT_GT(IntAt(receipt, "merge_id"), 0);
  EXPECT_EQ(IntAt(receipt, "survivor_id"), survivor);
  EXPECT_EQ(IdsAt(receipt, "merged_ids"), (std::vector<int64_t>{a, b}));
  EXPECT_EQ(IntAt(receipt, "version"), 2);
  EXPECT_EQ(Count(db_.get()), 2);

  // first_non_empty: the survivor's name and external id, a's phone (the
  // first merged customer holding one).
  Record record = Get(db_.get(), survivor);
  EXPECT_EQ(Text(record.get(), "name"), "Ada Lovelace");
  EXPECT_EQ(Text(record.get(), "external_id"), "ERP-1");
  EXPECT_EQ(Text(record.get(), "phone"), "+47 900 00 001");
  EXPECT_EQ(crm_record_merged_id(record.get()), 0);
  EXPECT_EQ(Text(Get(db_.get(), other).get(), "name"), "Charles Babbage");

  // Old ids and external ids find the survivor and say so.
  crm_record* raw = nullptr;
  ASSERT_EQ(crm_customer_get(&raw, db_.get(), b), CRM_OK);
  Record by_old_id(raw);
  EXPECT_EQ(crm_record_id(by_old_id.get()), survivor);
  EXPECT_EQ(crm_record_merged_id(by_old_id.get()), b);
  ASSERT_EQ(crm_customer_get_by_external_id(&raw, db_.get(), "CRM-7"), CRM_OK);
  Record by_old_key(raw);
  EXPECT_EQ(crm_record_id(by_old_key.get()), survivor);
  EXPECT_EQ(crm_record_merged_id(by_old_key.get()), a);

  char* json = nullptr;
  ASSERT_EQ(crm_customer_merges(&json, db_.get(), a), CRM_OK);
  google::protobuf::Struct info = Parse(json);
  crm_string_free(json);
  EXPECT_EQ(IntAt(info, "merged_into"), survivor);
  EXPECT_EQ(IntAt(info, "merge_id"), IntAt(receipt, "merge_id"));
  ASSERT_EQ(crm_customer_merges(&json, db_.get(), survivor), CRM_OK);
  info = Parse(json);
  crm_string_free(json);
  EXPECT_EQ(At(info, "merged_into").kind_case(),
            google::protobuf::Value::kNullValue);
  EXPECT_EQ(At(info, "merged").list_value().values_size(), 2);
}

TEST_F(MergeTest, EachFieldRuleGivesItsValue) {
  int64_t survivor = Person("Bo", "S-1", "", 5);
  int64_t older = Person("Bo Brown-Smith", "", "+47 911 11 111", 7);
  int64_t newer = Person("Bob", "", "+47 922 22 222", 11);
  SetTags(survivor, {"vip", "north"});
  SetTags(older, {"north", "press"});
  SetText(survivor, "notes", "keep me");
  SetText(older, "notes", "older note");
  SetText(newer, "phone", "+47 933 33 333");  // the customer written last

  Merge(survivor, {older, newer},
        R"({"default": "survivor",
            "fields": {"name": "longest", "phone": "most_recent",
                       "score": "sum", "tags": "union",
                       "notes": {"value": "reviewed"},
                       "company": "first_non_empty"}})");
  Record record = Get(db_.get(), survivor);
  EXPECT_EQ(Text(record.get(), "name"), "Bo Brown-Smith");
  EXPECT_EQ(Text(record.get(), "phone"), "+47 933 33 333");
  EXPECT_EQ(Text(record.get(), "notes"), "reviewed");
  int64_t score = 0;
  ASSERT_EQ(crm_record_get_integer(&score, record.get(), "score"), CRM_OK);
  EXPECT_EQ(score, 23);
  size_t tags = 0;
  ASSERT_EQ(crm_record_get_list_size(&tags, record.get(), "tags"), CRM_OK);
  std::vector<std::string> items;
  for (size_t i = 0; i < tags; ++i) {
    const char* item = nullptr;
    crm_record_get_list_item(&item, record.get(), "tags", i);
    items.push_back(item);
  }
  EXPECT_EQ(items, (std::vector<std::string>{"vip", "north", "press"}));
}

TEST_F(MergeTest, BadRequestsAreNamedAndChangeNothing) {
  int64_t survivor = Person("Cy", "C-1");
  int64_t a = Person("Cy A", "C-2");
  std::string before = RecordJson(survivor) + RecordJson(a);
  char* json = nullptr;
  std::vector<int64_t> none;
  EXPECT_CRM_ERROR(crm_customer_merge(&json, db_.get(), survivor, none.data(),
                                      0, nullptr, nullptr, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "merged_ids");
  std::vector<int64_t> self = {a, survivor};
  EXPECT_CRM_ERROR(crm_customer_merge(&json, db_.get(), survivor, self.data(),
                                      2, nullptr, nullptr, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "merged_ids");
  std::vector<int64_t> twice = {a, a};
  EXPECT_CRM_ERROR(crm_customer_merge(&json, db_.get(), survivor, twice.data(),
                                      2, nullptr, nullptr, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "merged_ids");
  std::vector<int64_t> missing = {a, 999};
  EXPECT_CRM_ERROR(
      crm_customer_merge(&json, db_.get(), survivor, missing.data(), 2, nullptr,
                         nullptr, nullptr),
      CRM_E_NOT_FOUND, "id", "");
  std::vector<int64_t> ok = {a};
  EXPECT_CRM_ERROR(
      crm_customer_merge(&json, db_.get(), survivor, ok.data(), 1,
                         R"({"fields": {"name": "sum"}})", nullptr, nullptr),
      CRM_E_VALIDATION, "fields.name", "merge");
  EXPECT_CRM_ERROR(crm_customer_merge(&json, db_.get(), survivor, ok.data(), 1,
                                      R"({"fields": {"nope": "survivor"}})",
                                      nullptr, nullptr),
                   CRM_E_VALIDATION, "fields.nope", "merge");
  EXPECT_CRM_ERROR(
      crm_customer_merge(&json, db_.get(), survivor, ok.data(), 1,
                         R"({"default": "newest"})", nullptr, nullptr),
      CRM_E_VALIDATION, "default", "merge");
  // A survivor value that breaks a field's rule fails as an update does.
  EXPECT_CRM_ERROR(
      crm_customer_merge(&json, db_.get(), survivor, ok.data(), 1,
                         R"({"fields": {"email": {"value": "not-an-email"}}})",
                         nullptr, nullptr),
      CRM_E_VALIDATION, "email", "format");
  EXPECT_EQ(RecordJson(survivor) + RecordJson(a), before);
  EXPECT_EQ(Count(db_.get()), 2);
  EXPECT_CRM_ERROR(
      crm_customer_unmerge(&json, db_.get(), 12345, nullptr, nullptr),
      CRM_E_NOT_FOUND, "merge_id", "merge");
}

TEST_F(MergeTest, WritesByAMergedIdAreRefusedNamingTheSurvivor) {
  int64_t survivor = Person("Di", "D-1");
  int64_t a = Person("Di A", "D-2");
  Merge(survivor, {a});
  Record changes = NewRecord();
  crm_record_set_text(changes.get(), "name", "Di");
  EXPECT_CRM_ERROR(
      crm_customer_update(nullptr, db_.get(), a, 0, changes.get(), ""),
      CRM_E_MERGED, "id", "merge");
  EXPECT_EQ(crm_last_error()->survivor_id, survivor);
  EXPECT_CRM_ERROR(crm_customer_delete(db_.get(), a, 0, ""), CRM_E_MERGED, "id",
                   "merge");
  EXPECT_EQ(crm_last_error()->survivor_id, survivor);
  char* receipt = nullptr;
  EXPECT_CRM_ERROR(crm_customer_erase(&receipt, db_.get(), a, nullptr),
                   CRM_E_MERGED, "id", "merge");
  crm_event* raw = nullptr;
  ASSERT_EQ(crm_event_new(&raw), CRM_OK);
  Event event(raw);
  crm_event_set_customer(raw, a);
  crm_event_set_type(raw, "call");
  int64_t seq = 0;
  EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, db_.get(), raw),
                   CRM_E_MERGED, "customer_id", "merge");
  EXPECT_EQ(crm_last_error()->survivor_id, survivor);
  // Merging a merged id again is refused the same way.
  int64_t c = Person("Di C", "");
  std::vector<int64_t> again = {a};
  char* json = nullptr;
  EXPECT_CRM_ERROR(crm_customer_merge(&json, db_.get(), c, again.data(), 1,
                                      nullptr, nullptr, nullptr),
                   CRM_E_MERGED, "id", "merge");
  // Another error leaves survivor_id 0.
  EXPECT_CRM_ERROR(crm_customer_delete(db_.get(), 4242, 0, ""), CRM_E_NOT_FOUND,
                   "", "");
  EXPECT_EQ(crm_last_error()->survivor_id, 0);
}

TEST_F(MergeTest, AnUpsertByAnOldExternalIdUpdatesTheSurvivor) {
  int64_t survivor = Person("Ed", "ERP-10");
  int64_t a = Person("Ed A", "SHOP-3");
  Merge(survivor, {a});
  Record record = NewRecord();
  crm_record_set_text(record.get(), "external_id", "SHOP-3");
  crm_record_set_text(record.get(), "city", "Bergen");
  int64_t id = 0;
  int created = -1;
  ASSERT_EQ(crm_customer_upsert(&id, &created, db_.get(), record.get(), ""),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(id, survivor);
  EXPECT_EQ(created, 0);
  Record stored = Get(db_.get(), survivor);
  EXPECT_EQ(Text(stored.get(), "city"), "Bergen");
  EXPECT_EQ(Text(stored.get(), "external_id"), "ERP-10");
  EXPECT_EQ(Count(db_.get()), 1);
}

TEST_F(MergeTest, TheSurvivorsTimelineHoldsEveryMergedCustomersEvents) {
  int64_t survivor = Person("Flo", "F-1");
  int64_t a = Person("Flo A", "F-2");
  int64_t b = Person("Flo B", "F-3");
  for (int i = 0; i < 3; ++i) {
    Call(survivor, "s" + std::to_string(i));
    Call(a, "a" + std::to_string(i));
    Call(b, "b" + std::to_string(i));
  }
  std::vector<std::string> own_a = Timeline(a);
  int64_t before_merge = 0;
  {
    Record at = Get(db_.get(), a);
    crm_record_get_datetime(&before_merge, at.get(), "updated_at");
  }
  google::protobuf::Struct receipt = Merge(survivor, {a, b});
  std::vector<std::string> calls = Calls(survivor);
  EXPECT_EQ(calls.size(), 9u);
  EXPECT_EQ(std::count(calls.begin(), calls.end(), std::to_string(a) + ":call"),
            3);
  // Paged in twos, the same events in the same order.
  std::vector<std::string> paged = Timeline(survivor, 2);
  EXPECT_EQ(paged, Timeline(survivor));
  // A merged id's own history reads as it was, with the merge at its end.
  std::vector<std::string> after_a = Timeline(a);
  ASSERT_GE(after_a.size(), own_a.size());
  EXPECT_TRUE(std::equal(own_a.begin(), own_a.end(), after_a.begin()));
  EXPECT_NE(std::find(after_a.begin(), after_a.end(),
                      std::to_string(a) + ":crm.record.merged"),
            after_a.end());
  // A point-in-time read of the merged id before the merge still answers.
  crm_record* raw = nullptr;
  ASSERT_EQ(crm_customer_get_at(&raw, db_.get(), a, before_merge), CRM_OK)
      << crm_last_error_message();
  Record then(raw);
  EXPECT_EQ(Text(then.get(), "name"), "Flo A");

  int64_t between = 0;
  {
    Record now = Get(db_.get(), survivor);
    crm_record_get_datetime(&between, now.get(), "updated_at");
  }
  Unmerge(IntAt(receipt, "merge_id"));
  // As of a time between the merge and its undo, the merged id was no
  // customer; before and after, it was.
  EXPECT_EQ(crm_customer_get_at(&raw, db_.get(), a, between), CRM_E_NOT_FOUND);
  ASSERT_EQ(crm_customer_get_at(&raw, db_.get(), a, CRM_TIME_MAX), CRM_OK)
      << crm_last_error_message();
  Record restored(raw);
  EXPECT_EQ(Text(restored.get(), "name"), "Flo A");
  EXPECT_EQ(crm_record_version(restored.get()),
            crm_record_version(Get(db_.get(), a).get()));
  EXPECT_EQ(Calls(survivor).size(), 3u);
  EXPECT_EQ(Calls(a).size(), 3u);
  EXPECT_EQ(Calls(b).size(), 3u);
}

TEST_F(MergeTest, UndoRestoresRecordsValuesKeysAndReferences) {
  int64_t survivor = Person("Gus", "G-1");
  int64_t a = Person("Gus A", "G-2", "+47 944 44 444", 3);
  SetTags(a, {"press"});
  int64_t report = Person("Report", "");
  {
    Record changes = NewRecord();
    crm_record_set_integer(changes.get(), "manager", a);
    ASSERT_EQ(
        crm_customer_update(nullptr, db_.get(), report, 0, changes.get(), ""),
        CRM_OK);
  }
  std::string a_before = Values(a);
  std::string survivor_before = Values(survivor);

  google::protobuf::Struct receipt =
      Merge(survivor, {a}, R"({"fields": {"tags": "union", "score": "sum"}})");
  EXPECT_EQ(IntAt(receipt, "references_moved"), 1);
  int64_t manager = 0;
  crm_record_get_integer(&manager, Get(db_.get(), report).get(), "manager");
  EXPECT_EQ(manager, survivor);
  EXPECT_EQ(Text(Get(db_.get(), survivor).get(), "phone"), "+47 944 44 444");

  google::protobuf::Struct undo = Unmerge(IntAt(receipt, "merge_id"));
  EXPECT_EQ(IdsAt(undo, "restored_ids"), (std::vector<int64_t>{a}));
  EXPECT_EQ(At(undo, "conflicts").list_value().values_size(), 0);
  EXPECT_EQ(IntAt(undo, "references_restored"), 1);
  EXPECT_EQ(Count(db_.get()), 3);
  EXPECT_EQ(Values(a), a_before);
  EXPECT_EQ(Values(survivor), survivor_before);
  crm_record_get_integer(&manager, Get(db_.get(), report).get(), "manager");
  EXPECT_EQ(manager, a);
  crm_record* raw = nullptr;
  ASSERT_EQ(crm_customer_get_by_external_id(&raw, db_.get(), "G-2"), CRM_OK);
  Record by_key(raw);
  EXPECT_EQ(crm_record_id(by_key.get()), a);
  EXPECT_EQ(crm_record_merged_id(by_key.get()), 0);
  // Restored customers are customers again: writes land, and their history
  // replays to their values (crm_verify).
  SetText(a, "city", "Oslo");
  char* verify_json = nullptr;
  ASSERT_EQ(crm_verify(&verify_json, db_.get()), CRM_OK);
  std::string verified = verify_json;
  crm_string_free(verify_json);
  EXPECT_NE(verified.find("{\"ok\":true"), std::string::npos) << verified;
  // The merge is gone: undoing it again is not found.
  char* json = nullptr;
  EXPECT_CRM_ERROR(
      crm_customer_unmerge(&json, db_.get(), IntAt(receipt, "merge_id"),
                           nullptr, nullptr),
      CRM_E_NOT_FOUND, "merge_id", "merge");
}

TEST_F(MergeTest, ChangesSinceTheMergeStayAndAreReportedAsConflicts) {
  int64_t survivor = Person("Hal", "H-1");
  int64_t a = Person("Hal A", "H-2", "+47 955 55 555");
  SetText(a, "city", "Tromsø");
  google::protobuf::Struct receipt = Merge(survivor, {a});
  SetText(survivor, "phone", "+47 966 66 666");  // changed since the merge
  google::protobuf::Struct undo = Unmerge(IntAt(receipt, "merge_id"));
  const auto& conflicts = At(undo, "conflicts").list_value().values();
  ASSERT_EQ(conflicts.size(), 1);
  EXPECT_EQ(At(conflicts[0].struct_value(), "field").string_value(), "phone");
  EXPECT_EQ(At(conflicts[0].struct_value(), "current").string_value(),
            "+47 966 66 666");
  EXPECT_EQ(At(conflicts[0].struct_value(), "merged").string_value(),
            "+47 955 55 555");
  Record record = Get(db_.get(), survivor);
  EXPECT_EQ(Text(record.get(), "phone"), "+47 966 66 666");
  // Reverted (empty before the merge): not changed since.
  EXPECT_EQ(Text(record.get(), "city"), "<none>");
  EXPECT_EQ(Text(Get(db_.get(), a).get(), "city"), "Tromsø");
}

TEST_F(MergeTest, ChainsOfMergesAreFollowedAndUndoneInOrder) {
  int64_t a = Person("Ivy A", "I-1");
  int64_t b = Person("Ivy B", "I-2");
  int64_t c = Person("Ivy C", "I-3");
  Call(a, "from a");
  int64_t first = IntAt(Merge(b, {a}), "merge_id");
  int64_t second = IntAt(Merge(c, {b}), "merge_id");
  crm_record* raw = nullptr;
  ASSERT_EQ(crm_customer_get(&raw, db_.get(), a), CRM_OK);
  Record found(raw);
  EXPECT_EQ(crm_record_id(found.get()), c);
  EXPECT_EQ(Calls(c).size(), 1u);
  // The first merge's survivor is merged itself: undo the later one first.
  char* json = nullptr;
  EXPECT_CRM_ERROR(
      crm_customer_unmerge(&json, db_.get(), first, nullptr, nullptr),
      CRM_E_CONFLICT, "merge_id", "merge");
  Unmerge(second);
  ASSERT_EQ(crm_customer_get(&raw, db_.get(), a), CRM_OK);
  Record back(raw);
  EXPECT_EQ(crm_record_id(back.get()), b);
  EXPECT_EQ(Calls(b).size(), 1u);
  EXPECT_EQ(Calls(c).size(), 0u);
  Unmerge(first);
  EXPECT_EQ(Count(db_.get()), 3);
}

TEST_F(MergeTest, ErasingTheSurvivorErasesEveryoneMergedIntoIt) {
  int64_t survivor = Person("Jo", "J-1");
  int64_t a = Person("Jo A", "J-2");
  int64_t b = Person("Jo B", "J-3");
  int64_t other = Person("Kim", "K-1");
  Call(a, "a's call");
  Call(b, "b's call");
  Call(other, "kim's call");
  Merge(b, {a});
  Merge(survivor, {b});
  char* receipt = nullptr;
  ASSERT_EQ(crm_customer_erase(&receipt, db_.get(), survivor, nullptr), CRM_OK)
      << crm_last_error_message();
  google::protobuf::Struct parsed = Parse(receipt);
  crm_string_free(receipt);
  std::vector<int64_t> erased = IdsAt(parsed, "erased_ids");
  std::vector<int64_t> expected = {survivor, a, b};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(erased, expected);
  crm_record* raw = nullptr;
  EXPECT_EQ(crm_customer_get(&raw, db_.get(), a), CRM_E_NOT_FOUND);
  EXPECT_EQ(crm_customer_get_by_external_id(&raw, db_.get(), "J-2"),
            CRM_E_NOT_FOUND);
  EXPECT_EQ(Calls(a).size(), 0u);
  EXPECT_EQ(Calls(b).size(), 0u);
  EXPECT_EQ(Calls(other).size(), 1u);
  char* json = nullptr;
  EXPECT_EQ(crm_customer_merges(&json, db_.get(), a), CRM_E_NOT_FOUND);
}

TEST_F(MergeTest, RestrictedHandlesCannotMerge) {
  ASSERT_EQ(
      crm_profile_define(
          db_.get(), R"({"name": "desk", "fields": {"name": "read_write"}})"),
      CRM_OK)
      << crm_last_error_message();
  int64_t survivor = Person("Lu", "L-1");
  int64_t a = Person("Lu A", "L-2");
  Db desk = RestrictTo(db_.get(), "desk", "agent");
  std::vector<int64_t> ids = {a};
  char* json = nullptr;
  EXPECT_CRM_ERROR(crm_customer_merge(&json, desk.get(), survivor, ids.data(),
                                      1, nullptr, nullptr, nullptr),
                   CRM_E_DENIED, "", "operation");
  EXPECT_EQ(Count(db_.get()), 2);
}

TEST_F(MergeTest, AThousandCustomersMergeAndComeBack) {
  int64_t survivor = Person("Max", "M-0");
  std::vector<int64_t> merged;
  ASSERT_EQ(crm_begin(db_.get()), CRM_OK);
  for (int i = 1; i <= 1000; ++i) {
    merged.push_back(
        Person("Max " + std::to_string(i), "M-" + std::to_string(i)));
    Call(merged.back(), "call " + std::to_string(i));
  }
  ASSERT_EQ(crm_commit(db_.get()), CRM_OK);
  google::protobuf::Struct receipt = Merge(survivor, merged);
  EXPECT_EQ(Count(db_.get()), 1);
  EXPECT_EQ(Calls(survivor).size(), 1000u);
  crm_record* raw = nullptr;
  ASSERT_EQ(crm_customer_get_by_external_id(&raw, db_.get(), "M-500"), CRM_OK);
  Record found(raw);
  EXPECT_EQ(crm_record_id(found.get()), survivor);
  Unmerge(IntAt(receipt, "merge_id"));
  EXPECT_EQ(Count(db_.get()), 1001);
  EXPECT_EQ(Text(Get(db_.get(), merged[499]).get(), "external_id"), "M-500");
}

TEST_F(MergeTest, DumpsCopiesAndVerifyCarryMergesAndUndoStillWorks) {
  int64_t survivor = Person("Ned", "N-1");
  int64_t a = Person("Ned A", "N-2", "+47 977 77 777");
  int64_t b = Person("Ned B", "N-3");
  Call(a, "a's call");
  int64_t first = IntAt(Merge(b, {a}), "merge_id");
  int64_t second = IntAt(Merge(survivor, {b}), "merge_id");
  (void)first;
  char* report = nullptr;
  ASSERT_EQ(crm_verify(&report, db_.get()), CRM_OK);
  std::string verified = report;
  crm_string_free(report);
  EXPECT_NE(verified.find("{\"name\":\"merges\",\"ok\":true,\"checked\":2}"),
            std::string::npos)
      << verified;
  EXPECT_NE(verified.find("\"ok\":true,\"checks\""), std::string::npos)
      << verified;

  const std::string checksum = Checksum(db_.get());
  const std::string dump = dir_.path() + "/merged.dump";
  ASSERT_EQ(crm_dump(db_.get(), dump.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  Db loaded = OpenDb(dir_.path() + "/loaded.crm");
  ASSERT_EQ(crm_load(loaded.get(), dump.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  Db copied = OpenDb(dir_.path() + "/copied.crm");
  ASSERT_EQ(crm_workspace_copy(copied.get(), db_.get()), CRM_OK)
      << crm_last_error_message();
  for (crm_db* target : {loaded.get(), copied.get()}) {
    EXPECT_EQ(Checksum(target), checksum);
    crm_record* raw = nullptr;
    ASSERT_EQ(crm_customer_get_by_external_id(&raw, target, "N-2"), CRM_OK);
    Record found(raw);
    EXPECT_EQ(crm_record_id(found.get()), survivor);
    EXPECT_EQ(crm_record_merged_id(found.get()), a);
    char* json = nullptr;
    ASSERT_EQ(crm_customer_unmerge(&json, target, second, nullptr, nullptr),
              CRM_OK)
        << crm_last_error_message();
    crm_string_free(json);
    EXPECT_EQ(Text(Get(target, b).get(), "name"), "Ned B");
    ASSERT_EQ(crm_customer_get(&raw, target, a), CRM_OK);
    Record back(raw);
    EXPECT_EQ(crm_record_id(back.get()), b);
  }
  // Merging changes the checksum; undoing changes it again.
  EXPECT_NE(Checksum(loaded.get()), checksum);
}

TEST_F(MergeTest, CohortsCountAMergedCustomersEventsAsTheSurvivors) {
  int64_t survivor = Person("Oda", "O-1");
  int64_t a = Person("Oda A", "O-2");
  int64_t other = Person("Per", "P-1");
  Call(survivor, "first");
  Call(a, "second");
  Call(other, "third");
  auto cohort = [&](const char* key) {
    crm_rows* raw = nullptr;
    EXPECT_EQ(crm_cohort(&raw, db_.get(), "call", "call", 30, CRM_BUCKET_NONE),
              CRM_OK)
        << crm_last_error_message();
    Rows rows(raw);
    int64_t n = -1;
    if (crm_rows_size(raw) == 1) {
      crm_record_get_integer(&n, crm_rows_at(raw, 0), key);
    }
    return n;
  };
  EXPECT_EQ(cohort("customers"), 3);
  int64_t merge_id = IntAt(Merge(survivor, {a}), "merge_id");
  EXPECT_EQ(cohort("customers"), 2);
  EXPECT_EQ(cohort("events"), 3);
  Unmerge(merge_id);
  EXPECT_EQ(cohort("customers"), 3);
}

TEST_F(MergeTest, ImportsByAnOldExternalIdUpdateTheSurvivor) {
  int64_t survivor = Person("Quinn", "Q-1");
  int64_t a = Person("Quinn A", "SHOP-9");
  int64_t merge_id = IntAt(Merge(survivor, {a}), "merge_id");
  (void)merge_id;
  const std::string csv = dir_.path() + "/rows.csv";
  {
    FILE* file = std::fopen(csv.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fputs("external_id,city\nSHOP-9,Oslo\n", file);
    std::fclose(file);
  }
  crm_import_options options = CRM_IMPORT_OPTIONS_INIT;
  options.mapping_json = R"({"key": "external_id"})";
  char* report = nullptr;
  ASSERT_EQ(crm_import(&report, db_.get(), csv.c_str(), &options), CRM_OK)
      << crm_last_error_message();
  google::protobuf::Struct parsed = Parse(report);
  crm_string_free(report);
  EXPECT_EQ(IntAt(parsed, "updated"), 1);
  EXPECT_EQ(IntAt(parsed, "created"), 0);
  EXPECT_EQ(Count(db_.get()), 1);
  Record record = Get(db_.get(), survivor);
  EXPECT_EQ(Text(record.get(), "city"), "Oslo");
  EXPECT_EQ(Text(record.get(), "external_id"), "Q-1");

  // Events naming the merged id itself are rejected, naming the merge.
  const std::string events = dir_.path() + "/events.csv";
  {
    FILE* file = std::fopen(events.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fprintf(file, "customer,note\n%lld,hello\n",
                 static_cast<long long>(a));
    std::fclose(file);
  }
  crm_import_options event_options = CRM_IMPORT_OPTIONS_INIT;
  event_options.target = CRM_DATA_EVENTS;
  event_options.mapping_json =
      R"({"customer": {"column": "customer", "by": "id"}, "type": "visit"})";
  ASSERT_EQ(crm_import(&report, db_.get(), events.c_str(), &event_options),
            CRM_OK)
      << crm_last_error_message();
  std::string text = report;
  crm_string_free(report);
  EXPECT_NE(text.find("\"rejected\":1"), std::string::npos) << text;
  EXPECT_NE(text.find("\"rule\":\"merge\""), std::string::npos) << text;
}

}  // namespace
}  // namespace crm_test
