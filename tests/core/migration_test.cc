// Files written by an older libcrm open and migrate forward.
#include <gtest/gtest.h>

#include <filesystem>

#include "base/error.h"
#include "core/schema.h"
#include "core/wire.h"
#include "crm/crm.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/statement.h"

namespace crm::store::sqlite {
namespace {

std::string TempPath(const char* name) {
  auto path = std::filesystem::temp_directory_path() /
              (std::string("crm-migration-") + name + "-" +
               std::to_string(getpid()) + ".crm");
  std::filesystem::remove(path);
  return path.string();
}

// Opens `path` through the C ABI, which migrates it to the latest layout;
// nullptr (and a test failure) when it does not open.
crm_db* OpenMigrated(const std::string& path) {
  crm_db* db = nullptr;
  if (crm_open(&db, path.c_str(), nullptr) != CRM_OK) {
    ADD_FAILURE() << crm_last_error_message();
    return nullptr;
  }
  int version = 0;
  EXPECT_EQ(crm_db_schema_version(&version, db), CRM_OK);
  EXPECT_EQ(version, LatestSchemaVersion());
  return db;
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
  crm_db* db = OpenMigrated(path);
  ASSERT_NE(db, nullptr);
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

namespace crm::store::sqlite {
namespace {

// Events written while each row also kept its properties as JSON (layouts 2
// to 5): the column goes, and queries read the same values from the body.
TEST(Migrations, EventPropertiesMoveToTheBodyOnly) {
  std::string path = TempPath("v5");
  wire::EventBody body;
  wire::Property* amount = body.add_properties();
  amount->set_name("amount");
  amount->mutable_value()->set_decimal("7.25");
  wire::Property* sku = body.add_properties();
  sku->set_name("sku");
  sku->mutable_value()->set_text("A-1");
  {
    auto connection = Connection::Open(path, {});
    ASSERT_TRUE(connection.ok());
    ASSERT_TRUE(MigrateTo(**connection, 5).ok());
    ASSERT_TRUE((*connection)
                    ->Execute("INSERT INTO crm_customers(version, created_at, "
                              "updated_at, kind, name) VALUES "
                              "(1, 1000000, 1000000, 'person', 'Ada'); "
                              "UPDATE crm_meta SET value = 1 WHERE key = "
                              "'last_customer_id'")
                    .ok());
    auto insert = (*connection)
                      ->Prepare(
                          "INSERT INTO crm_events(customer_id, occurred_at, "
                          "recorded_at, type_id, body, properties) VALUES "
                          "(1, 2000000, 2000000, 4, ?, ?)");
    ASSERT_TRUE(insert.ok()) << insert.status();
    ASSERT_TRUE((*insert)
                    ->BindAll({Blob{body.SerializeAsString()},
                               std::string(R"({"amount":7.25,"sku":"A-1"})")})
                    .ok());
    ASSERT_TRUE((*insert)->Run().ok());
  }
  crm_db* db = OpenMigrated(path);
  ASSERT_NE(db, nullptr);
  for (const char* filter :
       {"properties.amount > 7.2", "properties.sku = 'A-1'",
        "properties.amount = 7.25 and properties.sku starts with 'A'"}) {
    crm_query* query = nullptr;
    ASSERT_EQ(crm_query_new(&query, CRM_QUERY_EVENTS), CRM_OK);
    ASSERT_EQ(crm_query_set_filter(query, filter), CRM_OK);
    int64_t count = -1;
    ASSERT_EQ(crm_query_count(&count, db, query), CRM_OK)
        << filter << ": " << crm_last_error_message();
    EXPECT_EQ(count, 1) << filter;
    crm_query_free(query);
  }
  crm_close(db);
  auto connection = Connection::Open(path, {});
  ASSERT_TRUE(connection.ok());
  auto columns = (*connection)
                     ->Prepare(
                         "SELECT count(*) FROM pragma_table_info('crm_events') "
                         "WHERE name = 'properties'");
  ASSERT_TRUE(columns.ok());
  ASSERT_TRUE(*(*columns)->Step());
  EXPECT_EQ((*columns)->ColumnInt(0), 0);
  (*columns)->Reset();
  connection->reset();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace crm::store::sqlite

namespace crm::store::sqlite {
namespace {

// A workspace of layout 8 (before access profiles) opens, migrates, keeps
// its customers, and takes profiles.
TEST(Migrations, LayoutEightGainsAccessProfiles) {
  std::string path = TempPath("v8");
  {
    crm_db* db = nullptr;
    ASSERT_EQ(crm_open(&db, path.c_str(), nullptr), CRM_OK);
    crm_record* record = nullptr;
    ASSERT_EQ(crm_record_new(&record), CRM_OK);
    ASSERT_EQ(crm_record_set_text(record, "name", "Ada"), CRM_OK);
    int64_t id = 0;
    ASSERT_EQ(crm_customer_create(&id, db, record, "test"), CRM_OK);
    crm_record_free(record);
    crm_close(db);
    // Back to layout 8: no crm_profiles, nor the duplicates' tables of 10,
    // nor the merges of 11.
    auto connection = Connection::Open(path, {});
    ASSERT_TRUE(connection.ok());
    ASSERT_TRUE((*connection)
                    ->Execute("DROP TABLE crm_profiles; "
                              "DROP TABLE crm_match_keys; "
                              "DROP TABLE crm_duplicate_rules; "
                              "DROP TABLE crm_settings; "
                              "DROP TABLE crm_merges; "
                              "PRAGMA user_version = 8")
                    .ok());
  }
  crm_db* db = OpenMigrated(path);
  ASSERT_NE(db, nullptr);
  int64_t count = 0;
  EXPECT_EQ(crm_customer_count(&count, db), CRM_OK);
  EXPECT_EQ(count, 1);
  EXPECT_EQ(crm_profile_define(db, R"({"name": "desk"})"), CRM_OK)
      << crm_last_error_message();
  char* list = nullptr;
  ASSERT_EQ(crm_profile_list(&list, db), CRM_OK);
  EXPECT_STREQ(list, R"(["desk"])");
  crm_string_free(list);
  crm_close(db);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace crm::store::sqlite
