// crm_dump() and crm_load(): a workspace holding one of everything (fields
// of every type, archived and deleted fields, deleted customers, history
// with late changes, erasure tombstones, legal-hold stubs, suppressions,
// event types, profiles, duplicate rules and settings, segments) goes through a
// dump and back with every id, version, seq and time, on the backend under test
// and, with a PostgreSQL server, from a file to PostgreSQL and back. Dumps that
// are truncated, reordered, corrupted or of a newer version are refused with
// the target left empty.
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/delimited_message_util.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "crm/crm.pb.h"
#include "test_support.h"
#include "workspace_content_support.h"

namespace crm_test {
namespace {

constexpr char kMagic[] = "CRMDUMP\n";

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The items of the dump at `path`, parsed with the public crm.proto.
std::vector<crm::wire::DumpItem> ReadItems(const std::string& path) {
  const std::string bytes = ReadBytes(path);
  EXPECT_EQ(bytes.substr(0, 8), kMagic);
  google::protobuf::io::ArrayInputStream stream(
      bytes.data() + 8, static_cast<int>(bytes.size()) - 8);
  std::vector<crm::wire::DumpItem> items;
  while (true) {
    crm::wire::DumpItem item;
    bool clean_eof = false;
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(
            &item, &stream, &clean_eof)) {
      EXPECT_TRUE(clean_eof) << "item " << items.size();
      break;
    }
    items.push_back(std::move(item));
  }
  return items;
}

// Writes `items` as a dump: the magic, then each item delimited.
std::string DumpBytes(const std::vector<crm::wire::DumpItem>& items) {
  std::string bytes = kMagic;
  for (const crm::wire::DumpItem& item : items) {
    google::protobuf::io::StringOutputStream stream(&bytes);
    EXPECT_TRUE(google::protobuf::util::SerializeDelimitedToZeroCopyStream(
        item, &stream));
  }
  return bytes;
}

// The index of the first item of `kind`, or -1.
int FirstOf(const std::vector<crm::wire::DumpItem>& items,
            crm::wire::DumpItem::ItemCase kind) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].item_case() == kind) return static_cast<int>(i);
  }
  return -1;
}

