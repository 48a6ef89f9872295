// Files written by an older libcrm open and migrate forward.
#include <gtest/gtest.h>

#include <filesystem>

#include "base/error.h"
#include "core/schema.h"
#include "crm/crm.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"

namespace crm::store::sqlite {
namespace {

std::string TempPath(const char* name) {
  auto path = std::filesystem::temp_directory_path() /
              (std::string("crm-migration-") + name + "-" +
               std::to_string(getpid()) + ".crm");
  std::filesystem::remove(path);
  return path.string();
}

TEST(Migrations, EveryOlderVersionMigratesToTheLatest) {
  for (int from = 0; from < LatestSchemaVersion(); ++from) {
    SCOPED_TRACE(from);
    std::string path = TempPath("older");
    {
      auto connection = Connection::Open(path, {});
      ASSERT_TRUE(connection.ok());
      ASSERT_TRUE(MigrateTo(**connection, from).ok());
      EXPECT_EQ(*SchemaVersion(**connection), from);
    }
    auto connection = Connection::Open(path, {});
    ASSERT_TRUE(connection.ok());
    absl::Status status = OpenWorkspace(**connection, core::ReadFieldColumns);
    ASSERT_TRUE(status.ok()) << status;
    EXPECT_EQ(*SchemaVersion(**connection), LatestSchemaVersion());
    std::filesystem::remove(path);
  }
}

TEST(Migrations, CannotMigrateBackwards) {
  std::string path = TempPath("backwards");
  auto connection = Connection::Open(path, {});
  ASSERT_TRUE(connection.ok());
  ASSERT_TRUE(OpenWorkspace(**connection, core::ReadFieldColumns).ok());
  EXPECT_EQ(CodeOf(MigrateTo(**connection, 0)), ErrorCode::kInvalidArgument);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace crm::store::sqlite

namespace crm::store::sqlite {
namespace {

// A workspace written before the event log (layout 1) with customers in it
// opens, migrates, and gets a history baseline from which point-in-time
// reads work.
TEST(Migrations, FileFromBeforeTheEventLogGetsAHistoryBaseline) {
  std::string path = TempPath("v1");
  {
    auto connection = Connection::Open(path, {});
    ASSERT_TRUE(connection.ok());
    ASSERT_TRUE(MigrateTo(**connection, 1).ok());
    ASSERT_TRUE(
        (*connection)
            ->Execute("INSERT INTO crm_customers(version, created_at, "
                      "updated_at, kind, name, city) VALUES "
                      "(3, 1000000, 2000000, 'person', 'Ada', 'London')")
            .ok());
  }
  crm_db* db = nullptr;
  ASSERT_EQ(crm_open(&db, path.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  int version = 0;
  ASSERT_EQ(crm_db_schema_version(&version, db), CRM_OK);
  EXPECT_EQ(version, LatestSchemaVersion());
  crm_record* record = nullptr;
  ASSERT_EQ(crm_customer_get_at(&record, db, 1, 1500000), CRM_OK)
      << crm_last_error_message();
  const char* city = nullptr;
  ASSERT_EQ(crm_record_get_text(&city, record, "city"), CRM_OK);
  EXPECT_STREQ(city, "London");
  crm_record_free(record);
  EXPECT_EQ(crm_customer_get_at(&record, db, 1, 999999), CRM_E_NOT_FOUND);
  crm_close(db);
  // Opening again writes no second baseline.
  ASSERT_EQ(crm_open(&db, path.c_str(), nullptr), CRM_OK);
  crm_event_page* page = nullptr;
  ASSERT_EQ(crm_event_timeline(&page, db, 1, nullptr), CRM_OK);
  ASSERT_EQ(crm_event_page_size(page), 1u);
  EXPECT_STREQ(crm_event_actor(crm_event_page_at(page, 0)), "migration");
  crm_event_page_free(page);
  crm_close(db);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace crm::store::sqlite
