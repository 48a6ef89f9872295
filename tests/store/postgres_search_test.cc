// Full-text search on PostgreSQL (store/postgres/search.h, search_terms.h)
// against a real server, and against the SQLite backend's FTS5 index: the
// same text and the same queries (as core/query_checker.h's FullTextQuery()
// makes them) must find the same customers on both. Also: folded accents,
// prefixes, phone digits, removed and replaced text, workspaces apart,
// hostile query text, PostgreSQL's size limits, the migration that adds the
// terms to an older database, and verification of the new layout; and
// through the C ABI (crm_customer_search) on a file and on a PostgreSQL
// workspace side by side. Each test works in a schema of its own.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/query_checker.h"
#include "crm/crm.h"
#include "gtest/gtest.h"
#include "postgres_test_support.h"
#include "store/backend.h"
#include "store/postgres/catalog.h"
#include "store/postgres/connection.h"
#include "store/postgres/search.h"
#include "store/postgres/search_terms.h"
#include "store/postgres/segment_store.h"
#include "store/sqlite/sqlite_backend.h"

namespace crm::store::postgres {
namespace {

// ---- literals, without a server -------------------------------------------

TEST(SearchTermsTest, QueriesBecomePhrasesOfFoldedWords) {
  auto query = TsQueryLiteral(R"("Ada" "LOVé"*)");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(*query, "('ada') & ('love':*)");
  query = TsQueryLiteral(R"("foo-bar"*  "x""y")");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(*query, "('foo' <-> 'bar':*) & ('x' <-> 'y')");
  // A string without words is left out, as FTS5 does; none at all matches
  // nothing.
  query = TsQueryLiteral(R"("--" "ada")");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(*query, "('ada')");
  query = TsQueryLiteral(R"("--" "'\"*)");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(*query, std::nullopt);
}

TEST(SearchTermsTest, OnlyTheCoresQueryFormIsAccepted) {
  for (const char* bad :
       {"ada", "\"ada", "\"ada\"x", "\"a\" OR \"b\"", "\"a\"**", "(\"a\")"}) {
    auto query = TsQueryLiteral(bad);
    ASSERT_FALSE(query.ok()) << bad;
    EXPECT_EQ(CodeOf(query.status()), ErrorCode::kValidation) << bad;
    EXPECT_EQ(RuleOf(query.status()), "syntax") << bad;
  }
}

TEST(SearchTermsTest, QueriesStayWithinWhatTheServerParses) {
  std::string phrase = "\"";
  for (int i = 0; i < 1000; ++i) absl::StrAppend(&phrase, "w", i, " ");
  EXPECT_TRUE(TsQueryLiteral(phrase + "\"").ok());
  auto query = TsQueryLiteral(phrase + "more\"");
  ASSERT_FALSE(query.ok());
  EXPECT_EQ(CodeOf(query.status()), ErrorCode::kValidation);
  EXPECT_EQ(RuleOf(query.status()), "terms");
  std::string words;
  for (int i = 0; i < 40; ++i) {
    absl::StrAppend(&words, "\"", std::string(2000, 'a' + i % 26), "\" ");
  }
  query = TsQueryLiteral(words);
  ASSERT_FALSE(query.ok());
  EXPECT_EQ(RuleOf(query.status()), "terms");
}

TEST(SearchTermsTest, TextBecomesWordsWithPositionsWithinPostgresLimits) {
  auto terms = TsVectorLiteral("Zoë zoe ZOE, Ærø-5");
  ASSERT_TRUE(terms.ok()) << terms.status();
  EXPECT_EQ(*terms, "'zoe':1,2,3 'ærø':4 '5':5");
  // A word longer than PostgreSQL keeps is cut at a character boundary.
  std::string long_word = "a";
  for (int i = 0; i < 1500; ++i) long_word += "ø";
  terms = TsVectorLiteral(long_word);
  ASSERT_TRUE(terms.ok()) << terms.status();
  // 'a' then 1,022 two-byte characters: 2,045 bytes (the next character
  // would pass 2,046), quoted, position 1.
  EXPECT_EQ(terms->size(), 2045u + 2 + 2);
  EXPECT_EQ(terms->substr(terms->size() - 5), "\xC3\xB8':1");
}

// ---- against the server ---------------------------------------------------

class PostgresSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(GetTestServerUrl(&server_url_));
    schema_ = "s_";
    for (char c : std::string(
             ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
      schema_ += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    schema_ = schema_.substr(0, 60);
    auto opened = Connection::Open(server_url_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    connection_ = std::move(*opened);
    Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    Exec("CREATE SCHEMA " + schema_);
    Exec("SET search_path TO " + schema_);
    ASSERT_OK(PrepareDatabase(*connection_));
    auto created = CreateWorkspace(*connection_, "acme");
    ASSERT_TRUE(created.ok()) << created.status();
    workspace_ = *created;
  }

  void TearDown() override {
    if (connection_ != nullptr && connection_->connected()) {
      Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    }
  }

  void Exec(const std::string& sql) {
    ASSERT_TRUE(connection_->ExecuteScript(sql).ok()) << sql;
  }

  void Index(int64_t id, const std::string& text, int64_t workspace = 0) {
    ASSERT_OK(SetSearchText(*connection_, workspace ? workspace : workspace_,
                            id, text, false));
  }

  // The customers the words `text` find (as crm_customer_search() reads
  // them), best first.
  std::vector<int64_t> Find(const std::string& text, int64_t limit = 100,
                            int64_t workspace = 0) {
    auto query = core::FullTextQuery(text);
    EXPECT_TRUE(query.ok()) << query.status();
    if (!query.ok()) return {};
    auto found = SearchCustomers(
        *connection_, workspace ? workspace : workspace_, *query, limit);
    EXPECT_TRUE(found.ok()) << found.status() << " for " << text;
    return found.ok() ? *found : std::vector<int64_t>{};
  }

  static std::vector<int64_t> Sorted(std::vector<int64_t> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::string server_url_;
  std::string schema_;
  std::unique_ptr<Connection> connection_;
  int64_t workspace_ = 0;
};

using Ids = std::vector<int64_t>;

// The texts the core would index (core/query_service.h's SearchText():
// textual values joined by blanks, a phone's digits after it).
const std::vector<std::string>& Corpus() {
  static const auto* corpus = new std::vector<std::string>{
      "Ada Lovelace ada@analytical.example +44 (20) 7946-0001 442079460001 "
      "computing engines",
      "Lovelace Holdings finance",
      "Bob Loveless industries",
      "Zoë Ærøskøbing straße",
      "Ľubomír Łódź Øre",
      "José Müller-Lüdenscheidt São Paulo",
      "O'Brien \\ back:slash & co! <-> :* (x) 'quoted'",
      "日本語テキスト 東京",
      "İstanbul ǅemal ﬁne",
      "foo-bar baz foo bar",
      "x_y a.b@c.de version 1.2.3",
      "ADA ada Ada ada",
  };
  return *corpus;
}

const std::vector<std::string>& Queries() {
  static const auto* queries = new std::vector<std::string>{
      "lovelace",
      "love*",
      "ada lovelace",
      "ada",
      "a*",
      "442079460001",
      "4420*",
      "7946",
      "analytical",
      "zoe",
      "ZOË",
      "zo*",
      "aeroskobing",
      "ærøskøbing",
      "strasse",
      "straße",
      "lubomir",
      "lodz",
      "łódź",
      "ore",
      "jose",
      "muller-ludenscheidt",
      "muller",
      "ludenscheidt*",
      "sao paulo",
      "paulo sao",
      "o'brien",
      "brien",
      "back:slash",
      "\\",
      "'",
      ":*",
      "<->",
      "日本語テキスト",
      "日本*",
      "東京",
      "istanbul",
      "i*",
      "fine",
      "ﬁne",
      "ǆemal",
      "foo-bar",
      "bar-baz",
      "bar-foo",
      "foo-bar*",
      "x",
      "y",
      "c.de",
      "1.2.3",
      "2.3",
      "version 1",
      "quoted",
      "'quoted'",
      "\"quoted\"",
      "nothing",
      "ada*lovelace",
      "' OR 1=1 --",
      "x'); DROP TABLE crm_customers",
  };
  return *queries;
}

TEST_F(PostgresSearchTest, FindsTheSameCustomersAsSqlite) {
  auto sqlite = sqlite::OpenSqliteBackend(
      ":memory:", {},
      [](const std::vector<FieldRow>&)
          -> absl::StatusOr<std::vector<FieldColumn>> {
        return std::vector<FieldColumn>{};
      });
  ASSERT_TRUE(sqlite.ok()) << sqlite.status();
  Backend& file = **sqlite;
  {
    auto scope = Scope::Begin(file, ScopeKind::kWrite);
    ASSERT_TRUE(scope.ok()) << scope.status();
    for (size_t i = 0; i < Corpus().size(); ++i) {
      ASSERT_OK(file.SetSearchText(i + 1, Corpus()[i], true));
      Index(i + 1, Corpus()[i]);
    }
    ASSERT_OK(scope->Commit());
  }
  auto scope = Scope::Begin(file, ScopeKind::kRead);
  ASSERT_TRUE(scope.ok()) << scope.status();
  int matched = 0;
  for (const std::string& text : Queries()) {
    auto query = core::FullTextQuery(text);
    ASSERT_TRUE(query.ok()) << text;
    auto expected = file.SearchCustomers(*query, 100);
    ASSERT_TRUE(expected.ok()) << expected.status() << " for " << text;
    EXPECT_EQ(Sorted(Find(text)), Sorted(*expected)) << "query: " << text;
    if (!expected->empty()) ++matched;
  }
  // Most queries find someone: the comparison is not of empty sets.
  EXPECT_GE(matched, 40);
}

TEST_F(PostgresSearchTest, AccentsAndCaseAreFoldedAsSqliteFoldsThem) {
  Index(1, "Zoë Ærøskøbing");
  Index(2, "José Müller-Lüdenscheidt");
  Index(3, "Ľubomír Łódź");
  EXPECT_EQ(Find("zoe"), Ids{1});
  EXPECT_EQ(Find("ZOË"), Ids{1});
  EXPECT_EQ(Find("JOSE muller"), Ids{2});
  EXPECT_EQ(Find("lüdenscheidt"), Ids{2});
  EXPECT_EQ(Find("lubomir"), Ids{3});
  // What remove_diacritics does not fold stays as it is: æ and ø are
  // letters, not letters with marks; so is ł.
  EXPECT_EQ(Find("aeroskobing"), Ids{});
  EXPECT_EQ(Find("ærøskøbing"), Ids{1});
  EXPECT_EQ(Find("lodz"), Ids{});
  EXPECT_EQ(Find("łodz"), Ids{3});
}

TEST_F(PostgresSearchTest, PrefixesAndPhoneDigitsMatch) {
  Index(1, "Ada Lovelace +44 (20) 7946-0001 442079460001");
  Index(2, "Lovelace Holdings");
  Index(3, "Bob Loveless");
  EXPECT_EQ(Sorted(Find("love*")), (Ids{1, 2, 3}));
  EXPECT_EQ(Sorted(Find("lovelace")), (Ids{1, 2}));
  EXPECT_EQ(Find("l*"), Find("lo*"));
  EXPECT_EQ(Find("lovel"), Ids{});
  EXPECT_EQ(Find("ada lov*"), Ids{1});
  EXPECT_EQ(Find("442079460001"), Ids{1});
  EXPECT_EQ(Find("44207*"), Ids{1});
  EXPECT_EQ(Find("7946-0001"), Ids{1});
  EXPECT_EQ(Find("0001"), Ids{1});
  EXPECT_EQ(Find("4420"), Ids{});
  // A phrase: the words next to each other, in order.
  EXPECT_EQ(Find("ada-lovelace"), Ids{1});
  EXPECT_EQ(Find("lovelace-ada"), Ids{});
}

TEST_F(PostgresSearchTest, RemovedAndReplacedTextIsNoLongerFound) {
  Index(1, "Ada Lovelace");
  Index(2, "Lovelace Holdings");
  ASSERT_EQ(Sorted(Find("lovelace")), (Ids{1, 2}));
  // Renamed (crm_customer_update), then deleted (crm_customer_delete).
  Index(1, "Augusta King");
  EXPECT_EQ(Find("lovelace"), Ids{2});
  EXPECT_EQ(Find("augusta"), Ids{1});
  Index(1, "");
  EXPECT_EQ(Find("augusta"), Ids{});
  Index(2, "");
  EXPECT_EQ(Find("lovelace"), Ids{});
  auto rows = connection_->Execute("SELECT count(*) FROM crm_customer_search");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->Text(0, 0), "0");
}

TEST_F(PostgresSearchTest, WorkspacesAreSearchedApart) {
  auto other = CreateWorkspace(*connection_, "globex");
  ASSERT_TRUE(other.ok()) << other.status();
  Index(1, "Ada Lovelace");
  Index(1, "Ada Byron", *other);
  Index(2, "Ada King", *other);
  EXPECT_EQ(Find("ada"), Ids{1});
  EXPECT_EQ(Sorted(Find("ada", 100, *other)), (Ids{1, 2}));
  EXPECT_EQ(Find("lovelace", 100, *other), Ids{});
  ASSERT_OK(DropWorkspace(*connection_, "globex"));
  EXPECT_EQ(Find("byron", 100, *other), Ids{});
}

TEST_F(PostgresSearchTest, BestMatchFirstThenByIdWithinTheLimit) {
  Index(1, "Ada");
  Index(2, "Ada ada ada Lovelace");
  Index(3, "Ada");
  Index(4, "Ada");
  EXPECT_EQ(Find("ada"), (Ids{2, 1, 3, 4}));
  EXPECT_EQ(Find("ada", 2), (Ids{2, 1}));
}

TEST_F(PostgresSearchTest, HostileQueryTextIsOnlyWords) {
  Index(1, "O'Brien \\ back:slash & co! <-> :* (x) 'quoted'");
  Index(2, "Robert'); DROP TABLE crm_customers; --");
  for (const char* text : {"'",           "\\",
                           "''",          ":*",
                           "&",           "|",
                           "!",           "<->",
                           "<1>",         "(",
                           ")",           "' | 'a",
                           "\\' & !x",    "x'); DROP TABLE crm_customers; --",
                           "' OR 1=1 --", "$1",
                           "\"",          "\"\"",
                           "%s",          "\xF0\x9F\x98\x80"}) {
    auto query = core::FullTextQuery(text);
    ASSERT_TRUE(query.ok()) << text;
    auto found = SearchCustomers(*connection_, workspace_, *query, 10);
    ASSERT_TRUE(found.ok()) << found.status() << " for " << text;
  }
  EXPECT_EQ(Find("o'brien"), Ids{1});
  EXPECT_EQ(Find("'quoted'"), Ids{1});
  EXPECT_EQ(Find("back:slash"), Ids{1});
  // Words apart match in any order; a word of words is a phrase.
  EXPECT_EQ(Find("table drop"), Ids{2});
  EXPECT_EQ(Find("drop-table"), Ids{2});
  EXPECT_EQ(Find("table-drop"), Ids{});
  auto tables = connection_->Execute("SELECT count(*) FROM crm_customers");
  EXPECT_TRUE(tables.ok()) << tables.status();
}

TEST_F(PostgresSearchTest, TheLargestQueriesAllowedRun) {
  Index(1, "w0 w1 w2");
  std::string phrase, words;
  for (int i = 0; i < 1000; ++i) {
    absl::StrAppend(&phrase, i ? "-" : "", "w", i);
    absl::StrAppend(&words, " w", i % 3);
  }
  EXPECT_EQ(Find(phrase), Ids{});
  EXPECT_EQ(Find(words), Ids{1});
  std::string long_words;
  for (int i = 0; i < 32; ++i) {
    absl::StrAppend(&long_words, " ", std::string(2046, 'a' + i % 26));
  }
  EXPECT_EQ(Find(long_words), Ids{});
}

TEST_F(PostgresSearchTest, TextBeyondPostgresLimitsIsStoredAndStillFound) {
  // 2 MB of distinct words, more than one tsvector holds: the first are
  // found, and the write does not fail.
  std::string text = "first";
  for (int i = 0; i < 200000; ++i) absl::StrAppend(&text, " w", i, "xyzabc");
  std::string long_word(5000, 'q');
  text = absl::StrCat(long_word, " ", text);
  Index(1, text);
  EXPECT_EQ(Find("first"), Ids{1});
  EXPECT_EQ(Find("w10xyzabc"), Ids{1});
  EXPECT_EQ(Find(long_word), Ids{1});
  EXPECT_EQ(Find("qqqq*"), Ids{1});
}

TEST_F(PostgresSearchTest, MigrationIndexesTheTextOfAnOlderLayout) {
  // A database of layout 3: the text without its words.
  Exec(
      "DROP TABLE crm_stubs, crm_suppression_keys, crm_suppressions, "
      "crm_profiles, crm_match_keys, crm_duplicate_rules, crm_settings, "
      "crm_workspace_flags, crm_merges; "
      "DROP INDEX crm_customer_search_terms; ALTER TABLE crm_customer_search "
      "DROP COLUMN terms; UPDATE crm_schema SET version = 3");
  auto inserted = connection_->Execute(
      "INSERT INTO crm_customer_search (workspace_id, customer_id, content) "
      "SELECT $1::bigint, g, 'customer ' || g || ' Zoë' FROM "
      "generate_series(1, 2500) g",
      {absl::StrCat(workspace_)});
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  absl::Status prepared = PrepareDatabase(*connection_);
  ASSERT_TRUE(prepared.ok()) << prepared;
  auto version = DatabaseSchemaVersion(*connection_);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, LatestSchemaVersion());
  EXPECT_EQ(Find("2500"), Ids{2500});
  EXPECT_EQ(Find("1001 zoe"), Ids{1001});
  EXPECT_EQ(Find("zoe", 10000).size(), 2500u);
}

TEST_F(PostgresSearchTest, VerificationRefusesAChangedSearchLayout) {
  Exec("DROP INDEX crm_customer_search_terms");
  absl::Status refused = PrepareDatabase(*connection_);
  EXPECT_EQ(CodeOf(refused), ErrorCode::kNotWorkspace) << refused;
  EXPECT_EQ(RuleOf(refused), "schema");
  Exec(
      "CREATE INDEX crm_customer_search_terms ON crm_customer_search USING "
      "gin (terms)");
  ASSERT_OK(PrepareDatabase(*connection_));
  Exec("ALTER TABLE crm_customer_search ALTER COLUMN terms DROP NOT NULL");
  refused = PrepareDatabase(*connection_);
  EXPECT_EQ(CodeOf(refused), ErrorCode::kNotWorkspace) << refused;
}

// ---- through the C ABI, on a file and on PostgreSQL -------------------------

struct DbCloser {
  void operator()(crm_db* db) const { crm_close(db); }
};
using Db = std::unique_ptr<crm_db, DbCloser>;

class CapiSearchTest : public PostgresSearchTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(PostgresSearchTest::SetUp());
    ASSERT_EQ(setenv("CRM_PLUGIN_DIR", CRM_TEST_PLUGIN_DIR, 1), 0);
    std::filesystem::path file =
        std::filesystem::path(::testing::TempDir()) / "crm-search-test.crm";
    std::filesystem::remove(file);
    crm_db* opened = nullptr;
    ASSERT_EQ(crm_open(&opened, file.c_str(), nullptr), CRM_OK)
        << crm_last_error_message();
    file_.reset(opened);
    std::string url = absl::StrCat(server_url_, "&options=-csearch_path%3D",
                                   schema_, "&workspace=capi");
    ASSERT_EQ(crm_open_url(&opened, url.c_str(), nullptr), CRM_OK)
        << crm_last_error_message();
    postgres_.reset(opened);
  }