void Dump(crm_db* db, const std::string& path) {
  ASSERT_EQ(crm_dump(db, path.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
}

int Load(crm_db* db, const std::string& path) {
  return crm_load(db, path.c_str(), nullptr);
}

// Adds to Fill()'s workspace what only later releases' workspaces hold: a
// late change (valid time in the past), an erased customer with a
// legal-hold stub and its suppression, a profile, a duplicate rule on a
// user-defined field and the duplicate settings, and customer 3 merged into
// customer 2.
void FillMore(crm_db* db) {
  const int64_t merged = 3;
  char* merge_receipt = nullptr;
  ASSERT_EQ(crm_customer_merge(&merge_receipt, db, 2, &merged, 1, nullptr,
                               "steward", "the same person"),
            CRM_OK)
      << crm_last_error_message();
  crm_string_free(merge_receipt);
  ASSERT_EQ(crm_field_update(db, "company", R"({"hold_days": 30})"), CRM_OK)
      << crm_last_error_message();
  Record ada = NewRecord();
  crm_record_set_text(ada.get(), "name", "Ada");
  crm_record_set_text(ada.get(), "company", "Acme");
  crm_record_set_text(ada.get(), "email", "ada@example.org");
  const int64_t id = Create(db, ada.get());
  Record late = NewRecord();
  crm_record_set_text(late.get(), "company", "Acme Ltd");
  // Effective from the customer's first microsecond on: a late change.
  int64_t created_at = 0;
  ASSERT_EQ(
      crm_record_get_datetime(&created_at, Get(db, 1).get(), "created_at"),
      CRM_OK);
  crm_write_options options = CRM_WRITE_OPTIONS_INIT;
  options.effective_at = created_at + 1;
  crm_write_result* result = nullptr;
  ASSERT_EQ(
      crm_customer_update_v2(&result, db, 1, 0, late.get(), &options, "late"),
      CRM_OK)
      << crm_last_error_message();
  crm_write_result_free(result);
  crm_erase_options erase = CRM_ERASE_OPTIONS_INIT;
  erase.flags = CRM_ERASE_KEEP_HELD | CRM_ERASE_SUPPRESS;
  char* receipt = nullptr;
  ASSERT_EQ(crm_customer_erase(&receipt, db, id, &erase), CRM_OK)
      << crm_last_error_message();
  crm_string_free(receipt);
  ASSERT_EQ(crm_suppression_add(db, "bob@example.org", nullptr), CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(crm_profile_define(db, R"({"name":"desk",
      "fields":{"email":"masked"},"groups":{"standard":"read_only"},
      "events":[{"type":"call","access":"read"}]})"),
            CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(crm_duplicate_settings_set(db, R"({"default_region": "NO"})"),
            CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(crm_duplicate_rule_define(db, R"({"name": "same_phone_notes",
      "compare": [{"key": "phone"}, {"field": "notes"}],
      "action": "warn"})"),
            CRM_OK)
      << crm_last_error_message();
}

class DumpTest : public ::testing::Test {
 protected:
  // A filled workspace dumped to dump_path(); sets deleted_ and sum_.
  void MakeDump() {
    source_ = OpenDb(dir_.File("source.crm"));
    deleted_ = Fill(source_.get());
    FillMore(source_.get());
    sum_ = Checksum(source_.get());
    Dump(source_.get(), dump_path());
  }
  std::string dump_path() const { return dir_.File("all.crmdump"); }

  // Loading `bytes` fails with `status` (rule `rule`) into a new workspace,
  // which stays empty; returns the error's position.
  int64_t ExpectRefused(const std::string& bytes, int status, const char* rule,
                        const std::string& what) {
    const std::string path = dir_.File("bad.crmdump");
    WriteBytes(path, bytes);
    Db target = OpenDb(":memory:");
    const std::string empty = Checksum(target.get());
    EXPECT_CRM_ERROR(Load(target.get(), path), status, "", rule);
    const int64_t position = crm_last_error_position();
    EXPECT_EQ(Checksum(target.get()), empty) << what;
    EXPECT_EQ(Count(target.get()), 0) << what;
    return position;
  }

  TempDir dir_;
  Db source_;
  int64_t deleted_ = 0;
  std::string sum_;
};

TEST_F(DumpTest, DumpAndLoadKeepEverythingWithItsIds) {
  MakeDump();
  const std::string bytes = ReadBytes(dump_path());
  EXPECT_EQ(bytes.substr(0, 8), kMagic);
  std::vector<crm::wire::DumpItem> items = ReadItems(dump_path());
  ASSERT_GE(items.size(), 3u);
  EXPECT_EQ(items.front().header().format(), "libcrm.dump");
  EXPECT_EQ(items.front().header().version(), 3u);
  EXPECT_EQ(items.front().header().library_version(), crm_version());
  EXPECT_EQ(items.front().header().backend(),
            OnPostgres() ? "postgresql" : "sqlite");
  ASSERT_TRUE(items.back().has_end());
  EXPECT_EQ(items.back().end().checksum(), sum_);
  EXPECT_EQ(items.back().end().customers(), Count(source_.get()));
  EXPECT_GE(FirstOf(items, crm::wire::DumpItem::kStub), 0);
  EXPECT_GE(FirstOf(items, crm::wire::DumpItem::kSuppressionKey), 0);
  EXPECT_GE(FirstOf(items, crm::wire::DumpItem::kProfile), 0);
  EXPECT_GT(FirstOf(items, crm::wire::DumpItem::kDuplicateRule),
            FirstOf(items, crm::wire::DumpItem::kProfile));
  EXPECT_GT(FirstOf(items, crm::wire::DumpItem::kDuplicateSettings),
            FirstOf(items, crm::wire::DumpItem::kDuplicateRule));
  EXPECT_GT(FirstOf(items, crm::wire::DumpItem::kMerge),
            FirstOf(items, crm::wire::DumpItem::kSuppression));
  EXPECT_GT(FirstOf(items, crm::wire::DumpItem::kFloors),
            FirstOf(items, crm::wire::DumpItem::kMerge));

  Db target = OpenDb(dir_.File("target.crm"));
  ASSERT_EQ(Load(target.get(), dump_path()), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(Checksum(source_.get()), sum_) << "the source is unchanged";
  // FillMore() merged one of the named customers into another.
  ExpectSameContent(source_.get(), target.get(), deleted_ + 1, 3);
  crm_record* gone = nullptr;
  EXPECT_EQ(crm_customer_get(&gone, target.get(), deleted_), CRM_E_NOT_FOUND);
  int suppressed = 0;
  ASSERT_EQ(crm_suppression_check(&suppressed, target.get(), "ADA@example.org",
                                  nullptr),
            CRM_OK);
  EXPECT_EQ(suppressed, 1);
  char* profile = nullptr;
  ASSERT_EQ(crm_profile_get(&profile, target.get(), "desk"), CRM_OK);
  crm_string_free(profile);
  char* rule = nullptr;
  ASSERT_EQ(crm_duplicate_rule_get(&rule, target.get(), "same_phone_notes"),
            CRM_OK);
  EXPECT_NE(std::string(rule).find("notes"), std::string::npos) << rule;
  crm_string_free(rule);
  char* settings = nullptr;
  ASSERT_EQ(crm_duplicate_settings_get(&settings, target.get()), CRM_OK);
  EXPECT_NE(std::string(settings).find("\"NO\""), std::string::npos)
      << settings;
  crm_string_free(settings);
  crm_record* found = nullptr;
  ASSERT_EQ(crm_customer_get(&found, target.get(), 3), CRM_OK);
  Record survivor(found);
  EXPECT_EQ(crm_record_id(survivor.get()), 2);
  EXPECT_EQ(crm_record_merged_id(survivor.get()), 3);
  // The erased customer's id (the highest) is not handed out again.
  ExpectNextIdsAbove(target.get(), deleted_ + 1, LastSeq(source_.get()));
}

TEST_F(DumpTest, ADumpOfTheLoadedWorkspaceHoldsTheSameItems) {
  MakeDump();
  Db target = OpenDb(dir_.File("target.crm"));
  ASSERT_EQ(Load(target.get(), dump_path()), CRM_OK)
      << crm_last_error_message();
  const std::string again = dir_.File("again.crmdump");
  Dump(target.get(), again);
  std::vector<crm::wire::DumpItem> first = ReadItems(dump_path());
  std::vector<crm::wire::DumpItem> second = ReadItems(again);
  ASSERT_EQ(first.size(), second.size());
  // Past the header (its time differs), item for item.
  for (size_t i = 1; i < first.size(); ++i) {
    EXPECT_EQ(first[i].SerializeAsString(), second[i].SerializeAsString())
        << "item " << i << ": " << first[i].ShortDebugString();
  }
}

TEST_F(DumpTest, AnEmptyWorkspaceDumpsAndLoads) {
  Db source = OpenDb(dir_.File("empty.crm"));
  Dump(source.get(), dump_path());
  Db target = OpenDb(":memory:");
  ASSERT_EQ(Load(target.get(), dump_path()), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(Checksum(target.get()), Checksum(source.get()));
}

TEST_F(DumpTest, LoadRefusesATargetThatIsNotEmpty) {
  MakeDump();
  Db target = OpenDb(dir_.File("target.crm"));
  CreateNamed(target.get(), "already here");
  const std::string sum = Checksum(target.get());
  EXPECT_CRM_ERROR(Load(target.get(), dump_path()), CRM_E_CONFLICT, "",
                   CRM_RULE_TARGET);
  EXPECT_EQ(Checksum(target.get()), sum);
  // Loading twice into the same workspace: the second finds it full.
  Db fresh = OpenDb(dir_.File("fresh.crm"));
  ASSERT_EQ(Load(fresh.get(), dump_path()), CRM_OK) << crm_last_error_message();
  EXPECT_CRM_ERROR(Load(fresh.get(), dump_path()), CRM_E_CONFLICT, "",
                   CRM_RULE_TARGET);
  EXPECT_EQ(Checksum(fresh.get()), sum_);
}

TEST_F(DumpTest, LoadRefusesWhatIsNotADump) {
  Db target = OpenDb(":memory:");
  EXPECT_CRM_ERROR(Load(target.get(), dir_.File("missing.crmdump")),
                   CRM_E_NOT_FOUND, "", CRM_RULE_PATH);
  ExpectRefused("name,email\nAda,ada@example.org\n", CRM_E_NOT_WORKSPACE,
                CRM_RULE_FILE, "a CSV file");
  ExpectRefused("", CRM_E_NOT_WORKSPACE, CRM_RULE_FILE, "an empty file");
  ExpectRefused("CRMDUMP", CRM_E_NOT_WORKSPACE, CRM_RULE_FILE, "7 bytes");
  EXPECT_EQ(ExpectRefused(kMagic, CRM_E_IO, CRM_RULE_DAMAGED, "magic only"), 8);
}

TEST_F(DumpTest, ANewerFormatVersionIsRefused) {
  MakeDump();
  std::vector<crm::wire::DumpItem> items = ReadItems(dump_path());
  items.front().mutable_header()->set_version(4);
  ExpectRefused(DumpBytes(items), CRM_E_VERSION, CRM_RULE_FILE, "version 4");
  items.front().mutable_header()->set_version(0);
  ExpectRefused(DumpBytes(items), CRM_E_IO, CRM_RULE_DAMAGED, "version 0");
}

// A dump of format version 1 (an earlier libcrm's: no duplicate rules or
// settings) still loads.
TEST_F(DumpTest, AVersionOneDumpLoads) {
  Db source = OpenDb(dir_.File("plain.crm"));
  Fill(source.get());
  Dump(source.get(), dump_path());
  std::vector<crm::wire::DumpItem> items = ReadItems(dump_path());
  EXPECT_EQ(FirstOf(items, crm::wire::DumpItem::kDuplicateRule), -1);
  EXPECT_EQ(FirstOf(items, crm::wire::DumpItem::kDuplicateSettings), -1);
  items.front().mutable_header()->set_version(1);
  const std::string path = dir_.File("v1.crmdump");
  WriteBytes(path, DumpBytes(items));
  Db target = OpenDb(dir_.File("target.crm"));
  ASSERT_EQ(Load(target.get(), path), CRM_OK) << crm_last_error_message();
  EXPECT_EQ(Checksum(target.get()), Checksum(source.get()));
}

// Cut anywhere, a dump is refused, and the error points into the file.
TEST_F(DumpTest, TruncatedDumpsAreRefusedWithNothingKept) {
  MakeDump();
  const std::string bytes = ReadBytes(dump_path());
  std::vector<size_t> cuts;
  const size_t steps = OnPostgres() ? 12 : 40;
  for (size_t i = 1; i <= steps; ++i)
    cuts.push_back(8 + (bytes.size() - 8) * i / (steps + 1));
  cuts.push_back(bytes.size() - 1);
  for (size_t cut : cuts) {
    const int64_t position =
        ExpectRefused(bytes.substr(0, cut), CRM_E_IO, CRM_RULE_DAMAGED,
                      "cut at " + std::to_string(cut));
    EXPECT_GE(position, 8) << cut;
    EXPECT_LE(position, static_cast<int64_t>(cut)) << cut;
  }
}

// Items out of order, missing, repeated or inconsistent: refused as
// damaged at the offset of the item at fault, nothing kept.
TEST_F(DumpTest, InconsistentDumpsAreRefusedAtTheItemAtFault) {
  MakeDump();
  const std::vector<crm::wire::DumpItem> items = ReadItems(dump_path());
  const int customer = FirstOf(items, crm::wire::DumpItem::kCustomer);
  const int event = FirstOf(items, crm::wire::DumpItem::kEvent);
  const int floors = FirstOf(items, crm::wire::DumpItem::kFloors);
  const int columns = FirstOf(items, crm::wire::DumpItem::kColumns);
  ASSERT_GT(customer, 0);
  ASSERT_GT(event, customer);
  ASSERT_GT(floors, event);

  auto refused = [&](std::vector<crm::wire::DumpItem> changed,
                     const std::string& what) {
    return ExpectRefused(DumpBytes(changed), CRM_E_IO, CRM_RULE_DAMAGED, what);
  };
  // Where item `index` starts in DumpBytes(changed).
  auto offset_of = [](const std::vector<crm::wire::DumpItem>& changed,
                      int index) {
    std::vector<crm::wire::DumpItem> before(changed.begin(),
                                            changed.begin() + index);
    return static_cast<int64_t>(DumpBytes(before).size());
  };

  {  // A customer after the events.
    auto changed = items;
    crm::wire::DumpItem moved = changed[customer];
    changed.erase(changed.begin() + customer);
    changed.insert(changed.begin() + event, moved);
    EXPECT_EQ(refused(changed, "customer after events"),
              offset_of(changed, event));
  }
  {  // A customer twice.
    auto changed = items;
    changed.insert(changed.begin() + customer + 1, changed[customer]);
    EXPECT_EQ(refused(changed, "customer twice"),
              offset_of(changed, customer + 1));
  }
  {  // A customer left out: the end's count differs.
    auto changed = items;
    changed.erase(changed.begin() + customer);
    EXPECT_EQ(refused(changed, "customer missing"),
              offset_of(changed, static_cast<int>(changed.size()) - 1));
  }
  {  // A value that is not of its field's type (text in the integer score).
    auto changed = items;
    int score = -1;
    for (int i = 0; i < changed[columns].columns().field_ids_size(); ++i) {
      if (changed[customer].customer().values(i).has_integer() &&
          changed[customer].customer().values(i).integer() == 0) {
        score = i;
      }
    }
    ASSERT_GE(score, 0);
    changed[customer].mutable_customer()->mutable_values(score)->set_text(
        "zero");
    EXPECT_EQ(refused(changed, "text in an integer field"),
              offset_of(changed, customer));
    changed[customer].mutable_customer()->mutable_values(score)->set_real(0.5);
    EXPECT_EQ(refused(changed, "a real in an integer field"),
              offset_of(changed, customer));
    changed[customer].mutable_customer()->mutable_values()->RemoveLast();
    EXPECT_EQ(refused(changed, "a value missing"),
              offset_of(changed, customer));
  }
  {  // A time outside years 1 to 9999.
    auto changed = items;
    changed[customer].mutable_customer()->set_created_at_us(INT64_MAX);
    EXPECT_EQ(refused(changed, "time out of range"),
              offset_of(changed, customer));
  }
  {  // A field name crm_field_define would refuse.
    auto changed = items;
    changed[columns - 1].mutable_field()->set_name("Not A Name");
    EXPECT_EQ(refused(changed, "bad field name"),
              offset_of(changed, columns - 1));
  }
  {  // An event of a customer id above every one handed out.
    auto changed = items;
    changed[event].mutable_event()->set_customer_id(1000000);
    refused(changed, "event of an unknown customer");
  }
  {  // An event body that is not an EventBody.
    auto changed = items;
    changed[event].mutable_event()->set_body(std::string("\xff\xff\xff", 3));
    EXPECT_EQ(refused(changed, "bad body"), offset_of(changed, event));
  }
  {  // A history change naming a field the dump does not hold.
    auto changed = items;
    crm::wire::EventBody body;
    crm::wire::FieldChange* change = body.add_changes();
    change->set_field_id(99999);
    changed[event].mutable_event()->set_type("crm.record.updated");
    changed[event].mutable_event()->set_body(body.SerializeAsString());
    EXPECT_EQ(refused(changed, "history of an unknown field"),
              offset_of(changed, event));
  }
  {  // A user-defined field claiming a column not named after its id.
    auto changed = items;
    int user = -1;
    for (int i = 0; i < customer; ++i) {
      if (changed[i].has_field() && changed[i].field().name() == "notes") {
        user = i;
      }
    }
    ASSERT_GT(user, 0);
    changed[user].mutable_field()->set_column("email");
    EXPECT_EQ(refused(changed, "a column of another field"),
              offset_of(changed, user));
  }
  {  // A changed value: parses, but the checksum differs.
    auto changed = items;
    changed[event].mutable_event()->set_actor("someone else");
    EXPECT_EQ(refused(changed, "checksum"),
              offset_of(changed, static_cast<int>(changed.size()) - 1));
  }
  {  // No floors, and floors below the ids.
    auto changed = items;
    changed.erase(changed.begin() + floors);
    refused(changed, "no floors");
    changed = items;
    changed[floors].mutable_floors()->set_customer_id(1);
    EXPECT_EQ(refused(changed, "floors below ids"), offset_of(changed, floors));
  }
  {  // A duplicate rule on a field the dump does not hold, settings that
     // are not settings, and the settings twice.
    const int rule = FirstOf(items, crm::wire::DumpItem::kDuplicateRule);
    const int settings =
        FirstOf(items, crm::wire::DumpItem::kDuplicateSettings);
    ASSERT_GT(rule, 0);
    ASSERT_EQ(settings, rule + 1);
    auto changed = items;
    changed[rule].mutable_duplicate_rule()->set_definition_json(
        R"({"name": "same_phone_notes", "compare": [{"field": "gone"}]})");
    EXPECT_EQ(refused(changed, "a rule on an unknown field"),
              offset_of(changed, rule));
    changed = items;
    changed[rule].mutable_duplicate_rule()->set_name("other_name");
    EXPECT_EQ(refused(changed, "a rule under another name"),
              offset_of(changed, rule));
    changed = items;
    changed[settings].set_duplicate_settings(R"({"default_region": "XX"})");
    EXPECT_EQ(refused(changed, "an unknown region"),
              offset_of(changed, settings));
    changed = items;
    changed.insert(changed.begin() + settings, changed[settings]);
    EXPECT_EQ(refused(changed, "settings twice"),
              offset_of(changed, settings + 1));
    changed = items;
    changed.insert(changed.begin() + settings, changed[rule]);
    EXPECT_EQ(refused(changed, "a rule twice"), offset_of(changed, rule + 1));
  }
  {  // Something after the end, and a second header.
    auto changed = items;
    changed.push_back(changed[customer]);
    refused(changed, "after the end");
    changed = items;
    changed.insert(changed.begin() + 1, changed[0]);
    EXPECT_EQ(refused(changed, "two headers"), offset_of(changed, 1));
  }
}

// Bytes flipped anywhere: refused, or loaded only when the checksum holds
// (the header's time and writer are not content); never a crash or an
// internal error, and a refusal keeps nothing.
TEST_F(DumpTest, CorruptedDumpsAreRefusedOrLoadExactly) {
  MakeDump();
  const std::string bytes = ReadBytes(dump_path());
  const size_t steps = OnPostgres() ? 12 : 60;
  for (size_t i = 0; i < steps; ++i) {
    std::string changed = bytes;
    const size_t at = i * 7919 % changed.size();
    changed[at] = static_cast<char>(changed[at] ^ 0x5a);
    const std::string path = dir_.File("flipped.crmdump");
    WriteBytes(path, changed);
    Db target = OpenDb(":memory:");
    const std::string empty = Checksum(target.get());
    const int rc = Load(target.get(), path);
    if (rc == CRM_OK) {
      EXPECT_EQ(Checksum(target.get()), sum_) << at;
      continue;
    }
    EXPECT_TRUE(rc == CRM_E_IO || rc == CRM_E_NOT_WORKSPACE ||
                rc == CRM_E_VERSION)
        << at << ": " << crm_status_name(rc) << " " << crm_last_error_message();
    EXPECT_EQ(Checksum(target.get()), empty) << at;
  }
}

// Progress counts customers and events, and the host can stop either call:
// a stopped dump leaves no file, a stopped load an empty workspace.
TEST_F(DumpTest, ProgressReportsAndCancels) {
  MakeDump();
  struct Seen {
    int calls = 0;
    int64_t items = 0, bytes = 0, total = 0;
    bool stop = false;
  };
  auto report = [](void* context, int64_t items, int64_t bytes,
                   int64_t total) -> int {
    Seen* seen = static_cast<Seen*>(context);
    ++seen->calls;
    seen->items = items;
    seen->bytes = bytes;
    seen->total = total;
    return seen->stop ? 1 : 0;
  };
  crm_transfer_options options = CRM_TRANSFER_OPTIONS_INIT;
  options.progress = report;
  Seen dumped;
  options.progress_context = &dumped;
  const std::string path = dir_.File("progress.crmdump");
  ASSERT_EQ(crm_dump(source_.get(), path.c_str(), &options), CRM_OK)
      << crm_last_error_message();
  EXPECT_GE(dumped.calls, 1);
  std::vector<crm::wire::DumpItem> items = ReadItems(path);
  EXPECT_EQ(dumped.items,
            items.back().end().customers() + items.back().end().events());
  EXPECT_EQ(dumped.bytes, static_cast<int64_t>(ReadBytes(path).size()));

  Seen loaded;
  options.progress_context = &loaded;
  Db target = OpenDb(":memory:");
  ASSERT_EQ(crm_load(target.get(), path.c_str(), &options), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(loaded.items, dumped.items);
  EXPECT_EQ(loaded.bytes, dumped.bytes);
  EXPECT_EQ(loaded.total, dumped.bytes);

  Seen stopped;
  stopped.stop = true;
  options.progress_context = &stopped;
  const std::string cancelled = dir_.File("cancelled.crmdump");
  EXPECT_CRM_ERROR(crm_dump(source_.get(), cancelled.c_str(), &options),
                   CRM_E_CANCELLED, "", "");
  EXPECT_FALSE(std::ifstream(cancelled).good()) << "no file left";
  Db empty = OpenDb(":memory:");
  const std::string empty_sum = Checksum(empty.get());
  EXPECT_CRM_ERROR(crm_load(empty.get(), path.c_str(), &options),
                   CRM_E_CANCELLED, "", "");
  EXPECT_EQ(Checksum(empty.get()), empty_sum);
}

TEST_F(DumpTest, RestrictedHandles) {
  MakeDump();
  // Loading is never allowed on a restricted handle.
  ASSERT_EQ(crm_profile_define(source_.get(), R"({"name":"all",
      "groups":{"standard":"read_write","crm":"read_write","":"read_write"},
      "events":[{"type":"call","access":"read"},
                {"type":"order.placed","access":"read"}],
      "operations":["dump","backup"]})"),
            CRM_OK)
      << crm_last_error_message();
  Db target = OpenDb(":memory:");
  ASSERT_EQ(crm_profile_define(target.get(), R"({"name":"all",
      "groups":{"standard":"read_write"},"operations":["dump"]})"),
            CRM_OK);
  Db restricted_target = RestrictTo(target.get(), "all", "ann");
  EXPECT_CRM_ERROR(Load(restricted_target.get(), dump_path()), CRM_E_DENIED, "",
                   CRM_RULE_OPERATION);

  // A profile that sees everything may dump, and the dump is whole.
  Db all = RestrictTo(source_.get(), "all", "ann");
  const std::string path = dir_.File("restricted.crmdump");
  ASSERT_EQ(crm_dump(all.get(), path.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  Db loaded = OpenDb(":memory:");
  ASSERT_EQ(Load(loaded.get(), path), CRM_OK) << crm_last_error_message();
  EXPECT_EQ(Checksum(loaded.get()), Checksum(source_.get()));

  // Without the operation, or hiding, masking or scoping anything: denied,
  // and no file is written.
  const char* withholding[] = {
      R"({"name":"no_op","groups":{"standard":"read_write","crm":"read_write",
          "":"read_write"},"events":[{"type":"call","access":"read"},
          {"type":"order.placed","access":"read"}]})",
      R"({"name":"masks","fields":{"email":"masked"},
          "groups":{"standard":"read_write","crm":"read_write",
          "":"read_write"},"events":[{"type":"call","access":"read"},
          {"type":"order.placed","access":"read"}],"operations":["dump"]})",
      R"({"name":"hides","groups":{"standard":"read_write"},
          "events":[{"type":"call","access":"read"},
          {"type":"order.placed","access":"read"}],"operations":["dump"]})",
      R"({"name":"scoped","groups":{"standard":"read_write","crm":"read_write",
          "":"read_write"},"events":[{"type":"call","access":"read"},
          {"type":"order.placed","access":"read"}],"scope":"owner = :actor",
          "operations":["dump"]})",
      R"({"name":"no_orders","groups":{"standard":"read_write",
          "crm":"read_write","":"read_write"},
          "events":[{"type":"call","access":"read"}],"operations":["dump"]})",
  };
  for (const char* profile : withholding) {
    ASSERT_EQ(crm_profile_define(source_.get(), profile), CRM_OK)
        << crm_last_error_message() << profile;
    const std::string json(profile);
    const size_t start = json.find(":\"") + 2;
    const std::string name = json.substr(start, json.find('"', start) - start);
    Db view = RestrictTo(source_.get(), name.c_str(), "ann");
    const std::string denied = dir_.File("denied.crmdump");
    EXPECT_CRM_ERROR(crm_dump(view.get(), denied.c_str(), nullptr),
                     CRM_E_DENIED, "", CRM_RULE_OPERATION);
    EXPECT_FALSE(std::ifstream(denied).good()) << name;
  }
}

