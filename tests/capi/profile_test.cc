// Access profiles through the C ABI (crm.h, "Access profiles and restricted
// handles"): defining, reading and dropping profiles, restricted handles,
// and the operations a restricted handle is denied unless granted.
#include <gtest/gtest.h>

#include <string>

#include "crm/crm.h"
#include "test_support.h"

namespace crm_test {
namespace {

constexpr char kFrontDesk[] =
    R"({"name": "front_desk",
        "fields": {"phone": "masked", "email": "hidden"},
        "groups": {"standard": "read_write"},
        "events": [{"type": "appointment", "access": "append"},
                   {"channel": "phone", "access": "read"}],
        "scope": "owner = :actor",
        "operations": ["bulk_export", "delete"]})";

class ProfileTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = OpenDb(dir_.File("crm.db")); }

  void DefineProfile(const std::string& json) {
    ASSERT_EQ(crm_profile_define(db_.get(), json.c_str()), CRM_OK)
        << crm_last_error_message();
  }
  std::string GetProfile(const char* name) {
    char* json = nullptr;
    EXPECT_EQ(crm_profile_get(&json, db_.get(), name), CRM_OK)
        << crm_last_error_message();
    return String(json).get() == nullptr ? "" : std::string(json);
  }
  Db Restrict(const char* profile, const char* actor) {
    return RestrictTo(db_.get(), profile, actor);
  }
  // A restricted handle on a profile granting `operations` (a JSON array)
  // and read_write on every standard field.
  Db ViewWith(const std::string& operations) {
    DefineProfile(R"({"name": "clerk", "groups": {"standard": "read_write"},
                      "operations": )" +
                  operations + "}");
    return Restrict("clerk", "alice");
  }
  // Expects `json` to be refused by crm_profile_define, naming `key` in the
  // message.
  void ExpectRefused(const std::string& json, const std::string& key) {
    EXPECT_EQ(crm_profile_define(db_.get(), json.c_str()), CRM_E_VALIDATION)
        << json;
    EXPECT_STREQ(crm_last_error_rule(), "profile") << json;
    EXPECT_NE(std::string(crm_last_error_message()).find(key),
              std::string::npos)
        << crm_last_error_message();
  }

  TempDir dir_;
  Db db_;
};

TEST_F(ProfileTest, DefineGetListDropRoundTrip) {
  DefineProfile(kFrontDesk);
  DefineProfile(R"({"name": "auditor", "groups": {"": "read_only"}})");
  EXPECT_EQ(
      GetProfile("front_desk"),
      R"({"name":"front_desk","fields":{"email":"hidden",)"
      R"("phone":"masked"},"groups":{"standard":"read_write"},)"
      R"("events":[{"channel":"phone","access":"read"},)"
      R"({"type":"appointment","access":"append"}],)"
      R"("scope":"owner = :actor","operations":["delete","bulk_export"]})");
  // The canonical form defines the same profile again.
  std::string canonical = GetProfile("front_desk");
  DefineProfile(canonical);
  EXPECT_EQ(GetProfile("front_desk"), canonical);

  char* list = nullptr;
  ASSERT_EQ(crm_profile_list(&list, db_.get()), CRM_OK);
  EXPECT_STREQ(String(list).get(), R"(["auditor","front_desk"])");

  ASSERT_EQ(crm_profile_drop(db_.get(), "auditor"), CRM_OK);
  ASSERT_EQ(crm_profile_list(&list, db_.get()), CRM_OK);
  EXPECT_STREQ(String(list).get(), R"(["front_desk"])");
  char* json = nullptr;
  EXPECT_CRM_ERROR(crm_profile_get(&json, db_.get(), "auditor"),
                   CRM_E_NOT_FOUND, "", "profile");
  EXPECT_EQ(json, nullptr);
  EXPECT_CRM_ERROR(crm_profile_drop(db_.get(), "auditor"), CRM_E_NOT_FOUND, "",
                   "profile");
}

