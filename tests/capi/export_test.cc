// Bulk export (crm_export): the exact CSV of a small workspace with every
// field type, JSON Lines parsed back, the filter, the columns and the time
// range of events, restricted handles (the grant, masks, hidden fields,
// scope), progress and cancel (no file, an old file left as it was), and
// the arguments' errors.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace crm_test {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr int64_t kJan2024 = 1704067200000000;  // 2024-01-01T00:00:00Z
constexpr int64_t kHour = 3600LL * 1000000;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// The names of the files in `folder`.
std::vector<std::string> FilesIn(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Lines of `text` split at `end` ("\r\n" for CSV, "\n" for JSON Lines),
// without a last empty one.
std::vector<std::string> Lines(const std::string& text,
                               const std::string& end) {
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < text.size()) {
    size_t next = text.find(end, at);
    if (next == std::string::npos) {
      lines.push_back(text.substr(at));
      break;
    }
    lines.push_back(text.substr(at, next - at));
    at = next + end.size();
  }
  return lines;
}

Struct ParseJson(const std::string& json) {
  Struct parsed;
  auto status = google::protobuf::util::JsonStringToMessage(json, &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return parsed;
}

const Value& At(const Struct& object, const std::string& key) {
  static const Value kMissing;
  auto it = object.fields().find(key);
  EXPECT_NE(it, object.fields().end()) << "no key " << key;
  return it == object.fields().end() ? kMissing : it->second;
}

// The keys of a JSON object's text, in the order the text has them (its
// top level only).
std::vector<std::string> KeysInOrder(const std::string& json) {
  std::vector<std::string> keys;
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      size_t end = json.find('"', i + 1);
      if (depth == 1 && json[end + 1] == ':') {
        keys.push_back(json.substr(i + 1, end - i - 1));
      }
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return keys;
}

crm_export_options Options(int target = CRM_DATA_CUSTOMERS,
                           const char* fields = nullptr,
                           const char* filter = nullptr) {
  crm_export_options options = CRM_EXPORT_OPTIONS_INIT;
  options.target = target;
  options.fields = fields;
  options.filter = filter;
  return options;
}

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(db_, nullptr); }

  // Exports to `name` in the test's folder; returns the file's text, ""
  // (and the test fails) when the export fails. *rows gets the row count.
  std::string Export(const crm_export_options& options,
                     const std::string& name = "out.csv",
                     int64_t* rows = nullptr, crm_db* db = nullptr) {
    int64_t count = -1;
    int rc = crm_export(&count, db ? db : db_.get(), dir_.File(name).c_str(),
                        &options);
    EXPECT_EQ(rc, CRM_OK) << crm_last_error_message();
    if (rows != nullptr) *rows = count;
    return rc == CRM_OK ? ReadFile(dir_.File(name)) : std::string();
  }

  // The fields of the golden workspace: one of every user-defined type.
  void DefineEveryType() {
    Define(db_.get(), R"({"name": "notes", "type": "text"})");
    Define(db_.get(), R"({"name": "bio", "type": "long_text"})");
    Define(db_.get(), R"({"name": "visits", "type": "integer"})");
    Define(db_.get(), R"({"name": "balance", "type": "decimal", "scale": 2})");
    Define(db_.get(), R"({"name": "active", "type": "boolean"})");
    Define(db_.get(), R"({"name": "birthday", "type": "date"})");
    Define(db_.get(), R"({"name": "last_seen", "type": "datetime"})");
    Define(db_.get(),
           R"({"name": "plan", "type": "choice",
               "options": ["basic", "premium"]})");
    Define(db_.get(),
           R"({"name": "features", "type": "multi_choice",
               "options": ["api", "sso", "audit"]})");
    Define(db_.get(), R"({"name": "website", "type": "url"})");
    Define(db_.get(), R"({"name": "referrer", "type": "reference"})");
  }

  int64_t CreateAt(const crm_record* record, int64_t created_at) {
    crm_record_set_datetime(const_cast<crm_record*>(record), "created_at",
                            created_at);
    crm_write_result* result = nullptr;
    EXPECT_EQ(
        crm_customer_create_v2(&result, db_.get(), record, nullptr, "test"),
        CRM_OK)
        << crm_last_error_message();
    int64_t id = crm_write_result_id(result);
    crm_write_result_free(result);
    return id;
  }

  // Two customers: one with no value but its name (unicode), one with a
  // value of every type, holding quotes, commas, a newline and spaces.
  void AddGoldenCustomers() {
    Record plain = NewRecord();
    crm_record_set_text(plain.get(), "name", "Ünïcødé 名前");
    plain_ = CreateAt(plain.get(), kJan2024 + 1);
    Record ada = NewRecord();
    crm_record_set_text(ada.get(), "name", "Ada \"The Countess\" Lovelace");
    crm_record_set_text(ada.get(), "email", "ada@example.com");
    crm_record_set_text(ada.get(), "city", "London, UK");
    const char* tags[] = {"vip", "math"};
    crm_record_set_list(ada.get(), "tags", tags, 2);
    crm_record_set_text(ada.get(), "notes", "line one\nline two");
    crm_record_set_text(ada.get(), "bio", " starts with a space");
    crm_record_set_integer(ada.get(), "visits", -42);
    crm_record_set_decimal(ada.get(), "balance", "-12.50");
    crm_record_set_boolean(ada.get(), "active", 1);
    crm_record_set_date(ada.get(), "birthday", "1815-12-10");
    crm_record_set_datetime(ada.get(), "last_seen", kJan2024 + 123456);
    crm_record_set_text(ada.get(), "plan", "premium");
    const char* features[] = {"api", "sso"};
    crm_record_set_list(ada.get(), "features", features, 2);
    crm_record_set_text(ada.get(), "website", "https://example.com/a?b=c");
    crm_record_set_integer(ada.get(), "referrer", plain_);
    ada_ = CreateAt(ada.get(), kJan2024);
  }

  // Appends an event; returns its seq.
  int64_t Append(int64_t customer, const char* type, const char* channel,
                 int64_t occurred_at, const char* key = nullptr) {
    crm_event* raw = nullptr;
    EXPECT_EQ(crm_event_new(&raw), CRM_OK);
    Event event(raw);
    crm_event_set_customer(raw, customer);
    crm_event_set_type(raw, type);
    if (channel != nullptr) crm_event_set_channel(raw, channel);
    crm_event_set_occurred_at(raw, occurred_at);
    if (key != nullptr) crm_event_set_idempotency_key(raw, key);
    crm_record_set_integer(crm_event_properties(raw), "minutes", 7);
    crm_record_set_text(crm_event_properties(raw), "note", "said \"hi\", left");
    int64_t seq = 0;
    EXPECT_EQ(crm_event_append(&seq, nullptr, db_.get(), raw), CRM_OK)
        << crm_last_error_message();
    return seq;
  }

  TempDir dir_;
  Db db_ = OpenDb(dir_.File("export.crm"));
  int64_t plain_ = 0, ada_ = 0;
};