TEST_F(DumpTest, ChecksArguments) {
  Db db = OpenDb(":memory:");
  const std::string path = dir_.File("a.crmdump");
  EXPECT_CRM_ERROR(crm_dump(nullptr, path.c_str(), nullptr),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_DB);
  EXPECT_CRM_ERROR(crm_dump(db.get(), nullptr, nullptr), CRM_E_INVALID_ARGUMENT,
                   "", CRM_RULE_PATH);
  EXPECT_CRM_ERROR(crm_load(nullptr, path.c_str(), nullptr),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_DB);
  EXPECT_CRM_ERROR(crm_load(db.get(), nullptr, nullptr), CRM_E_INVALID_ARGUMENT,
                   "", CRM_RULE_PATH);
  crm_transfer_options options = CRM_TRANSFER_OPTIONS_INIT;
  options.struct_size = 4;
  EXPECT_CRM_ERROR(crm_dump(db.get(), path.c_str(), &options),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_STRUCT_SIZE);
  EXPECT_CRM_ERROR(crm_load(db.get(), path.c_str(), &options),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_STRUCT_SIZE);
  const std::string folder = dir_.File("no/such/folder/a.crmdump");
  EXPECT_CRM_ERROR(crm_dump(db.get(), folder.c_str(), nullptr), CRM_E_IO, "",
                   CRM_RULE_PATH);
  crm_transfer_options filled;
  ASSERT_EQ(crm_transfer_options_init(&filled, sizeof filled), CRM_OK);
  EXPECT_EQ(filled.struct_size, sizeof filled);
  EXPECT_EQ(filled.progress, nullptr);
}

