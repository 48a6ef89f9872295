// crm_verify(): a sound workspace (late changes, a deleted and an erased
// customer, a deleted field, events) reports ok on the backend under test;
// problems planted in a workspace file behind libcrm's back (a value
// changed without history, a customer removed without a deletion, counters
// lowered below stored ids, a foreign table) are each named by their check.
#include <sqlite3.h>

#include <string>

#include "backup_support.h"
#include "test_support.h"

namespace crm_test {
namespace {

// Runs `sql` on the file at `path` through a connection of its own.
void Plant(const std::string& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(raw);
}

// The customer column of field `name` in the file at `path`.
std::string ColumnOf(const std::string& path, const std::string& name) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* select = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(
                raw, "SELECT column_name FROM crm_fields WHERE name = ?", -1,
                &select, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(select, 1, name.c_str(), -1, SQLITE_TRANSIENT);
  std::string column;
  if (sqlite3_step(select) == SQLITE_ROW) {
    column = reinterpret_cast<const char*>(sqlite3_column_text(select, 0));
  }
  sqlite3_finalize(select);
  sqlite3_close(raw);
  EXPECT_FALSE(column.empty()) << name;
  return column;
}

bool Has(const std::string& report, const std::string& part) {
  return report.find(part) != std::string::npos;
}

TEST(VerifyTest, SoundWorkspaceIsOk) {
  TempDir dir;
  Db db = OpenDb(dir.File("sound.crm"));
  FillWorkspace(db.get());
  const std::string report = Verify(db.get());
  EXPECT_TRUE(Has(report, "{\"ok\":true,\"checks\":[")) << report;
  EXPECT_TRUE(Has(report, "{\"name\":\"schema\",\"ok\":true")) << report;
  EXPECT_TRUE(Has(report, "{\"name\":\"integrity\",\"ok\":true")) << report;
  EXPECT_TRUE(Has(report, "{\"name\":\"counters\",\"ok\":true,\"checked\":3}"))
      << report;
  // Every customer ever created but the erased one has history.
  EXPECT_TRUE(Has(report, "{\"name\":\"history\",\"ok\":true,\"checked\":" +
                              std::to_string(kFilledCreated - 1) + "}"))
      << report;
  // Every customer stored has its keys.
  EXPECT_TRUE(Has(report, "{\"name\":\"match_keys\",\"ok\":true,\"checked\":" +
                              std::to_string(Count(db.get())) + "}"))
      << report;
  EXPECT_TRUE(Has(report, "\"problems\":[]}")) << report;
}

TEST(VerifyTest, EmptyWorkspaceIsOk) {
  TempDir dir;
  Db db = OpenDb(dir.File("empty.crm"));
  const std::string report = Verify(db.get());
  EXPECT_TRUE(Has(report, "{\"ok\":true,")) << report;
  EXPECT_TRUE(Has(report, "{\"name\":\"history\",\"ok\":true,\"checked\":0}"))
      << report;
}

class VerifyPlantedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crm_db* db = nullptr;
    ASSERT_EQ(crm_open(&db, path_.c_str(), nullptr), CRM_OK)
        << crm_last_error_message();
    db_.reset(db);
    ids_ = FillWorkspace(db_.get());
    ASSERT_TRUE(VerifiesOk(db_.get()));
  }

  TempDir dir_;
  const std::string path_ = dir_.File("planted.crm");
  Db db_;
  std::vector<int64_t> ids_;
};

TEST_F(VerifyPlantedTest, ValueChangedWithoutHistoryIsNamed) {
  Plant(path_, "UPDATE crm_customers SET email = 'changed@x.org' WHERE id = " +
                   std::to_string(ids_[6]));
  const std::string report = Verify(db_.get());
  EXPECT_TRUE(Has(report, "{\"ok\":false,")) << report;
  EXPECT_TRUE(Has(report, "{\"name\":\"history\",\"ok\":false")) << report;
  EXPECT_TRUE(Has(report, "{\"check\":\"history\",\"customer_id\":" +
                              std::to_string(ids_[6]) +
                              ",\"field\":\"email\",\"message\":"))
      << report;
  EXPECT_TRUE(Has(report, "{\"name\":\"counters\",\"ok\":true")) << report;
}

