// Loading storage backends from plugin libraries: the PostgreSQL plugin this
// build made, and the named errors for a plugin that is missing or is not
// one (CRM_PLUGIN_DIR points the loader at a directory of the test's
// choosing; each backend name is loaded once per process).
#include "store/backend_plugin.h"

#include <cstdlib>
#include <filesystem>
#include <string>

#include "base/error.h"
#include "crm/crm.h"
#include "gtest/gtest.h"

namespace crm::store {
namespace {

class BackendPluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(setenv("CRM_PLUGIN_DIR", kBuiltDir, 1), 0);
  }
  static constexpr const char* kBuiltDir = CRM_TEST_PLUGIN_DIR;
};

TEST_F(BackendPluginTest, LoadsThePostgresPluginOfThisBuild) {
  auto plugin = LoadBackendPlugin("postgres");
  ASSERT_TRUE(plugin.ok()) << plugin.status();
  EXPECT_STREQ((*plugin)->name, "postgres");
  EXPECT_STREQ((*plugin)->version, CRM_VERSION_STRING);
  EXPECT_EQ((*plugin)->abi, kBackendPluginAbi);
  EXPECT_EQ((*plugin)->client_version().rfind("libpq 15.", 0), 0u)
      << (*plugin)->client_version();
  // Once per process: the same plugin again, even from elsewhere.
  ASSERT_EQ(setenv("CRM_PLUGIN_DIR", "/nonexistent", 1), 0);
  auto again = LoadBackendPlugin("postgres");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *plugin);
}

TEST_F(BackendPluginTest, AMissingPluginIsNamed) {
  auto plugin = LoadBackendPlugin("nosuch");
  ASSERT_FALSE(plugin.ok());
  EXPECT_EQ(CodeOf(plugin.status()), ErrorCode::kIo);
  EXPECT_EQ(RuleOf(plugin.status()), "plugin");
  EXPECT_NE(plugin.status().message().find("libcrm_nosuch.so.0"),
            absl::string_view::npos)
      << plugin.status().message();
}

TEST_F(BackendPluginTest, ALibraryThatIsNotAPluginIsRefused) {
  // libcrm.so itself, under a plugin's name: loads, but has no entry point.
  std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "crm-plugin-test";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(std::filesystem::path(kBuiltDir) / "libcrm.so.0",
                             dir / "libcrm_impostor.so.0",
                             std::filesystem::copy_options::overwrite_existing);
  ASSERT_EQ(setenv("CRM_PLUGIN_DIR", dir.c_str(), 1), 0);
  auto plugin = LoadBackendPlugin("impostor");
  ASSERT_FALSE(plugin.ok());
  EXPECT_EQ(RuleOf(plugin.status()), "plugin");
  EXPECT_NE(plugin.status().message().find("not a libcrm backend plugin"),
            absl::string_view::npos)
      << plugin.status().message();
}

TEST_F(BackendPluginTest, BackendNamesAreLowercaseLetters) {
  for (const char* name : {"Postgres", "../postgres", "pg15", ""}) {
    auto plugin = LoadBackendPlugin(name);
    if (std::string(name).empty()) {
      // "" is a valid spelling of no letters but no backend has it.
      EXPECT_FALSE(plugin.ok());
      continue;
    }
    ASSERT_FALSE(plugin.ok()) << name;
    EXPECT_EQ(CodeOf(plugin.status()), ErrorCode::kInvalidArgument) << name;
    EXPECT_EQ(RuleOf(plugin.status()), "plugin") << name;
  }
}

}  // namespace
}  // namespace crm::store