constexpr char kGoldenFields[] =
    "id,name,email,city,tags,notes,bio,visits,balance,active,birthday,"
    "last_seen,plan,features,website,referrer,created_at";

TEST_F(ExportTest, CsvHoldsEveryFieldTypeQuotedWhereRfc4180NeedsIt) {
  DefineEveryType();
  AddGoldenCustomers();
  int64_t rows = 0;
  std::string csv =
      Export(Options(CRM_DATA_CUSTOMERS, kGoldenFields), "out.csv", &rows);
  std::string p = std::to_string(plain_), a = std::to_string(ada_);
  EXPECT_EQ(csv,
            std::string(kGoldenFields) + "\r\n" + p +
                ",Ünïcødé 名前,,,,,,,,,,,,,,,2024-01-01T00:00:00.000001Z\r\n" +
                a +
                ",\"Ada \"\"The Countess\"\" Lovelace\",ada@example.com,"
                "\"London, UK\",\"[\"\"vip\"\",\"\"math\"\"]\","
                "\"line one\nline two\",\" starts with a space\",-42,-12.50,"
                "true,1815-12-10,2024-01-01T00:00:00.123456Z,premium,"
                "\"[\"\"api\"\",\"\"sso\"\"]\",https://example.com/a?b=c," +
                p + ",2024-01-01T00:00:00.000000Z\r\n");
  EXPECT_EQ(rows, 2);
}

