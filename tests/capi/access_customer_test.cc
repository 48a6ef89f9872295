// Customer records through a restricted handle (crm.h, "Access profiles and
// restricted handles"): what a view reads, writes, and can infer of the
// customers its profile does not grant.
#include <chrono>
#include <string>
#include <thread>

#include "crm/crm.pb.h"
#include "test_support.h"

namespace crm_test {
namespace {

struct TimelineFreer {
  void operator()(crm_field_timeline* t) const { crm_field_timeline_free(t); }
};
using FieldTimeline = std::unique_ptr<crm_field_timeline, TimelineFreer>;

// "desk" reads and writes name, owner, note and external_id; reads tier and
// the times; masks email (comparable) and phone; hides secret (named) and
// every field it does not name. Its scope: the customers its actor owns.
constexpr char kDesk[] = R"({"name": "desk",
  "fields": {"name": "read_write", "owner": "read_write",
             "note": "read_write", "external_id": "read_write",
             "email": "masked_match", "phone": "masked",
             "tier": "read_only", "secret": "hidden",
             "created_at": "read_only", "updated_at": "read_only"},
  "events": [{"type": "call", "access": "read"}],
  "scope": "owner = :actor",
  "operations": ["delete"]})";

// "narrow" hides email, masks external_id, and may not delete.
constexpr char kNarrow[] = R"({"name": "narrow",
  "fields": {"name": "read_write", "owner": "read_only",
             "external_id": "masked"},
  "scope": "owner = :actor"})";

constexpr char kMarker[] = "MARKER-hidden-7f3a";

class AccessCustomerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(db_.get(), R"({"name": "tier", "type": "text"})");
    Define(db_.get(), R"({"name": "note", "type": "text"})");
    Define(db_.get(), R"({"name": "secret", "type": "text"})");
    ASSERT_EQ(crm_profile_define(db_.get(), kDesk), CRM_OK)
        << crm_last_error_message();
    ASSERT_EQ(crm_profile_define(db_.get(), kNarrow), CRM_OK)
        << crm_last_error_message();
    view_ = Restrict("desk", "alice");
    ada_ = AdminCreate("Ada", "alice", "ada@example.com", "ext-ada");
    bob_ = AdminCreate("Bob", "bob", "bob@example.com", "ext-bob");
  }

  Db Restrict(const char* profile, const char* actor) {
    return RestrictTo(db_.get(), profile, actor);
  }

  int64_t AdminCreate(const char* name, const char* owner, const char* email,
                      const char* external_id) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", name);
    crm_record_set_text(record.get(), "owner", owner);
    crm_record_set_text(record.get(), "email", email);
    crm_record_set_text(record.get(), "external_id", external_id);
    crm_record_set_text(record.get(), "phone", "+1 202 555 0147");
    crm_record_set_text(record.get(), "tier", "gold");
    crm_record_set_text(record.get(), "secret", kMarker);
    return Create(db_.get(), record.get());
  }

  // Sets one text field through `db`; returns the call's status.
  static int SetText(crm_db* db, int64_t id, const char* field,
                     const char* value, int64_t expected_version = 0,
                     int64_t* out_version = nullptr) {
    Pause();
    Record changes = NewRecord();
    crm_record_set_text(changes.get(), field, value);
    return crm_customer_update(out_version, db, id, expected_version,
                               changes.get(), "mallory");
  }

  static int64_t UpdatedAt(const crm_record* record) {
    int64_t at = 0;
    EXPECT_EQ(crm_record_get_datetime(&at, record, "updated_at"), CRM_OK);
    return at;
  }

  // The intervals of `field` of customer `id` through `db`, as "value@from".
  static std::vector<std::string> Timeline(crm_db* db, int64_t id,
                                           const char* field) {
    crm_field_timeline* raw = nullptr;
    EXPECT_EQ(crm_field_timeline_get(&raw, db, id, field), CRM_OK)
        << crm_last_error_message();
    FieldTimeline timeline(raw);
    std::vector<std::string> out;
    for (size_t i = 0; i < crm_field_timeline_size(raw); ++i) {
      out.push_back(Text(crm_field_timeline_value(raw, i), field) + "@" +
                    std::to_string(crm_field_timeline_from(raw, i)));
    }
    return out;
  }

  static std::string Export(crm_db* db, int64_t id) {
    char* raw = nullptr;
    EXPECT_EQ(crm_customer_export(&raw, db, id), CRM_OK)
        << crm_last_error_message();
    String json(raw);
    return raw == nullptr ? "" : raw;
  }

  // Keeps successive writes at distinct microseconds.
  static void Pause() {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }

  Db db_ = OpenDb(":memory:");
  Db view_;
  int64_t ada_ = 0, bob_ = 0;
};