TEST_F(ProfileTest, ProfilesOutliveReopening) {
  DefineProfile(kFrontDesk);
  std::string before = GetProfile("front_desk");
  db_.reset();
  db_ = OpenDb(dir_.File("crm.db"));
  EXPECT_EQ(GetProfile("front_desk"), before);
}

TEST_F(ProfileTest, BadDefinitionsAreRefusedNamingTheKey) {
  ExpectRefused("not json", "JSON");
  ExpectRefused(R"(["a"])", "object");
  ExpectRefused(R"({"fields": {}})", "name");
  ExpectRefused(R"({"name": "Bad Name"})", "name");
  ExpectRefused(R"({"name": "x", "colour": "red"})", "colour");
  ExpectRefused(R"({"name": "x", "fields": {"phone": "rw"}})", "fields.phone");
  ExpectRefused(R"({"name": "x", "fields": {"phone": 1}})", "fields.phone");
  ExpectRefused(R"({"name": "x", "fields": {"no_such": "hidden"}})",
                "fields.no_such");
  ExpectRefused(R"({"name": "x", "groups": {"a": "everything"}})", "groups.a");
  ExpectRefused(R"({"name": "x", "operations": ["fly"]})", "operations[0]");
  ExpectRefused(R"({"name": "x", "operations": ["erase", "erase"]})",
                "operations[1]");
  ExpectRefused(R"({"name": "x", "events": [{"access": "read"}]})",
                "events[0]");
  ExpectRefused(R"({"name": "x", "events": [{"type": "a", "access": "rw"}]})",
                "events[0].access");
  ExpectRefused(R"({"name": "x", "events": [{"type": "a", "access": "read"},
                                            {"type": "a", "access": "append"}]})",
                "events[1]");
  ExpectRefused(
      R"({"name": "x", "events": [{"type": "a b", "access": "read"}]})",
      "events[0].type");
  ExpectRefused(R"({"name": "x", "scope": "no_such = 1"})", "scope");
  ExpectRefused(R"({"name": "x", "scope": "owner = "})", "scope");
  char* list = nullptr;
  ASSERT_EQ(crm_profile_list(&list, db_.get()), CRM_OK);
  EXPECT_STREQ(String(list).get(), "[]");
}

TEST_F(ProfileTest, RestrictNeedsAKnownProfile) {
  crm_db* view = reinterpret_cast<crm_db*>(1);
  EXPECT_CRM_ERROR(crm_db_restrict(&view, db_.get(), "nobody", "alice"),
                   CRM_E_NOT_FOUND, "", "profile");
  EXPECT_EQ(view, nullptr);
  EXPECT_CRM_ERROR(crm_db_restrict(&view, db_.get(), nullptr, "alice"),
                   CRM_E_INVALID_ARGUMENT, "", "profile");
  EXPECT_STREQ(crm_db_profile(db_.get()), "");
  EXPECT_EQ(crm_db_profile(nullptr), nullptr);
}

TEST_F(ProfileTest, AViewOutlivesTheAdminHandle) {
  DefineProfile(kFrontDesk);
  Db view = Restrict("front_desk", "alice");
  EXPECT_STREQ(crm_db_profile(view.get()), "front_desk");
  db_.reset();
  int64_t count = -1;
  EXPECT_EQ(crm_customer_count(&count, view.get()), CRM_OK)
      << crm_last_error_message();
}

TEST_F(ProfileTest, ADroppedProfileDeniesTheViewsNextCall) {
  DefineProfile(kFrontDesk);
  Db view = Restrict("front_desk", "alice");
  ASSERT_EQ(crm_profile_drop(db_.get(), "front_desk"), CRM_OK);
  int64_t count = -1;
  EXPECT_CRM_ERROR(crm_customer_count(&count, view.get()), CRM_E_DENIED, "",
                   "profile");
}