// SQLite -> dump -> PostgreSQL -> dump -> SQLite, when a server is given:
// every workspace holds the same content with the same ids and checksum.
TEST_F(DumpTest, FileToPostgresToFile) {
  // Registered for PostgreSQL only (tests/CMakeLists.txt).
  ASSERT_TRUE(OnPostgres());
  crm_db* raw = nullptr;
  ASSERT_EQ(crm_open(&raw, dir_.File("first.crm").c_str(), nullptr), CRM_OK);
  Db first(raw);
  const int64_t deleted = Fill(first.get());
  FillMore(first.get());
  const std::string sum = Checksum(first.get());
  Dump(first.get(), dir_.File("first.crmdump"));
  Db server = OpenDbUrl(WorkspaceUrlFor(dir_.File("middle")));
  ASSERT_EQ(Load(server.get(), dir_.File("first.crmdump")), CRM_OK)
      << crm_last_error_message();
  Dump(server.get(), dir_.File("middle.crmdump"));
  ASSERT_EQ(crm_open(&raw, dir_.File("last.crm").c_str(), nullptr), CRM_OK);
  Db last(raw);
  ASSERT_EQ(Load(last.get(), dir_.File("middle.crmdump")), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(Checksum(server.get()), sum);
  EXPECT_EQ(Checksum(last.get()), sum);
  ExpectSameContent(first.get(), server.get(), deleted + 1, 3);
  ExpectSameContent(first.get(), last.get(), deleted + 1, 3);
  const int64_t last_seq = LastSeq(first.get());
  ExpectNextIdsAbove(server.get(), deleted + 1, last_seq);
  ExpectNextIdsAbove(last.get(), deleted + 1, last_seq);
}

}  // namespace
}  // namespace crm_test
