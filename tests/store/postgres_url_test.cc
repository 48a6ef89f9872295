// libcrm's PostgreSQL workspace URLs: what is accepted, what is refused, and
// that no error ever repeats a password.
#include <string>

#include "base/error.h"
#include "gtest/gtest.h"
#include "store/postgres/workspace_url.h"

namespace crm::store::postgres {
namespace {

TEST(WorkspaceUrlTest, SplitsTheWorkspaceFromLibpqsParameters) {
  auto url = ParseWorkspaceUrl(
      "postgresql://crm@db.example:5433/sales?sslmode=require&workspace=acme"
      "&connect_timeout=5");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->workspace, "acme");
  EXPECT_EQ(url->conninfo,
            "postgresql://crm@db.example:5433/sales?sslmode=require&"
            "connect_timeout=5");
}

TEST(WorkspaceUrlTest, TakesTheShortSchemeAndASocketDirectory) {
  auto url = ParseWorkspaceUrl(
      "postgres://crm@/sales?host=/var/run/postgresql&workspace=clinic_2");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->workspace, "clinic_2");
  EXPECT_EQ(url->conninfo, "postgres://crm@/sales?host=/var/run/postgresql");
}

void ExpectRefused(const std::string& text, const std::string& words) {
  auto url = ParseWorkspaceUrl(text);
  ASSERT_FALSE(url.ok()) << text;
  EXPECT_EQ(CodeOf(url.status()), ErrorCode::kInvalidArgument) << text;
  EXPECT_EQ(RuleOf(url.status()), "url") << text;
  EXPECT_NE(url.status().message().find(words), absl::string_view::npos)
      << text << ": " << url.status().message();
}

TEST(WorkspaceUrlTest, RefusesWhatIsNotAWorkspaceUrl) {
  ExpectRefused("/var/lib/crm/acme.crm", "postgresql://");
  ExpectRefused("mysql://db/sales?workspace=acme", "postgresql://");
  ExpectRefused("postgresql://db/sales", "names no workspace");
  ExpectRefused("postgresql://db/sales?workspace=", "1 to 63");
  ExpectRefused("postgresql://db/sales?workspace=Acme", "1 to 63");
  ExpectRefused("postgresql://db/sales?workspace=9lives", "1 to 63");
  ExpectRefused("postgresql://db/sales?workspace=a-b", "1 to 63");
  ExpectRefused("postgresql://db/sales?workspace=" + std::string(64, 'a'),
                "1 to 63");
  ExpectRefused("postgresql://db/sales?workspace=a&workspace=b", "twice");
  ExpectRefused("postgresql://db/sales?workspace=a&colour=blue", "colour");
}

TEST(WorkspaceUrlTest, NoErrorRepeatsAPassword) {
  for (const std::string& text :
       {std::string("postgresql://crm:s3cret-Pw@db/sales?bogus=1&workspace=a"),
        std::string("postgresql://crm@db/sales?password=s3cret-Pw&"
                    "workspace=a&bogus=%zz"),
        std::string("postgresql://crm:s3cret-Pw@db/sales?workspace=A")}) {
    auto url = ParseWorkspaceUrl(text);
    ASSERT_FALSE(url.ok()) << text;
    EXPECT_EQ(url.status().message().find("s3cret"), absl::string_view::npos)
        << url.status().message();
  }
}

TEST(WorkspaceUrlTest, WithoutPasswordMasksBothForms) {
  EXPECT_EQ(WithoutPassword("user:pw1@h and pw2",
                            "postgresql://user:pw1@h/d?password=pw2"),
            "user:***@h and ***");
  EXPECT_EQ(WithoutPassword("nothing to hide", "postgresql://user@h/d"),
            "nothing to hide");
}

}  // namespace
// A '/' left unescaped in a password makes libpq read its pieces as other
// parts of the URL (here "s3cr" as the port) and quote them in its errors.
TEST(WorkspaceUrlTest, NoErrorRepeatsAPieceOfAPasswordWithASlash) {
  const std::string url =
      "postgresql://alice:s3cr/et9@localhost/db?workspace=a";
  auto parsed = ParseWorkspaceUrl(url);
  if (!parsed.ok()) {
    EXPECT_EQ(parsed.status().message().find("s3cr"), absl::string_view::npos)
        << parsed.status();
  }
  EXPECT_EQ(
      WithoutPassword("invalid integer value \"s3cr\" for connection option "
                      "\"port\"; et9",
                      url),
      "invalid integer value \"***\" for connection option \"port\"; "
      "***");
}

}  // namespace crm::store::postgres