// Another handle drops the profile while the view's read runs on the
// schema it had: the read must not go on unrestricted once the schema it
// reloads has no such profile (a file's reads check the schema after their
// body and run it again on a newer one).
TEST_F(ProfileTest, AProfileDroppedByAnotherHandleNeverLeavesTheViewOpen) {
  DefineProfile(R"({"name": "names", "groups": {"standard": "read_only"},
                    "fields": {"email": "hidden"}})");
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Ada");
  crm_record_set_text(record.get(), "email", "ada@example.com");
  int64_t id = 0;
  ASSERT_EQ(crm_customer_create(&id, db_.get(), record.get(), "host"), CRM_OK)
      << crm_last_error_message();
  Db view = Restrict("names", "alice");
  crm_record* seen = nullptr;
  ASSERT_EQ(crm_customer_get(&seen, view.get(), id), CRM_OK)
      << crm_last_error_message();
  Record first(seen);
  Db other = OpenDb(dir_.File("crm.db"));
  ASSERT_EQ(crm_profile_drop(other.get(), "names"), CRM_OK)
      << crm_last_error_message();
  seen = nullptr;
  EXPECT_CRM_ERROR(crm_customer_get(&seen, view.get(), id), CRM_E_DENIED, "",
                   "profile");
  EXPECT_EQ(seen, nullptr);
}

TEST_F(ProfileTest, AReplacedProfileAppliesFromTheNextCall) {
  Db view = ViewWith("[]");
  int64_t id = 0;
  EXPECT_CRM_ERROR(crm_field_define(&id, view.get(),
                                    R"({"name": "score", "type": "integer"})"),
                   CRM_E_DENIED, "", "operation");
  DefineProfile(R"({"name": "clerk", "operations": ["define_fields"]})");
  EXPECT_EQ(crm_field_define(&id, view.get(),
                             R"({"name": "score", "type": "integer"})"),
            CRM_OK)
      << crm_last_error_message();
}

TEST_F(ProfileTest, NoCallOnAViewReturnsAnUnrestrictedHandle) {
  Db view = ViewWith(R"(["delete", "erase", "define_fields", "retention",
                        "suppression", "define_event_types", "segments",
                        "bulk_export", "import", "dump", "backup", "merge"])");
  crm_db* again = nullptr;
  EXPECT_CRM_ERROR(crm_db_restrict(&again, view.get(), "clerk", "bob"),
                   CRM_E_DENIED, "", "operation");
  EXPECT_EQ(again, nullptr);
}

TEST_F(ProfileTest, ProfileManagementIsNeverAllowedOnAView) {
  Db view = ViewWith(R"(["define_fields"])");
  char* json = nullptr;
  EXPECT_CRM_ERROR(crm_profile_define(view.get(), kFrontDesk), CRM_E_DENIED, "",
                   "operation");
  EXPECT_CRM_ERROR(crm_profile_get(&json, view.get(), "clerk"), CRM_E_DENIED,
                   "", "operation");
  EXPECT_CRM_ERROR(crm_profile_list(&json, view.get()), CRM_E_DENIED, "",
                   "operation");
  EXPECT_CRM_ERROR(crm_profile_drop(view.get(), "clerk"), CRM_E_DENIED, "",
                   "operation");
  EXPECT_EQ(GetProfile("clerk").find("define_fields") != std::string::npos,
            true);
}

// ---- operations a restricted handle is denied unless granted -----------

class ProfileOperationTest : public ProfileTest {
 protected:
  // A customer owned by `owner`, created through the unrestricted handle.
  int64_t CreateOwned(const char* name, const char* owner) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", name);
    crm_record_set_text(record.get(), "owner", owner);
    return Create(db_.get(), record.get());
  }
  // A handle restricted to customers owned by its actor "alice", granting
  // `operations`.
  Db ScopedView(const std::string& operations) {
    DefineProfile(
        R"({"name": "owner_only", "groups": {"standard": "read_write"},
                      "scope": "owner = :actor", "operations": )" +
        operations + "}");
    return Restrict("owner_only", "alice");
  }
};

#define EXPECT_DENIED(call, rule) EXPECT_CRM_ERROR(call, CRM_E_DENIED, "", rule)