TEST_F(VerifyPlantedTest, MatchKeysNotOfTheValuesAreNamed) {
  Plant(path_, "DELETE FROM crm_match_keys WHERE customer_id = " +
                   std::to_string(ids_[8]) +
                   "; INSERT INTO crm_match_keys VALUES (4, 'someone else', " +
                   std::to_string(ids_[5]) + ")");
  const std::string report = Verify(db_.get());
  EXPECT_TRUE(Has(report, "{\"name\":\"match_keys\",\"ok\":false")) << report;
  for (int64_t id : {ids_[8], ids_[5]}) {
    EXPECT_TRUE(Has(report, "{\"check\":\"match_keys\",\"customer_id\":" +
                                std::to_string(id) + ",\"message\":"))
        << report;
  }
  EXPECT_TRUE(Has(report, "{\"name\":\"history\",\"ok\":true")) << report;
}

TEST_F(VerifyPlantedTest, LateChangedValueOverwrittenIsNamed) {
  // Customer ids_[2]'s score replays to 7 (a late change from 2022 on).
  Plant(path_, "UPDATE crm_customers SET " + ColumnOf(path_, "score") +
                   " = 2 WHERE id = " + std::to_string(ids_[2]));
  const std::string report = Verify(db_.get());
  EXPECT_TRUE(Has(report, "\"customer_id\":" + std::to_string(ids_[2]) +
                              ",\"field\":\"score\""))
      << report;
}

TEST_F(VerifyPlantedTest, CustomerRemovedWithoutDeletionIsNamed) {
  Plant(path_, "DELETE FROM crm_customer_search WHERE rowid = " +
                   std::to_string(ids_[7]) +
                   "; DELETE FROM crm_customers WHERE id = " +
                   std::to_string(ids_[7]));
  const std::string report = Verify(db_.get());
  EXPECT_TRUE(Has(report, "{\"check\":\"history\",\"customer_id\":" +
                              std::to_string(ids_[7]) + ",\"message\":"))
      << report;
  EXPECT_TRUE(Has(report, "not stored")) << report;
}

TEST_F(VerifyPlantedTest, CountersBelowStoredIdsAreNamed) {
  Plant(path_,
        "UPDATE crm_meta SET value = 1 WHERE key = 'last_customer_id'; "
        "UPDATE sqlite_sequence SET seq = 1 WHERE name = 'crm_events'");
  const std::string report = Verify(db_.get());
  EXPECT_TRUE(Has(report, "{\"name\":\"counters\",\"ok\":false,\"checked\":3}"))
      << report;
  EXPECT_TRUE(Has(report, "the customer id counter stands at 1 but " +
                              std::to_string(ids_.back()) + " is stored"))
      << report;
  EXPECT_TRUE(Has(report, "the seq counter stands at 1 but")) << report;
  EXPECT_TRUE(Has(report, "{\"name\":\"history\",\"ok\":true")) << report;
}

TEST_F(VerifyPlantedTest, ForeignTableIsNamedBySchema) {
  Plant(path_, "CREATE TABLE crm_extra(id INTEGER PRIMARY KEY)");
  const std::string report = Verify(db_.get());
  EXPECT_TRUE(Has(report, "{\"name\":\"schema\",\"ok\":false")) << report;
  EXPECT_TRUE(Has(report, "{\"check\":\"schema\",")) << report;
  EXPECT_TRUE(Has(report, "crm_extra")) << report;
}

TEST_F(VerifyPlantedTest, CustomerWithoutHistoryIsNamed) {
  Plant(path_, "DELETE FROM crm_events WHERE customer_id = " +
                   std::to_string(ids_[8]) + " AND type_id BETWEEN 1 AND 3");
  const std::string report = Verify(db_.get());
  EXPECT_TRUE(Has(report, "{\"check\":\"history\",\"customer_id\":" +
                              std::to_string(ids_[8]) + ",\"message\":"))
      << report;
  EXPECT_TRUE(Has(report, "has no history")) << report;
}

TEST(VerifyTest, NotOnARestrictedHandle) {
  TempDir dir;
  Db admin = OpenDb(dir.File("admin.crm"));
  Db view = RestrictedDesk(admin.get());
  char* json = nullptr;
  EXPECT_CRM_ERROR(crm_verify(&json, view.get()), CRM_E_DENIED, "",
                   "operation");
  EXPECT_EQ(json, nullptr);
  EXPECT_CRM_ERROR(crm_verify(nullptr, admin.get()), CRM_E_INVALID_ARGUMENT, "",
                   "out_json");
}

}  // namespace
}  // namespace crm_test