TEST_F(ExportTest, DefaultColumnsAreIdAndEveryActiveFieldByFieldId) {
  DefineEveryType();
  Define(db_.get(), R"({"name": "retired", "type": "text"})");
  ASSERT_EQ(crm_field_archive(db_.get(), "retired"), CRM_OK)
      << crm_last_error_message();
  AddGoldenCustomers();
  std::string csv = Export(Options());
  std::vector<std::string> lines = Lines(csv, "\r\n");
  ASSERT_GE(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "id,kind,name,email,phone,company,street,city,region,postal_code,"
            "country,owner,stage,tags,external_id,created_at,updated_at,"
            "notes,bio,visits,balance,active,birthday,last_seen,plan,features,"
            "website,referrer");
  // Ada's line (a newline inside her notes splits it): kind has its
  // default; updated_at is a UTC time with microseconds.
  size_t ada = csv.find("\r\n" + std::to_string(ada_) + ",person,");
  ASSERT_NE(ada, std::string::npos) << csv;
  size_t created = csv.find(",2024-01-01T00:00:00.000000Z,", ada);
  ASSERT_NE(created, std::string::npos) << csv;
  std::string updated = csv.substr(created + 29, 27);
  EXPECT_EQ(updated.size(), 27u);
  EXPECT_EQ(updated[4], '-');
  EXPECT_EQ(updated[10], 'T');
  EXPECT_EQ(updated[19], '.');
  EXPECT_EQ(updated[26], 'Z');
  // An archived field is exported when named.
  std::string named = Export(Options(CRM_DATA_CUSTOMERS, "id, retired"));
  EXPECT_EQ(named, "id,retired\r\n" + std::to_string(plain_) + ",\r\n" +
                       std::to_string(ada_) + ",\r\n");
}

TEST_F(ExportTest, JsonLinesHoldTheJsonValuesOfRecords) {
  DefineEveryType();
  AddGoldenCustomers();
  int64_t rows = 0;
  // CRM_FORMAT_AUTO by the name's extension, in any case.
  std::string text =
      Export(Options(CRM_DATA_CUSTOMERS, kGoldenFields), "out.JSONL", &rows);
  EXPECT_EQ(rows, 2);
  std::vector<std::string> lines = Lines(text, "\n");
  ASSERT_EQ(lines.size(), 2u) << text;
  std::vector<std::string> keys = KeysInOrder(lines[1]);
  std::vector<std::string> expected_keys;
  for (const std::string& key : Lines(kGoldenFields, ",")) {
    expected_keys.push_back(key);
  }
  EXPECT_EQ(keys, expected_keys);
  // Every key on every line, null where the customer holds nothing.
  Struct plain = ParseJson(lines[0]);
  EXPECT_EQ(At(plain, "name").string_value(), "Ünïcødé 名前");
  EXPECT_EQ(At(plain, "email").kind_case(), Value::kNullValue);
  EXPECT_EQ(At(plain, "visits").kind_case(), Value::kNullValue);
  EXPECT_EQ(KeysInOrder(lines[0]), expected_keys);
  Struct ada = ParseJson(lines[1]);
  EXPECT_EQ(At(ada, "id").number_value(), ada_);
  EXPECT_EQ(At(ada, "name").string_value(), "Ada \"The Countess\" Lovelace");
  EXPECT_EQ(At(ada, "notes").string_value(), "line one\nline two");
  EXPECT_EQ(At(ada, "visits").number_value(), -42);
  EXPECT_EQ(At(ada, "balance").string_value(), "-12.50");
  EXPECT_EQ(At(ada, "active").kind_case(), Value::kBoolValue);
  EXPECT_TRUE(At(ada, "active").bool_value());
  EXPECT_EQ(At(ada, "birthday").string_value(), "1815-12-10");
  EXPECT_EQ(At(ada, "last_seen").number_value(), kJan2024 + 123456);
  EXPECT_EQ(At(ada, "created_at").number_value(), kJan2024);
  ASSERT_EQ(At(ada, "tags").list_value().values_size(), 2);
  EXPECT_EQ(At(ada, "tags").list_value().values(0).string_value(), "vip");
  EXPECT_EQ(At(ada, "features").list_value().values(1).string_value(), "sso");
  EXPECT_EQ(At(ada, "referrer").number_value(), plain_);
  // The same text with CRM_FORMAT_JSONL whatever the name.
  crm_export_options options = Options(CRM_DATA_CUSTOMERS, kGoldenFields);
  options.format = CRM_FORMAT_JSONL;
  EXPECT_EQ(Export(options, "named.csv"), text);
}