  // Creates the same customer in both; returns its id (the same in both).
  int64_t Create(const char* name, const char* email, const char* phone) {
    int64_t ids[2] = {0, 0};
    for (int i = 0; i < 2; ++i) {
      crm_record* record = nullptr;
      EXPECT_EQ(crm_record_new(&record), CRM_OK);
      crm_record_set_text(record, "name", name);
      if (email != nullptr) crm_record_set_text(record, "email", email);
      if (phone != nullptr) crm_record_set_text(record, "phone", phone);
      EXPECT_EQ(crm_customer_create(&ids[i], Both()[i], record, nullptr),
                CRM_OK)
          << crm_last_error_message();
      crm_record_free(record);
    }
    EXPECT_EQ(ids[0], ids[1]);
    return ids[0];
  }

  std::vector<crm_db*> Both() { return {file_.get(), postgres_.get()}; }

  // The ids crm_customer_search() returns on `db`, in ascending order.
  static std::vector<int64_t> Search(crm_db* db, const char* text) {
    crm_rows* rows = nullptr;
    EXPECT_EQ(crm_customer_search(&rows, db, text, 1000), CRM_OK)
        << crm_last_error_message() << " for " << text;
    std::vector<int64_t> ids;
    for (size_t i = 0; i < crm_rows_size(rows); ++i) {
      ids.push_back(crm_record_id(crm_rows_at(rows, i)));
    }
    crm_rows_free(rows);
    return Sorted(ids);
  }