TEST_F(ProfileOperationTest, FieldChangesNeedDefineFields) {
  Define(db_.get(), R"({"name": "score", "type": "integer"})");
  Db view = ViewWith("[]");
  int64_t id = 0;
  EXPECT_DENIED(
      crm_field_define(&id, view.get(), R"({"name": "other", "type": "text"})"),
      "operation");
  EXPECT_DENIED(crm_field_update(view.get(), "name", R"({"label": "N"})"),
                "operation");
  EXPECT_DENIED(crm_field_archive(view.get(), "score"), "operation");
  EXPECT_DENIED(crm_field_restore(view.get(), "score"), "operation");
  EXPECT_DENIED(crm_field_delete(view.get(), "score"), "operation");
  // Nothing changed.
  char* json = nullptr;
  ASSERT_EQ(crm_field_describe(&json, db_.get(), "score"), CRM_OK);
  String described(json);
  EXPECT_NE(std::string(described.get()).find("\"status\":\"active\""),
            std::string::npos);
}

TEST_F(ProfileOperationTest, FieldChangesAreAllowedWhenGranted) {
  DefineProfile(R"({"name": "designer", "groups": {"": "read_write",
                    "standard": "read_only"}, "operations": ["define_fields"]})");
  Db view = Restrict("designer", "alice");
  Define(view.get(), R"({"name": "score", "type": "integer"})");
  EXPECT_EQ(crm_field_update(view.get(), "score", R"({"label": "Score!"})"),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(crm_field_archive(view.get(), "score"), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(crm_field_restore(view.get(), "score"), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(crm_field_delete(view.get(), "score"), CRM_OK)
      << crm_last_error_message();
}

// "define_fields" does not let a profile widen itself: a field it does not
// write stays as it is, and no field moves to another rule of the profile.
TEST_F(ProfileOperationTest, FieldChangesCannotWidenTheProfile) {
  Define(db_.get(), R"({"name": "salary", "type": "decimal",
                        "group": "finance"})");
  Define(db_.get(), R"({"name": "score", "type": "integer"})");
  DefineProfile(R"({"name": "designer", "groups": {"": "read_write",
                    "finance": "masked"}, "operations": ["define_fields"]})");
  Db view = Restrict("designer", "alice");
  EXPECT_CRM_ERROR(crm_field_update(view.get(), "salary", R"({"group": ""})"),
                   CRM_E_DENIED, "salary", "not_writable");
  EXPECT_CRM_ERROR(crm_field_archive(view.get(), "salary"), CRM_E_DENIED,
                   "salary", "not_writable");
  EXPECT_CRM_ERROR(
      crm_field_update(view.get(), "score", R"({"group": "finance"})"),
      CRM_E_DENIED, "score", "operation");
  EXPECT_CRM_ERROR(crm_field_update(view.get(), "score", R"({"name": "s2"})"),
                   CRM_E_DENIED, "score", "operation");
  char* json = nullptr;
  ASSERT_EQ(crm_field_describe(&json, db_.get(), "salary"), CRM_OK);
  EXPECT_NE(std::string(String(json).get()).find("finance"), std::string::npos);
}

TEST_F(ProfileOperationTest, HiddenFieldsAreNotListedNorDescribed) {
  Define(db_.get(), R"({"name": "balance", "type": "decimal"})");
  DefineProfile(R"({"name": "desk", "fields": {"name": "read_only"}})");
  Db view = Restrict("desk", "alice");
  char* json = nullptr;
  ASSERT_EQ(crm_field_list(&json, view.get(), CRM_LIST_INCLUDE_ARCHIVED),
            CRM_OK);
  std::string listed = String(json).get();
  EXPECT_NE(listed.find("\"name\":\"name\""), std::string::npos) << listed;
  EXPECT_EQ(listed.find("balance"), std::string::npos) << listed;
  EXPECT_EQ(listed.find("\"email\""), std::string::npos) << listed;
  // A hidden field is "not found" exactly as one that does not exist.
  EXPECT_CRM_ERROR(crm_field_describe(&json, view.get(), "balance"),
                   CRM_E_NOT_FOUND, "balance", "unknown_field");
  std::string hidden = crm_last_error_message();
  EXPECT_CRM_ERROR(crm_field_describe(&json, view.get(), "balanc"),
                   CRM_E_NOT_FOUND, "balanc", "unknown_field");
  EXPECT_EQ(hidden.find("balance") != std::string::npos, true);
  EXPECT_EQ(crm_field_describe(&json, view.get(), "name"), CRM_OK);
  String(json).reset();
  ASSERT_EQ(crm_field_describe(&json, db_.get(), "balance"), CRM_OK);
  String(json).reset();
}