TEST_F(ExportTest, FilterAndFieldsChooseRowsAndColumns) {
  for (const char* city : {"Oslo", "Bergen", "Oslo", "Oslo"}) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "city", city);
    crm_record_set_text(record.get(), "name", city);
    Create(db_.get(), record.get());
  }
  int64_t rows = 0;
  std::string csv = Export(
      Options(CRM_DATA_CUSTOMERS, " city ,id", "city = 'Oslo' and id > 1"),
      "out.csv", &rows);
  EXPECT_EQ(csv, "city,id\r\nOslo,3\r\nOslo,4\r\n");
  EXPECT_EQ(rows, 2);
  // No row: the header alone.
  EXPECT_EQ(Export(Options(CRM_DATA_CUSTOMERS, "name", "city = 'Rome'"),
                   "none.csv", &rows),
            "name\r\n");
  EXPECT_EQ(rows, 0);
  EXPECT_EQ(Export(Options(CRM_DATA_CUSTOMERS, "name", "city = 'Rome'"),
                   "none.jsonl"),
            "");
  // One column of nulls: each row an empty quoted cell, not a blank line.
  EXPECT_EQ(Export(Options(CRM_DATA_CUSTOMERS, "email", "city = 'Bergen'"),
                   "email.csv"),
            "email\r\n\"\"\r\n");
}

TEST_F(ExportTest, EventsByTimeRangeFilterAndSeq) {
  int64_t ada = CreateNamed(db_.get(), "Ada");
  int64_t bob = CreateNamed(db_.get(), "Bob");
  int64_t early = Append(ada, "call", "phone", kJan2024 - kHour);
  int64_t first = Append(bob, "call", nullptr, kJan2024, "k-1");
  int64_t order = Append(ada, "order", "web", kJan2024 + kHour);
  int64_t late = Append(ada, "call", "phone", kJan2024 + 5 * kHour);
  int64_t second = Append(ada, "call", "phone", kJan2024 + kHour);
  (void)early;
  (void)order;
  (void)late;
  crm_export_options options =
      Options(CRM_DATA_EVENTS,
              "seq,customer_id,occurred_at,type,channel,idempotency_key,"
              "properties",
              "type = 'call'");
  options.from_us = kJan2024;
  options.until_us = kJan2024 + 5 * kHour;
  int64_t rows = 0;
  std::string csv = Export(options, "events.csv", &rows);
  EXPECT_EQ(csv,
            "seq,customer_id,occurred_at,type,channel,idempotency_key,"
            "properties\r\n" +
                std::to_string(first) + "," + std::to_string(bob) +
                ",2024-01-01T00:00:00.000000Z,call,,k-1,"
                "\"{\"\"minutes\"\":7,\"\"note\"\":\"\"said \\\"\"hi\\\"\", "
                "left\"\"}\"\r\n" +
                std::to_string(second) + "," + std::to_string(ada) +
                ",2024-01-01T01:00:00.000000Z,call,phone,,"
                "\"{\"\"minutes\"\":7,\"\"note\"\":\"\"said \\\"\"hi\\\"\", "
                "left\"\"}\"\r\n");
  EXPECT_EQ(rows, 2);
  // A filter of its own with an "or" keeps the range on every side.
  options.filter = "type = 'order' or channel = 'phone'";
  options.fields = "seq";
  EXPECT_EQ(Export(options, "or.csv"), "seq\r\n" + std::to_string(order) +
                                           "\r\n" + std::to_string(second) +
                                           "\r\n");
}