TEST_F(AccessCustomerTest, HiddenFieldsAreAbsentAndMaskedOnesMasked) {
  Record ada = Get(view_.get(), ada_);
  ASSERT_NE(ada, nullptr);
  EXPECT_EQ(Text(ada.get(), "name"), "Ada");
  EXPECT_EQ(Text(ada.get(), "tier"), "gold");
  EXPECT_EQ(Text(ada.get(), "secret"), "<none>");
  EXPECT_EQ(Text(ada.get(), "kind"), "<none>");  // named by neither rule
  EXPECT_EQ(Text(ada.get(), "email"), "***@example.com");
  EXPECT_EQ(Text(ada.get(), "phone"), "***0147");
  // The admin handle still reads everything.
  EXPECT_EQ(Text(Get(db_.get(), ada_).get(), "secret"), kMarker);
}

TEST_F(AccessCustomerTest, OutOfScopeCustomersAreLikeMissingOnes) {
  crm_record* raw = nullptr;
  EXPECT_CRM_ERROR(crm_customer_get(&raw, view_.get(), 987654), CRM_E_NOT_FOUND,
                   "", "");
  std::string missing = crm_last_error_message();
  EXPECT_CRM_ERROR(crm_customer_get(&raw, view_.get(), bob_), CRM_E_NOT_FOUND,
                   "", "");
  std::string out_of_scope = crm_last_error_message();
  EXPECT_EQ(missing, "no customer with id 987654");
  EXPECT_EQ(out_of_scope, "no customer with id " + std::to_string(bob_));

  EXPECT_CRM_ERROR(
      crm_customer_get_by_external_id(&raw, view_.get(), "ext-nobody"),
      CRM_E_NOT_FOUND, "", "");
  EXPECT_STREQ(crm_last_error_message(),
               "no customer with external_id 'ext-nobody'");
  EXPECT_CRM_ERROR(
      crm_customer_get_by_external_id(&raw, view_.get(), "ext-bob"),
      CRM_E_NOT_FOUND, "", "");
  EXPECT_STREQ(crm_last_error_message(),
               "no customer with external_id 'ext-bob'");

  EXPECT_CRM_ERROR(
      crm_customer_get_by_email(&raw, view_.get(), "nobody@example.com"),
      CRM_E_NOT_FOUND, "", "");
  EXPECT_STREQ(crm_last_error_message(),
               "no customer with email 'nobody@example.com'");
  EXPECT_CRM_ERROR(
      crm_customer_get_by_email(&raw, view_.get(), "bob@example.com"),
      CRM_E_NOT_FOUND, "", "");
  EXPECT_STREQ(crm_last_error_message(),
               "no customer with email 'bob@example.com'");

  // In scope, the same lookups answer.
  ASSERT_EQ(crm_customer_get_by_email(&raw, view_.get(), "ada@example.com"),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(crm_record_id(raw), ada_);
  crm_record_free(raw);
  ASSERT_EQ(crm_customer_get_by_external_id(&raw, view_.get(), "ext-ada"),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(crm_record_id(raw), ada_);
  crm_record_free(raw);

  EXPECT_EQ(Count(view_.get()), 1);
  EXPECT_EQ(Count(db_.get()), 2);
}

// A reference field written through a view may name only customers in its
// scope, and one outside it gets the error of a missing id: no probe, and no
// link to a customer the view cannot see.
TEST_F(AccessCustomerTest, ReferencesReachOnlyCustomersInScope) {
  Define(db_.get(), R"({"name": "manager", "type": "reference"})");
  ASSERT_EQ(crm_profile_define(db_.get(), R"({"name": "refs",
      "fields": {"name": "read_write", "owner": "read_write",
                 "manager": "read_write"},
      "scope": "owner = :actor"})"),
            CRM_OK)
      << crm_last_error_message();
  Db view = Restrict("refs", "alice");
  const int64_t carl = AdminCreate("Carl", "alice", "carl@example.com", "c");
  auto set_manager = [&](int64_t manager) {
    Record record = NewRecord();
    crm_record_set_integer(record.get(), "manager", manager);
    int64_t version = 0;
    return crm_customer_update(&version, view.get(), ada_, 0, record.get(),
                               "alice");
  };
  const int64_t missing = bob_ + 1000;
  EXPECT_CRM_ERROR(set_manager(missing), CRM_E_VALIDATION, "manager",
                   "reference");
  const std::string absent = crm_last_error_message();
  EXPECT_CRM_ERROR(set_manager(bob_), CRM_E_VALIDATION, "manager", "reference");
  std::string out_of_scope = crm_last_error_message();
  const std::string bob_text = std::to_string(bob_);
  out_of_scope.replace(out_of_scope.find(bob_text), bob_text.size(),
                       std::to_string(missing));
  EXPECT_EQ(out_of_scope, absent);
  EXPECT_EQ(set_manager(carl), CRM_OK) << crm_last_error_message();
  crm_record* stored = nullptr;
  ASSERT_EQ(crm_customer_get(&stored, db_.get(), ada_), CRM_OK);
  Record admin_view(stored);
  int64_t manager = 0;
  ASSERT_EQ(crm_record_get_integer(&manager, admin_view.get(), "manager"),
            CRM_OK);
  EXPECT_EQ(manager, carl);
}

TEST_F(AccessCustomerTest, LookupByHiddenOrMaskedFieldIsDenied) {
  Db narrow = Restrict("narrow", "alice");
  crm_record* raw = nullptr;
  EXPECT_CRM_ERROR(
      crm_customer_get_by_email(&raw, narrow.get(), "ada@example.com"),
      CRM_E_DENIED, "email", "hidden");
  EXPECT_CRM_ERROR(
      crm_customer_get_by_external_id(&raw, narrow.get(), "ext-ada"),
      CRM_E_DENIED, "external_id", "masked");
  EXPECT_EQ(raw, nullptr);
  Record ada = Get(narrow.get(), ada_);
  EXPECT_EQ(Text(ada.get(), "external_id"), "e***");
  EXPECT_EQ(Text(ada.get(), "email"), "<none>");
}

TEST_F(AccessCustomerTest, WritingAFieldNotGrantedIsRefusedAndStoresNothing) {
  for (const char* field : {"tier", "email", "phone", "secret", "kind"}) {
    SCOPED_TRACE(field);
    EXPECT_CRM_ERROR(SetText(view_.get(), ada_, field, "new@example.com"),
                     CRM_E_DENIED, field, "not_writable");
  }
  Record ada = Get(db_.get(), ada_);
  EXPECT_EQ(crm_record_version(ada.get()), 1);
  EXPECT_EQ(Text(ada.get(), "tier"), "gold");
  EXPECT_EQ(Text(ada.get(), "secret"), kMarker);
  EXPECT_EQ(Text(ada.get(), "email"), "ada@example.com");

  // A create naming a hidden field: refused, nothing stored.
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Eve");
  crm_record_set_text(record.get(), "owner", "alice");
  crm_record_set_text(record.get(), "secret", "x");
  int64_t id = 0;
  EXPECT_CRM_ERROR(crm_customer_create(&id, view_.get(), record.get(), nullptr),
                   CRM_E_DENIED, "secret", "not_writable");
  EXPECT_EQ(Count(db_.get()), 2);
}

TEST_F(AccessCustomerTest, CreateOutsideTheScopeIsRefusedAndNotStored) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Eve");
  crm_record_set_text(record.get(), "owner", "bob");
  int64_t id = 0;
  EXPECT_CRM_ERROR(crm_customer_create(&id, view_.get(), record.get(), nullptr),
                   CRM_E_DENIED, "", "scope");
  EXPECT_EQ(id, 0);
  EXPECT_EQ(Count(db_.get()), 2);

  // Within the scope it is stored, with the defaults of fields the profile
  // does not write (kind), and reads back through the view.
  crm_record_set_text(record.get(), "owner", "alice");
  ASSERT_EQ(crm_customer_create(&id, view_.get(), record.get(), nullptr),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "kind"), "person");
  EXPECT_EQ(Text(Get(view_.get(), id).get(), "name"), "Eve");
  EXPECT_EQ(Count(db_.get()), 3);
}