TEST_F(ProfileOperationTest, EraseIsDeniedUnlessGranted) {
  int64_t mine = CreateOwned("Ada", "alice");
  Db view = ScopedView("[]");
  char* receipt = nullptr;
  EXPECT_DENIED(crm_customer_erase(&receipt, view.get(), mine, nullptr),
                "operation");
  crm_query* raw = nullptr;
  ASSERT_EQ(crm_query_new(&raw, CRM_QUERY_CUSTOMERS), CRM_OK);
  Query query(raw);
  ASSERT_EQ(crm_query_set_filter(query.get(), "id > 0"), CRM_OK);
  EXPECT_DENIED(
      crm_customer_erase_where(&receipt, view.get(), query.get(), nullptr),
      "operation");
  EXPECT_EQ(receipt, nullptr);
  EXPECT_EQ(Count(db_.get()), 1);
}

TEST_F(ProfileOperationTest, EraseWhenGrantedReachesOnlyTheScope) {
  int64_t mine = CreateOwned("Ada", "alice");
  int64_t also_mine = CreateOwned("Ann", "alice");
  int64_t theirs = CreateOwned("Bob", "bob");
  Db view = ScopedView(R"(["erase"])");
  char* receipt = nullptr;
  EXPECT_CRM_ERROR(crm_customer_erase(&receipt, view.get(), theirs, nullptr),
                   CRM_E_NOT_FOUND, "", "");
  EXPECT_EQ(std::string(crm_last_error_message()),
            "no customer with id " + std::to_string(theirs));
  ASSERT_EQ(crm_customer_erase(&receipt, view.get(), mine, nullptr), CRM_OK)
      << crm_last_error_message();
  String(receipt).reset();
  crm_query* raw = nullptr;
  ASSERT_EQ(crm_query_new(&raw, CRM_QUERY_CUSTOMERS), CRM_OK);
  Query query(raw);
  ASSERT_EQ(crm_query_set_filter(query.get(), "id > 0"), CRM_OK);
  ASSERT_EQ(
      crm_customer_erase_where(&receipt, view.get(), query.get(), nullptr),
      CRM_OK)
      << crm_last_error_message();
  String erased(receipt);
  EXPECT_NE(std::string(erased.get()).find(std::to_string(also_mine)),
            std::string::npos)
      << erased.get();
  // Bob, outside the scope, is still there.
  EXPECT_EQ(Count(db_.get()), 1);
  EXPECT_EQ(Text(Get(db_.get(), theirs).get(), "name"), "Bob");
}

TEST_F(ProfileOperationTest, CheckpointCopyAndChecksumAreNeverAllowed) {
  Db view = ViewWith(R"(["delete", "erase", "define_fields", "retention",
                        "suppression", "dump", "backup"])");
  EXPECT_DENIED(crm_checkpoint(view.get()), "operation");
  char* checksum = nullptr;
  EXPECT_DENIED(crm_workspace_checksum(&checksum, view.get()), "operation");
  EXPECT_EQ(checksum, nullptr);
  Db other = OpenDb(dir_.File("other.db"));
  EXPECT_DENIED(crm_workspace_copy(other.get(), view.get()), "operation");
  EXPECT_DENIED(crm_workspace_copy(view.get(), other.get()), "operation");
  EXPECT_EQ(crm_checkpoint(db_.get()), CRM_OK) << crm_last_error_message();
}