TEST_F(ExportTest, EventsByDefaultHoldEveryMemberAndHistoryChanges) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Ada");
  int64_t ada = Create(db_.get(), record.get());
  Record change = NewRecord();
  crm_record_set_text(change.get(), "city", "Oslo");
  int64_t version = 0;
  ASSERT_EQ(
      crm_customer_update(&version, db_.get(), ada, 0, change.get(), "alice"),
      CRM_OK);
  int64_t call = Append(ada, "call", "phone", kJan2024, "key-1");
  std::string text = Export(Options(CRM_DATA_EVENTS), "events.jsonl");
  std::vector<std::string> lines = Lines(text, "\n");
  ASSERT_EQ(lines.size(), 3u) << text;
  EXPECT_EQ(
      KeysInOrder(lines[0]),
      (std::vector<std::string>{"seq", "customer_id", "occurred_at",
                                "recorded_at", "type", "channel", "actor",
                                "source", "idempotency_key", "properties"}));
  Struct created = ParseJson(lines[0]);
  EXPECT_EQ(At(created, "type").string_value(), "crm.record.created");
  EXPECT_EQ(At(created, "customer_id").number_value(), ada);
  EXPECT_EQ(
      At(At(At(created, "properties").struct_value(), "after").struct_value(),
         "name")
          .string_value(),
      "Ada");
  Struct updated = ParseJson(lines[1]);
  EXPECT_EQ(At(updated, "type").string_value(), "crm.record.updated");
  EXPECT_EQ(At(updated, "actor").string_value(), "alice");
  const Struct& properties = At(updated, "properties").struct_value();
  EXPECT_EQ(At(At(properties, "after").struct_value(), "city").string_value(),
            "Oslo");
  EXPECT_EQ(At(properties, "before").struct_value().fields_size(), 0);
  Struct event = ParseJson(lines[2]);
  EXPECT_EQ(At(event, "seq").number_value(), call);
  EXPECT_EQ(At(event, "occurred_at").number_value(), kJan2024);
  EXPECT_EQ(At(event, "channel").string_value(), "phone");
  EXPECT_EQ(At(event, "source").kind_case(), Value::kNullValue);
  EXPECT_EQ(At(event, "idempotency_key").string_value(), "key-1");
  EXPECT_EQ(
      At(At(event, "properties").struct_value(), "minutes").number_value(), 7);
  // The CSV header names the same members.
  std::string csv = Export(Options(CRM_DATA_EVENTS), "events.csv");
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "seq,customer_id,occurred_at,recorded_at,type,channel,actor,"
            "source,idempotency_key,properties");
}

// "desk" reads name, city and phone (masked) and the times, hides notes
// and every other field, reads calls, and sees Oslo's customers only.
constexpr char kDesk[] = R"({"name": "desk",
  "fields": {"name": "read_only", "city": "read_only", "phone": "masked",
             "notes": "hidden", "created_at": "read_only"},
  "events": [{"type": "call", "access": "read"}],
  "scope": "city = 'Oslo'",
  "operations": ["bulk_export"]})";

constexpr char kNoExport[] = R"({"name": "no_export",
  "fields": {"name": "read_only"}})";

