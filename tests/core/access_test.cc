// Access profiles in the core (core/access.h): parsing and the canonical
// form, field and event resolution, masks and filtered records.
#include "core/access.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "core/json.h"
#include "core/schema.h"

namespace crm::core {
namespace {

// The standard fields plus a user field "balance" (decimal, group
// "finance") and "notes" (long text, no group).
std::shared_ptr<const Schema> TestSchema() {
  std::vector<store::FieldRow> rows;
  int64_t id = 0;
  for (wire::FieldDefinition definition : StandardFieldDefinitions()) {
    ++id;
    rows.push_back({id, definition.name(), definition.name(), "active",
                    MessageToJson(definition)});
  }
  wire::FieldDefinition balance;
  balance.set_name("balance");
  balance.set_type("decimal");
  balance.set_group("finance");
  rows.push_back({100, "balance", "f100", "active", MessageToJson(balance)});
  wire::FieldDefinition notes;
  notes.set_name("notes");
  notes.set_type("long_text");
  rows.push_back({101, "notes", "f101", "active", MessageToJson(notes)});
  absl::StatusOr<std::shared_ptr<const Schema>> schema =
      Schema::FromRows(rows, {}, 1);
  EXPECT_TRUE(schema.ok()) << schema.status();
  return *schema;
}

ProfileDefinition Parsed(const std::string& json) {
  absl::StatusOr<ProfileDefinition> definition = ParseProfile(json);
  EXPECT_TRUE(definition.ok()) << definition.status();
  return definition.ok() ? *definition : ProfileDefinition();
}

// The error ParseProfile gives `json`: "rule field: message".
std::string ParseError(const std::string& json) {
  absl::StatusOr<ProfileDefinition> definition = ParseProfile(json);
  if (definition.ok()) return "accepted";
  EXPECT_EQ(CodeOf(definition.status()), ErrorCode::kValidation);
  return RuleOf(definition.status()) + " " +
         std::string(definition.status().message());
}

TEST(ParseProfileTest, RefusesEachKindOfMistakeNamingTheKey) {
  EXPECT_EQ(ParseError(R"({"name": "x", "fields": {"balance": "rw"}})"),
            "profile profile 'x': fields.balance: unknown access 'rw' "
            "(read_write, read_only, masked, masked_match or hidden)");
  EXPECT_EQ(ParseError(R"({"name": "x", "extra": 1})"),
            "profile profile 'x': extra: unknown key");
  EXPECT_EQ(ParseError(R"({"name": "x", "operations": ["erase", "fly"]})"),
            "profile profile 'x': operations[1]: unknown operation 'fly'");
  EXPECT_EQ(ParseError(R"({"name": "x", "events": [{"access": "read"}]})"),
            "profile profile 'x': events[0]: a rule names a type, a channel "
            "or both");
  EXPECT_EQ(ParseError(R"({"name": "x", "events": [
                {"type": "call", "channel": "phone", "access": "read"},
                {"channel": "phone", "type": "call", "access": "hidden"}]})"),
            "profile profile 'x': events[1]: repeats the rule of an earlier "
            "entry for the same type and channel");
  EXPECT_EQ(ParseError(R"({"name": "x", "events": [{"type": "call"}]})"),
            "profile profile 'x': events[0]: has no access");
  EXPECT_EQ(ParseError(R"({"name": "x", "fields": {"Bad": "hidden"}})"),
            "profile profile 'x': fields.Bad: 'Bad' is not a valid field "
            "name");
  EXPECT_EQ(ParseError(R"({"name": "x", "fields": {"id": "hidden"}})"),
            "profile profile 'x': fields.id: 'id' is always readable and "
            "takes no rule");
  EXPECT_EQ(ParseError(R"({"name": "1x"})").substr(0, 28),
            "profile profile '1x': name: ");
  EXPECT_EQ(ParseError(R"({"scope": "id > 0"})"),
            "profile profile: name: must be given");
  EXPECT_EQ(ParseError(R"({"name": "x", "scope": 3})"),
            "profile profile 'x': scope: must be text");
  EXPECT_EQ(ParseError("{").substr(0, 8), "profile ");
}

TEST(ParseProfileTest, CanonicalFormRoundTrips) {
  ProfileDefinition definition = Parsed(
      R"({"operations": ["merge", "delete"], "scope": "owner = :actor",
          "events": [{"type": "b", "access": "read"},
                     {"type": "a", "channel": "web", "access": "append"}],
          "groups": {"": "read_only"}, "fields": {"phone": "masked_match"},
          "name": "desk"})");
  std::string canonical = ProfileToJson(definition);
  EXPECT_EQ(canonical, R"({"name":"desk","fields":{"phone":"masked_match"},)"
                       R"("groups":{"":"read_only"},"events":[{"type":"a",)"
                       R"("channel":"web","access":"append"},{"type":"b",)"
                       R"("access":"read"}],"scope":"owner = :actor",)"
                       R"("operations":["delete","merge"]})");
  EXPECT_EQ(ProfileToJson(Parsed(canonical)), canonical);
}