TEST_F(ProfileOperationTest, RetentionNeedsItsOperation) {
  Db view = ViewWith("[]");
  char* report = nullptr;
  EXPECT_DENIED(crm_retention_apply(&report, view.get(), 1700000000000000),
                "operation");
  Db granted = ScopedView(R"(["retention"])");
  ASSERT_EQ(crm_retention_apply(&report, granted.get(), 1700000000000000),
            CRM_OK)
      << crm_last_error_message();
  String(report).reset();
}

TEST_F(ProfileOperationTest, HeldUntilOutsideTheScopeIsNotFound) {
  int64_t theirs = CreateOwned("Bob", "bob");
  int64_t mine = CreateOwned("Ada", "alice");
  Db view = ScopedView("[]");
  int64_t until = -1;
  EXPECT_CRM_ERROR(crm_customer_held_until(&until, view.get(), theirs),
                   CRM_E_NOT_FOUND, "", "");
  EXPECT_EQ(until, 0);
  EXPECT_EQ(crm_customer_held_until(&until, view.get(), mine), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(crm_customer_held_until(&until, db_.get(), theirs), CRM_OK);
}

TEST_F(ProfileOperationTest, SuppressionChangesNeedTheirOperation) {
  Db view = ViewWith("[]");
  EXPECT_DENIED(crm_suppression_add(view.get(), "a@example.com", nullptr),
                "operation");
  ASSERT_EQ(crm_suppression_add(db_.get(), "b@example.com", nullptr), CRM_OK);
  EXPECT_DENIED(crm_suppression_remove(view.get(), "b@example.com", nullptr),
                "operation");
  int suppressed = 0;
  EXPECT_EQ(
      crm_suppression_check(&suppressed, view.get(), "b@example.com", nullptr),
      CRM_OK);
  EXPECT_EQ(suppressed, 1);
  int64_t count = 0;
  EXPECT_EQ(crm_suppression_count(&count, view.get()), CRM_OK);
  EXPECT_EQ(count, 1);
  DefineProfile(R"({"name": "clerk", "operations": ["suppression"]})");
  EXPECT_EQ(crm_suppression_add(view.get(), "a@example.com", nullptr), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(crm_suppression_remove(view.get(), "b@example.com", nullptr),
            CRM_OK)
      << crm_last_error_message();
}

TEST_F(ProfileOperationTest, CopyAndChecksumCarryProfiles) {
  char* before = nullptr;
  ASSERT_EQ(crm_workspace_checksum(&before, db_.get()), CRM_OK);
  String checksum_before(before);
  DefineProfile(kFrontDesk);
  char* after = nullptr;
  ASSERT_EQ(crm_workspace_checksum(&after, db_.get()), CRM_OK);
  String checksum_after(after);
  EXPECT_STRNE(checksum_before.get(), checksum_after.get());

  Db copy = OpenDb(dir_.File("copy.db"));
  ASSERT_EQ(crm_workspace_copy(copy.get(), db_.get()), CRM_OK)
      << crm_last_error_message();
  char* json = nullptr;
  ASSERT_EQ(crm_profile_get(&json, copy.get(), "front_desk"), CRM_OK);
  EXPECT_EQ(std::string(String(json).get()), GetProfile("front_desk"));
  char* copied = nullptr;
  ASSERT_EQ(crm_workspace_checksum(&copied, copy.get()), CRM_OK);
  EXPECT_STREQ(String(copied).get(), checksum_after.get());

  // A target holding a profile is not empty.
  Db target = OpenDb(dir_.File("target.db"));
  ASSERT_EQ(crm_profile_define(target.get(), R"({"name": "x"})"), CRM_OK);
  EXPECT_EQ(crm_workspace_copy(target.get(), db_.get()), CRM_E_CONFLICT);
}

}  // namespace
}  // namespace crm_test