TEST_F(ExportTest, RestrictedHandleExportsWhatItReads) {
  Define(db_.get(), R"({"name": "notes", "type": "text"})");
  ASSERT_EQ(crm_profile_define(db_.get(), kDesk), CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(crm_profile_define(db_.get(), kNoExport), CRM_OK)
      << crm_last_error_message();
  int64_t ids[3] = {0, 0, 0};
  const char* cities[] = {"Oslo", "Rome", "Oslo"};
  for (int i = 0; i < 3; ++i) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", cities[i]);
    crm_record_set_text(record.get(), "city", cities[i]);
    crm_record_set_text(record.get(), "phone", "+1 202 555 0147");
    crm_record_set_text(record.get(), "notes", "secret");
    ids[i] = CreateAt(record.get(), kJan2024);
  }
  Append(ids[0], "call", "phone", kJan2024);
  Append(ids[1], "call", "phone", kJan2024);
  Append(ids[2], "order", "web", kJan2024);
  Db desk = RestrictTo(db_.get(), "desk", "alice");
  Db other = RestrictTo(db_.get(), "no_export", "alice");
  crm_export_options options = Options();
  EXPECT_CRM_ERROR(crm_export(nullptr, other.get(),
                              dir_.File("denied.csv").c_str(), &options),
                   CRM_E_DENIED, "", "operation");
  EXPECT_FALSE(std::filesystem::exists(dir_.File("denied.csv")));

  std::string csv = Export(options, "desk.csv", nullptr, desk.get());
  EXPECT_EQ(csv, "id,name,phone,city,created_at\r\n" + std::to_string(ids[0]) +
                     ",Oslo,***0147,Oslo,2024-01-01T00:00:00.000000Z\r\n" +
                     std::to_string(ids[2]) +
                     ",Oslo,***0147,Oslo,2024-01-01T00:00:00.000000Z\r\n");
  // A hidden field named in the columns or the filter is refused.
  options.fields = "name,notes";
  EXPECT_CRM_ERROR(crm_export(nullptr, desk.get(),
                              dir_.File("hidden.csv").c_str(), &options),
                   CRM_E_DENIED, "notes", "hidden");
  options.fields = nullptr;
  options.filter = "notes = 'secret'";
  EXPECT_CRM_ERROR(crm_export(nullptr, desk.get(),
                              dir_.File("hidden.csv").c_str(), &options),
                   CRM_E_DENIED, "notes", "hidden");
  EXPECT_FALSE(std::filesystem::exists(dir_.File("hidden.csv")));
  // Events: the calls of customers in scope; no history, no orders.
  crm_export_options events = Options(CRM_DATA_EVENTS, "customer_id,type");
  EXPECT_EQ(Export(events, "events.csv", nullptr, desk.get()),
            "customer_id,type\r\n" + std::to_string(ids[0]) + ",call\r\n");
}

struct Calls {
  std::vector<int64_t> items;
  std::vector<int64_t> bytes;
  std::vector<int64_t> totals;
  size_t stop_at = SIZE_MAX;  // the call that asks to stop
};

int Report(void* context, int64_t items, int64_t bytes, int64_t total) {
  Calls* calls = static_cast<Calls*>(context);
  calls->items.push_back(items);
  calls->bytes.push_back(bytes);
  calls->totals.push_back(total);
  return calls->items.size() == calls->stop_at ? 1 : 0;
}

TEST_F(ExportTest, ProgressReportsRowsAndBytesAndCancelLeavesNoFile) {
  // 1,200 rows of about 1 KB: past 1 MiB before the end.
  Define(db_.get(), R"({"name": "notes", "type": "text"})");
  std::string notes(1000, 'n');
  ASSERT_EQ(crm_begin(db_.get()), CRM_OK);
  for (int i = 0; i < 1200; ++i) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "notes", notes.c_str());
    Create(db_.get(), record.get());
  }
  ASSERT_EQ(crm_commit(db_.get()), CRM_OK);
  Calls calls;
  crm_export_options options = Options(CRM_DATA_CUSTOMERS, "id,notes");
  options.progress = Report;
  options.progress_context = &calls;
  int64_t rows = 0;
  std::string csv = Export(options, "all.csv", &rows);
  EXPECT_EQ(rows, 1200);
  // Once past 1 MiB, and once at the end with the file's size.
  ASSERT_EQ(calls.items.size(), 2u);
  EXPECT_GT(calls.items[0], 1000);
  EXPECT_LT(calls.items[0], 1200);
  EXPECT_GE(calls.bytes[0], 1 << 20);
  EXPECT_EQ(calls.items[1], 1200);
  EXPECT_EQ(calls.bytes[1], static_cast<int64_t>(csv.size()));
  EXPECT_EQ(calls.totals[0], -1);
  EXPECT_EQ(calls.totals[1], -1);

  // Cancelled midway, and at the very end: the old file stays as it was,
  // and nothing else is left in the folder.
  WriteFile(dir_.File("keep.csv"), "old export\r\n");
  std::vector<std::string> before = FilesIn(dir_.path());
  for (size_t stop_at : {1, 2}) {
    Calls cancel;
    cancel.stop_at = stop_at;
    options.progress_context = &cancel;
    rows = -1;
    EXPECT_CRM_ERROR(
        crm_export(&rows, db_.get(), dir_.File("keep.csv").c_str(), &options),
        CRM_E_CANCELLED, "", "");
    EXPECT_EQ(rows, 0);
    EXPECT_EQ(cancel.items.size(), stop_at);
    EXPECT_EQ(ReadFile(dir_.File("keep.csv")), "old export\r\n");
    EXPECT_EQ(FilesIn(dir_.path()), before);
  }
  // Uncancelled, the export replaces the old file.
  options.progress = nullptr;
  EXPECT_EQ(Export(options, "keep.csv"), csv);
}

