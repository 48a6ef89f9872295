// Files written by an older libcrm open and migrate forward.
#include <gtest/gtest.h>

#include <filesystem>

#include "base/error.h"
#include "store/connection.h"
#include "store/migrations.h"

namespace crm::store {
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
    absl::Status status = OpenWorkspace(**connection);
    ASSERT_TRUE(status.ok()) << status;
    EXPECT_EQ(*SchemaVersion(**connection), LatestSchemaVersion());
    std::filesystem::remove(path);
  }
}

TEST(Migrations, CannotMigrateBackwards) {
  std::string path = TempPath("backwards");
  auto connection = Connection::Open(path, {});
  ASSERT_TRUE(connection.ok());
  ASSERT_TRUE(OpenWorkspace(**connection).ok());
  EXPECT_EQ(CodeOf(MigrateTo(**connection, 0)), ErrorCode::kInvalidArgument);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace crm::store