  // What `text` finds, the same on both backends (a failure otherwise).
  std::vector<int64_t> Same(const char* text) {
    std::vector<int64_t> on_file = Search(file_.get(), text);
    EXPECT_EQ(Search(postgres_.get(), text), on_file) << "search: " << text;
    return on_file;
  }

  Db file_;
  Db postgres_;
};

TEST_F(CapiSearchTest, BothBackendsFindTheSameCustomers) {
  int64_t ada =
      Create("Ada Lovelace", "ada@analytical.example", "+44 (20) 7946-0001");
  int64_t holdings = Create("Lovelace Holdings", nullptr, nullptr);
  int64_t zoe =
      Create("Zoë Müller-Lüdenscheidt", "zoe@example.org", "+1 555 0100");
  Create("O'Brien \\ & Co (x) <-> :*", nullptr, nullptr);
  EXPECT_EQ(Same("lovelace"), (Ids{ada, holdings}));
  EXPECT_EQ(Same("love*"), (Ids{ada, holdings}));
  EXPECT_EQ(Same("442079460001"), Ids{ada});
  EXPECT_EQ(Same("4420*"), Ids{ada});
  EXPECT_EQ(Same("analytical"), Ids{ada});
  EXPECT_EQ(Same("ZOE muller"), Ids{zoe});
  EXPECT_EQ(Same("müller-lüdenscheidt"), Ids{zoe});
  EXPECT_EQ(Same("1555*"), Ids{zoe});
  EXPECT_EQ(Same("o'brien"), Ids{4});
  for (const char* text : {"person", "p*", "example", "co", "x", "'", ":*",
                           "\\", "ada*lovelace", "' OR 1=1 --", "nobody"}) {
    Same(text);
  }
  // Updates and deletes reach the index on both.
  crm_record* changes = nullptr;
  ASSERT_EQ(crm_record_new(&changes), CRM_OK);
  crm_record_set_text(changes, "name", "Augusta King");
  crm_record_set_null(changes, "phone");
  for (crm_db* db : Both()) {
    ASSERT_EQ(crm_customer_update(nullptr, db, ada, 0, changes, nullptr),
              CRM_OK)
        << crm_last_error_message();
  }
  crm_record_free(changes);
  EXPECT_EQ(Same("lovelace"), Ids{holdings});
  EXPECT_EQ(Same("augusta"), Ids{ada});
  EXPECT_EQ(Same("442079460001"), Ids{});
  for (crm_db* db : Both()) {
    ASSERT_EQ(crm_customer_delete(db, ada, 0, nullptr), CRM_OK)
        << crm_last_error_message();
  }
  EXPECT_EQ(Same("augusta"), Ids{});
  EXPECT_EQ(Same("analytical"), Ids{});
  crm_rows* rows = nullptr;
  EXPECT_EQ(crm_customer_search(&rows, postgres_.get(), "  ", 10),
            CRM_E_VALIDATION);
}

}  // namespace
}  // namespace crm::store::postgres