TEST_F(AccessCustomerTest, UpdateMovingACustomerOutOfTheScopeIsRefused) {
  EXPECT_CRM_ERROR(SetText(view_.get(), ada_, "owner", "bob"), CRM_E_DENIED, "",
                   "scope");
  Record ada = Get(db_.get(), ada_);
  EXPECT_EQ(Text(ada.get(), "owner"), "alice");
  EXPECT_EQ(crm_record_version(ada.get()), 1);
}

TEST_F(AccessCustomerTest, WritesToOutOfScopeCustomersAreAsIfAbsent) {
  EXPECT_CRM_ERROR(SetText(view_.get(), bob_, "name", "Robert"),
                   CRM_E_NOT_FOUND, "", "");
  EXPECT_EQ(std::string(crm_last_error_message()),
            "no customer with id " + std::to_string(bob_));
  EXPECT_CRM_ERROR(crm_customer_delete(view_.get(), bob_, 0, nullptr),
                   CRM_E_NOT_FOUND, "", "");
  EXPECT_EQ(std::string(crm_last_error_message()),
            "no customer with id " + std::to_string(bob_));

  // An upsert by the key of an out-of-scope holder: a taken value, never an
  // update of it, and no id.
  Record record = NewRecord();
  crm_record_set_text(record.get(), "external_id", "ext-bob");
  crm_record_set_text(record.get(), "name", "Robert");
  crm_record_set_text(record.get(), "owner", "alice");
  int64_t id = -1;
  int created = -1;
  EXPECT_CRM_ERROR(
      crm_customer_upsert(&id, &created, view_.get(), record.get(), nullptr),
      CRM_E_CONSTRAINT, "external_id", "unique");
  EXPECT_EQ(id, 0);
  EXPECT_EQ(std::string(crm_last_error_message()).find(std::to_string(bob_)),
            std::string::npos);
  Record bob = Get(db_.get(), bob_);
  EXPECT_EQ(Text(bob.get(), "name"), "Bob");
  EXPECT_EQ(Text(bob.get(), "owner"), "bob");
  EXPECT_EQ(crm_record_version(bob.get()), 1);

  // The same upsert of an in-scope holder updates it.
  crm_record_set_text(record.get(), "external_id", "ext-ada");
  ASSERT_EQ(
      crm_customer_upsert(&id, &created, view_.get(), record.get(), nullptr),
      CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(id, ada_);
  EXPECT_EQ(created, 0);
  EXPECT_EQ(Text(Get(db_.get(), ada_).get(), "name"), "Robert");
}

TEST_F(AccessCustomerTest, ABatchReportsEachRowTheViewMayNotWrite) {
  // Columns name, owner, tier; row 1 leaves tier absent, the others write it
  // (read-only to the view), row 2 also lies outside the scope.
  crm::wire::CustomerBatch batch;
  for (const char* column : {"name", "owner", "tier"}) {
    batch.add_columns(column);
  }
  for (const char* owner : {"alice", "alice", "bob"}) {
    crm::wire::CustomerRow* row = batch.add_rows();
    row->add_values()->set_text("Row");
    row->add_values()->set_text(owner);
    if (batch.rows_size() == 2) {
      row->add_absent(2);
    } else {
      row->add_values()->set_text("gold");
    }
  }
  std::string bytes = batch.SerializeAsString();
  crm_batch_report* raw = nullptr;
  EXPECT_CRM_ERROR(crm_customer_write_batch(&raw, view_.get(), bytes.data(),
                                            bytes.size(), CRM_BATCH_CREATE),
                   CRM_E_DENIED, "tier", "not_writable");
  Report report(raw);
  ASSERT_NE(report, nullptr);
  EXPECT_EQ(crm_batch_report_status(raw, 0), CRM_E_DENIED);
  EXPECT_STREQ(crm_batch_report_rule(raw, 0), "not_writable");
  EXPECT_STREQ(crm_batch_report_field(raw, 0), "tier");
  EXPECT_EQ(crm_batch_report_status(raw, 1), CRM_OK);
  EXPECT_EQ(crm_batch_report_status(raw, 2), CRM_E_DENIED);
  EXPECT_EQ(Count(db_.get()), 2);  // all or nothing

  // Without the tier column, the out-of-scope row is refused by its scope.
  batch.clear_columns();
  for (const char* column : {"name", "owner"}) batch.add_columns(column);
  for (crm::wire::CustomerRow& row : *batch.mutable_rows()) {
    row.clear_absent();
    row.mutable_values()->DeleteSubrange(2, row.values_size() - 2);
  }
  bytes = batch.SerializeAsString();
  EXPECT_CRM_ERROR(crm_customer_write_batch(&raw, view_.get(), bytes.data(),
                                            bytes.size(), CRM_BATCH_CREATE),
                   CRM_E_DENIED, "", "scope");
  report.reset(raw);
  EXPECT_EQ(crm_batch_report_status(raw, 0), CRM_OK);
  EXPECT_EQ(crm_batch_report_status(raw, 2), CRM_E_DENIED);
  EXPECT_STREQ(crm_batch_report_rule(raw, 2), "scope");
  EXPECT_EQ(Count(db_.get()), 2);
}

TEST_F(AccessCustomerTest, DeleteNeedsTheOperationAndTheScope) {
  Db narrow = Restrict("narrow", "alice");
  EXPECT_CRM_ERROR(crm_customer_delete(narrow.get(), ada_, 0, nullptr),
                   CRM_E_DENIED, "", "operation");
  EXPECT_EQ(Count(db_.get()), 2);
  ASSERT_EQ(crm_customer_delete(view_.get(), ada_, 0, nullptr), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(Count(db_.get()), 1);
}

// The side channel: a change of hidden fields only must not show through
// version, updated_at, get_at or field timelines.
TEST_F(AccessCustomerTest, AChangeOfHiddenFieldsOnlyShowsNoBump) {
  Record before = Get(view_.get(), ada_);
  int64_t version = crm_record_version(before.get());
  int64_t updated_at = UpdatedAt(before.get());
  std::vector<std::string> name_timeline = Timeline(view_.get(), ada_, "name");

  ASSERT_EQ(SetText(db_.get(), ada_, "secret", "changed once"), CRM_OK);
  ASSERT_EQ(SetText(db_.get(), ada_, "kind", "company"), CRM_OK);
  // The admin sees the bumps...
  EXPECT_EQ(crm_record_version(Get(db_.get(), ada_).get()), 3);
  // ...the view none.
  Record after = Get(view_.get(), ada_);
  EXPECT_EQ(crm_record_version(after.get()), version);
  EXPECT_EQ(UpdatedAt(after.get()), updated_at);
  EXPECT_EQ(Timeline(view_.get(), ada_, "name"), name_timeline);
  crm_record* raw = nullptr;
  ASSERT_EQ(crm_customer_get_at(&raw, view_.get(), ada_, INT64_MAX), CRM_OK)
      << crm_last_error_message();
  Record at_now(raw);
  EXPECT_EQ(crm_record_version(at_now.get()), version);
  EXPECT_EQ(UpdatedAt(at_now.get()), updated_at);
  EXPECT_EQ(Text(at_now.get(), "secret"), "<none>");
  EXPECT_EQ(Text(at_now.get(), "email"), "***@example.com");

  int64_t hidden_change_at = UpdatedAt(Get(db_.get(), ada_).get());
  ASSERT_GT(hidden_change_at, updated_at);

  // A visible change bumps the visible version by exactly one.
  ASSERT_EQ(SetText(db_.get(), ada_, "tier", "platinum"), CRM_OK);
  Record visible = Get(view_.get(), ada_);
  EXPECT_EQ(crm_record_version(visible.get()), version + 1);
  EXPECT_GT(UpdatedAt(visible.get()), updated_at);
  EXPECT_EQ(crm_record_version(Get(db_.get(), ada_).get()), 4);

  // Read as of the hidden changes: the visible fields as they were then,
  // with no bump either.
  ASSERT_EQ(crm_customer_get_at(&raw, view_.get(), ada_, hidden_change_at),
            CRM_OK)
      << crm_last_error_message();
  Record then(raw);
  EXPECT_EQ(Text(then.get(), "tier"), "gold");
  EXPECT_EQ(crm_record_version(then.get()), version);
  EXPECT_EQ(UpdatedAt(then.get()), updated_at);
}

TEST_F(AccessCustomerTest, ExpectedVersionOnAViewIsTheVisibleOne) {
  ASSERT_EQ(SetText(db_.get(), ada_, "secret", "one"), CRM_OK);
  ASSERT_EQ(SetText(db_.get(), ada_, "secret", "two"), CRM_OK);
  // Stored version 3, visible version 1.
  EXPECT_EQ(SetText(view_.get(), ada_, "name", "Ada L.", 3), CRM_E_CONFLICT);
  int64_t version = 0;
  ASSERT_EQ(SetText(view_.get(), ada_, "name", "Ada L.", 1, &version), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(version, 2);
  EXPECT_EQ(crm_record_version(Get(view_.get(), ada_).get()), 2);
  EXPECT_EQ(crm_record_version(Get(db_.get(), ada_).get()), 4);
  // An update that changes nothing answers the visible version too.
  ASSERT_EQ(SetText(view_.get(), ada_, "name", "Ada L.", 2, &version), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(version, 2);
  // So does delete's expected_version.
  EXPECT_EQ(crm_customer_delete(view_.get(), ada_, 4, nullptr), CRM_E_CONFLICT);
  EXPECT_EQ(crm_customer_delete(view_.get(), ada_, 2, nullptr), CRM_OK)
      << crm_last_error_message();
}

TEST_F(AccessCustomerTest, HistoryWrittenThroughAViewCarriesItsActorAndSource) {
  ASSERT_EQ(SetText(view_.get(), ada_, "note", "called back"), CRM_OK)
      << crm_last_error_message();
  crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
  options.oldest_first = 1;
  crm_event_page* raw = nullptr;
  ASSERT_EQ(crm_event_timeline(&raw, db_.get(), ada_, &options), CRM_OK);
  Page page(raw);
  ASSERT_EQ(crm_event_page_size(page.get()), 2u);
  crm_event* created = crm_event_page_at(page.get(), 0);
  crm_event* updated = crm_event_page_at(page.get(), 1);
  EXPECT_STREQ(crm_event_actor(created), "test");
  EXPECT_STREQ(crm_event_source(created), "");
  EXPECT_STREQ(crm_event_type(updated), "crm.record.updated");
  EXPECT_STREQ(crm_event_actor(updated), "alice");  // not "mallory"
  EXPECT_STREQ(crm_event_source(updated), "profile:desk");
}

TEST_F(AccessCustomerTest, FieldTimelineAndGetAtFollowTheProfile) {
  crm_field_timeline* raw = nullptr;
  EXPECT_CRM_ERROR(crm_field_timeline_get(&raw, view_.get(), ada_, "secret"),
                   CRM_E_DENIED, "secret", "hidden");
  EXPECT_CRM_ERROR(crm_field_timeline_get(&raw, view_.get(), bob_, "name"),
                   CRM_E_NOT_FOUND, "", "");
  EXPECT_EQ(Timeline(view_.get(), ada_, "email").front().substr(0, 16),
            "***@example.com@");
  crm_record* record = nullptr;
  EXPECT_CRM_ERROR(crm_customer_get_at(&record, view_.get(), bob_, INT64_MAX),
                   CRM_E_NOT_FOUND, "", "");
  EXPECT_EQ(std::string(crm_last_error_message()),
            "no customer with id " + std::to_string(bob_));
}

TEST_F(AccessCustomerTest, PersonExportHoldsNothingHidden) {
  ASSERT_EQ(SetText(db_.get(), ada_, "secret", "MARKER-hidden-second"), CRM_OK);
  for (const char* type : {"call", "payment"}) {
    crm_event* raw = nullptr;
    ASSERT_EQ(crm_event_new(&raw), CRM_OK);
    Event event(raw);
    crm_event_set_customer(raw, ada_);
    crm_event_set_type(raw, type);
    crm_record_set_text(crm_event_properties(raw), "memo",
                        std::string(type) == "payment" ? "MARKER-hidden-event"
                                                       : "visible memo");
    int64_t seq = 0;
    ASSERT_EQ(crm_event_append(&seq, nullptr, db_.get(), raw), CRM_OK)
        << crm_last_error_message();
  }
  std::string admin = Export(db_.get(), ada_);
  ASSERT_NE(admin.find("MARKER-hidden"), std::string::npos);  // the test bites
  ASSERT_NE(admin.find("\"payment\""), std::string::npos);

  std::string seen = Export(view_.get(), ada_);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.find("MARKER-hidden"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("\"payment\""), std::string::npos) << seen;
  EXPECT_EQ(seen.find("\"secret\""), std::string::npos) << seen;
  // The update of the hidden field only is left out of the history.
  EXPECT_NE(admin.find("crm.record.updated"), std::string::npos) << admin;
  EXPECT_EQ(seen.find("crm.record.updated"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("ada@example.com"), std::string::npos) << seen;
  EXPECT_NE(seen.find("***@example.com"), std::string::npos) << seen;
  EXPECT_NE(seen.find("visible memo"), std::string::npos) << seen;
  // The record's visible version: the hidden change does not count.
  EXPECT_NE(seen.find("\"record\":{\"version\":1,"), std::string::npos) << seen;
  EXPECT_NE(admin.find("\"record\":{\"version\":2,"), std::string::npos)
      << admin;

  char* json = nullptr;
  EXPECT_CRM_ERROR(crm_customer_export(&json, view_.get(), bob_),
                   CRM_E_NOT_FOUND, "", "");
  EXPECT_EQ(json, nullptr);
}

}  // namespace
}  // namespace crm_test
