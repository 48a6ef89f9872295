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
    crm_db* view = nullptr;
    EXPECT_EQ(crm_db_restrict(&view, db_.get(), profile, actor), CRM_OK)
        << crm_last_error_message();
    return Db(view);
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

}  // namespace
}  // namespace crm_test