TEST_F(ExportTest, BadArgumentsNameTheirParameterOrOption) {
  CreateNamed(db_.get(), "Ada");
  std::string path = dir_.File("bad.csv");
  crm_export_options options = Options();
  int64_t rows = 7;
  EXPECT_CRM_ERROR(crm_export(&rows, nullptr, path.c_str(), &options),
                   CRM_E_INVALID_ARGUMENT, "", "db");
  EXPECT_EQ(rows, 0);
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(), nullptr, &options),
                   CRM_E_INVALID_ARGUMENT, "", "path");
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(), "", &options),
                   CRM_E_INVALID_ARGUMENT, "", "path");
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(), "bad\xff.csv", &options),
                   CRM_E_INVALID_ARGUMENT, "", "utf8");
  options.target = 3;
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(), path.c_str(), &options),
                   CRM_E_INVALID_ARGUMENT, "", "target");
  options = Options();
  options.format = 9;
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(), path.c_str(), &options),
                   CRM_E_INVALID_ARGUMENT, "", "format");
  options = Options();
  options.struct_size = 4;
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(), path.c_str(), &options),
                   CRM_E_INVALID_ARGUMENT, "", "struct_size");
  options = Options(CRM_DATA_CUSTOMERS, "name,,email");
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(), path.c_str(), &options),
                   CRM_E_INVALID_ARGUMENT, "", "fields");
  options = Options(CRM_DATA_CUSTOMERS, "name, email,name");
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(), path.c_str(), &options),
                   CRM_E_INVALID_ARGUMENT, "name", "fields");
  options = Options(CRM_DATA_CUSTOMERS, "name,nickname");
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(), path.c_str(), &options),
                   CRM_E_NOT_FOUND, "nickname", "unknown_field");
  options = Options(CRM_DATA_EVENTS, "seq,colour");
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(), path.c_str(), &options),
                   CRM_E_NOT_FOUND, "colour", "unknown_field");
  options = Options(CRM_DATA_CUSTOMERS, nullptr, "name = ");
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(), path.c_str(), &options),
                   CRM_E_INVALID_ARGUMENT, "", "syntax");
  options = Options();
  options.from_us = kJan2024;
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(), path.c_str(), &options),
                   CRM_E_INVALID_ARGUMENT, "", "from_us");
  options = Options(CRM_DATA_EVENTS);
  options.from_us = kJan2024;
  options.until_us = kJan2024 - 1;
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(), path.c_str(), &options),
                   CRM_E_INVALID_ARGUMENT, "", "until_us");
  EXPECT_FALSE(std::filesystem::exists(path));
  // A folder that does not exist: an I/O error naming the path.
  options = Options();
  EXPECT_CRM_ERROR(crm_export(nullptr, db_.get(),
                              dir_.File("missing/out.csv").c_str(), &options),
                   CRM_E_IO, "", "path");
  // NULL options: the defaults.
  EXPECT_EQ(crm_export(&rows, db_.get(), path.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(rows, 1);
}

TEST_F(ExportTest, OptionsInitFillsTheDefaults) {
  crm_export_options options;
  std::memset(&options, 0xff, sizeof options);
  ASSERT_EQ(crm_export_options_init(&options, sizeof options), CRM_OK);
  crm_export_options expected = CRM_EXPORT_OPTIONS_INIT;
  EXPECT_EQ(options.struct_size, expected.struct_size);
  EXPECT_EQ(options.target, CRM_DATA_CUSTOMERS);
  EXPECT_EQ(options.format, CRM_FORMAT_AUTO);
  EXPECT_EQ(options.filter, nullptr);
  EXPECT_EQ(options.fields, nullptr);
  EXPECT_EQ(options.from_us, CRM_TIME_MIN);
  EXPECT_EQ(options.until_us, CRM_TIME_MAX);
  EXPECT_EQ(options.progress, nullptr);
  EXPECT_EQ(options.progress_context, nullptr);
}

}  // namespace
}  // namespace crm_test