TEST(AccessTest, AFieldRuleWinsOverItsGroupAndUnnamedFieldsAreHidden) {
  std::shared_ptr<const Schema> schema = TestSchema();
  Access access(Parsed(R"({"name": "x", "groups": {"standard": "read_only",
                             "": "masked"},
                           "fields": {"phone": "read_write"}})"),
                *schema);
  EXPECT_EQ(access.OfField(*schema->Find("phone")), FieldAccess::kReadWrite);
  EXPECT_EQ(access.OfField(*schema->Find("name")), FieldAccess::kReadOnly);
  EXPECT_EQ(access.OfField(*schema->Find("notes")), FieldAccess::kMasked);
  EXPECT_EQ(access.OfField(*schema->Find("balance")), FieldAccess::kHidden);
  EXPECT_TRUE(access.Writes(*schema->Find("phone")));
  EXPECT_FALSE(access.Writes(*schema->Find("name")));
  EXPECT_TRUE(access.ReadsPlain(*schema->Find("name")));
  EXPECT_FALSE(access.ReadsPlain(*schema->Find("notes")));
  EXPECT_TRUE(access.Reads(*schema->Find("notes")));
  EXPECT_FALSE(access.Reads(*schema->Find("balance")));
}

TEST(AccessTest, TheMostSpecificEventRuleWins) {
  std::shared_ptr<const Schema> schema = TestSchema();
  Access access(Parsed(R"({"name": "x", "events": [
                  {"channel": "phone", "access": "read"},
                  {"type": "call", "access": "append"},
                  {"type": "call", "channel": "phone", "access": "hidden"}]})"),
                *schema);
  EXPECT_EQ(access.OfEvent("call", "phone"), EventAccess::kHidden);
  EXPECT_EQ(access.OfEvent("call", "email"), EventAccess::kAppend);
  EXPECT_EQ(access.OfEvent("visit", "phone"), EventAccess::kRead);
  EXPECT_EQ(access.OfEvent("visit", "email"), EventAccess::kHidden);
}

TEST(AccessTest, OperationsAreDeniedUnlessGranted) {
  std::shared_ptr<const Schema> schema = TestSchema();
  Access access(Parsed(R"({"name": "x", "operations": ["erase"]})"), *schema);
  EXPECT_TRUE(access.Allows(Operation::kErase));
  EXPECT_FALSE(access.Allows(Operation::kDelete));
  EXPECT_TRUE(Access::Require(&access, Operation::kErase).ok());
  absl::Status denied = Access::Require(&access, Operation::kDelete);
  EXPECT_EQ(CodeOf(denied), ErrorCode::kDenied);
  EXPECT_EQ(RuleOf(denied), "operation");
  EXPECT_TRUE(Access::Require(nullptr, Operation::kDelete).ok());
  EXPECT_TRUE(Access::Never(nullptr, "crm_checkpoint").ok());
  EXPECT_EQ(RuleOf(Access::Never(&access, "crm_checkpoint")), "operation");
}

TEST(MaskValueTest, MasksByFieldType) {
  std::shared_ptr<const Schema> schema = TestSchema();
  auto mask = [&](const char* field, const Value& value) {
    return MaskValue(*schema->Find(field), value).text;
  };
  EXPECT_EQ(mask("name", Value::Text("Ada Lovelace")), "A***");
  EXPECT_EQ(mask("name", Value::Text("Élodie")), "É***");
  EXPECT_EQ(mask("email", Value::Text("ada@example.com")), "***@example.com");
  EXPECT_EQ(mask("phone", Value::Text("+44 20 7946 0958")), "***0958");
  EXPECT_EQ(mask("balance", Value::Decimal("12.50")), "***");
  EXPECT_EQ(mask("stage", Value::Text("lead")), "***");
  EXPECT_EQ(mask("tags", Value::List({"vip"})), "***");
  EXPECT_EQ(mask("created_at", Value::DateTime(1)), "***");
  EXPECT_EQ(MaskValue(*schema->Find("balance"), Value::Decimal("1")).kind,
            ValueKind::kText);
}

TEST(AccessTest, FilterRecordKeepsReadFieldsAndMasksMaskedOnes) {
  std::shared_ptr<const Schema> schema = TestSchema();
  Access access(Parsed(R"({"name": "x", "fields": {"name": "read_only",
                             "email": "masked", "phone": "masked"}})"),
                *schema);
  CustomerRecord record;
  record.id = 7;
  record.version = 3;
  record.Set("name", Value::Text("Ada"));
  record.Set("email", Value::Text("ada@example.com"));
  record.Set("phone", Value::Null());
  record.Set("balance", Value::Decimal("10"));
  record.Set("no_such_field", Value::Text("x"));
  CustomerRecord filtered = access.FilterRecord(*schema, record);
  EXPECT_EQ(filtered.id, 7);
  EXPECT_EQ(filtered.version, 3);
  ASSERT_EQ(filtered.values.size(), 3u);
  EXPECT_EQ(filtered.Get("name")->text, "Ada");
  EXPECT_EQ(filtered.Get("email")->text, "***@example.com");
  EXPECT_EQ(filtered.Get("phone")->kind, ValueKind::kNull);
  EXPECT_EQ(filtered.Get("balance"), nullptr);
}

TEST(SchemaProfilesTest, ADamagedStoredProfileRefusesTheWorkspace) {
  absl::StatusOr<std::shared_ptr<const Schema>> schema =
      Schema::FromRows({}, {}, 1, {{"x", R"({"name": "x", "bad": 1})"}});
  EXPECT_EQ(CodeOf(schema.status()), ErrorCode::kNotWorkspace);
  EXPECT_EQ(RuleOf(schema.status()), "damaged");
  schema = Schema::FromRows({}, {}, 1, {{"x", R"({"name": "y"})"}});
  EXPECT_EQ(RuleOf(schema.status()), "damaged");
  schema = Schema::FromRows({}, {}, 1, {{"x", R"({"name": "x"})"}});
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_NE((*schema)->FindProfile("x"), nullptr);
  EXPECT_EQ((*schema)->FindProfile("y"), nullptr);
}

}  // namespace
}  // namespace crm::core
