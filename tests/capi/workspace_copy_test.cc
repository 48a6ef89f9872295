// crm_workspace_copy() and crm_workspace_checksum(): a workspace with fields
// of every type, deleted and archived fields, deleted customers, history,
// keyed events, event types and segments is copied faithfully, on the
// backend under test (test_support.h) and, when a PostgreSQL server is
// given, from a file to PostgreSQL and back.
#include <sqlite3.h>

#include <string>
#include <vector>

#include "test_support.h"
#include "workspace_content_support.h"

namespace crm_test {
namespace {

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
