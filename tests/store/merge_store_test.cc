// The merges section of the storage seam (store/backend.h) and what merges
// ask of the rest of it (SelectCustomers by ids, timelines spanning merged
// customers), on both backends through the Backend interface the core
// calls: Backends/MergeStoreTest.*/Sqlite on a workspace file,
// .../Postgres on a workspace of the test server that CTest starts
// (CRM_TEST_POSTGRES_URL; skipped without it), each test in a schema of its
// own.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "gtest/gtest.h"
#include "store/backend.h"
#include "store/postgres/connection.h"
#include "store/postgres/workspaces.h"
#include "store/sqlite/sqlite_backend.h"

namespace crm::store {
namespace {

enum class Kind { kSqlite, kPostgres };

std::string KindName(const testing::TestParamInfo<Kind>& info) {
  return info.param == Kind::kSqlite ? "Sqlite" : "Postgres";
}

// For gtest's messages and the names CTest lists ("GetParam() = Sqlite").
void PrintTo(Kind kind, std::ostream* out) {
  *out << (kind == Kind::kSqlite ? "Sqlite" : "Postgres");
}

#define ASSERT_OK(expression)             \
  do {                                    \
    absl::Status status_ = (expression);  \
    ASSERT_TRUE(status_.ok()) << status_; \
  } while (false)

MergeRow Merge(int64_t merged_id, int64_t merge_id, int64_t into_id,
               int64_t survivor_id, std::string external_id = "") {
  // Bytes of every kind: a NUL, high bytes, no UTF-8.
  std::string snapshot = absl::StrCat("snap", merged_id);
  snapshot += std::string("\0\xff\x80\x01", 4);
  return {merged_id, merge_id, into_id, survivor_id, std::move(external_id),
          snapshot};
}

std::vector<int64_t> MergedIds(const std::vector<MergeRow>& rows) {
  std::vector<int64_t> ids;
  for (const MergeRow& row : rows) ids.push_back(row.merged_id);
  return ids;
}

void ExpectSameRow(const MergeRow& got, const MergeRow& want) {
  EXPECT_EQ(got.merged_id, want.merged_id);
  EXPECT_EQ(got.merge_id, want.merge_id);
  EXPECT_EQ(got.into_id, want.into_id);
  EXPECT_EQ(got.survivor_id, want.survivor_id);
  EXPECT_EQ(got.external_id, want.external_id);
  EXPECT_EQ(got.snapshot, want.snapshot);
}

// An event as a timeline orders it.
struct Stamp {
  int64_t occurred_at_us = 0;
  int64_t seq = 0;
  int64_t customer_id = 0;
  bool operator==(const Stamp& other) const = default;
};

std::ostream& operator<<(std::ostream& out, const Stamp& stamp) {
  return out << "(" << stamp.occurred_at_us << ", seq " << stamp.seq
             << ", customer " << stamp.customer_id << ")";
}

class MergeStoreTest : public testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    std::string name;
    for (char c : std::string(
             testing::UnitTest::GetInstance()->current_test_info()->name())) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    if (GetParam() == Kind::kSqlite) {
      dir_ = std::filesystem::path(testing::TempDir()) /
             absl::StrCat("merge_store_", name, "_", getpid());
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
    } else {
      const char* server = std::getenv("CRM_TEST_POSTGRES_URL");
      if (server == nullptr) {
        GTEST_SKIP() << "CRM_TEST_POSTGRES_URL is not set: run through "
                        "ctest, which starts a server";
      }
      server_url_ = server;
      schema_ = absl::StrCat("m_", name).substr(0, 60);
      auto admin = postgres::Connection::Open(server_url_);
      ASSERT_TRUE(admin.ok()) << admin.status();
      admin_ = *std::move(admin);
      ASSERT_OK(admin_->ExecuteScript(
          absl::StrCat("DROP SCHEMA IF EXISTS ", schema_,
                       " CASCADE; CREATE SCHEMA ", schema_)));
    }
    backend_ = Open("main");
    ASSERT_NE(backend_, nullptr);
  }

  void TearDown() override {
    backend_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (admin_ != nullptr && admin_->connected()) {
      (void)admin_->ExecuteScript(
          absl::StrCat("DROP SCHEMA IF EXISTS ", schema_, " CASCADE"));
    }
  }

  // Workspace `name` of this test: a file, or a workspace of the server in
  // the test's schema. No fields are defined: the standard columns (name)
  // serve.
  std::unique_ptr<Backend> Open(const std::string& name,
                                ConnectionOptions options = {}) {
    FieldColumnsReader no_fields = [](const std::vector<FieldRow>&) {
      return absl::StatusOr<std::vector<FieldColumn>>(
          std::vector<FieldColumn>());
    };
    absl::StatusOr<std::unique_ptr<Backend>> opened =
        GetParam() == Kind::kSqlite
            ? sqlite::OpenSqliteBackend((dir_ / (name + ".crm")).string(),
                                        options, no_fields)
            : postgres::OpenWorkspace(
                  absl::StrCat(server_url_, "&options=-csearch_path%3D",
                               schema_, "&workspace=", name),
                  options, no_fields);
    EXPECT_TRUE(opened.ok()) << opened.status();
    return opened.ok() ? *std::move(opened) : nullptr;
  }

  // Runs `body` in a scope of `kind` on `backend` and commits it.
  template <typename Body>
  void InScope(ScopeKind kind, Body body, Backend* backend = nullptr) {
    Backend& on = backend != nullptr ? *backend : *backend_;
    auto scope = Scope::Begin(on, kind);
    ASSERT_TRUE(scope.ok()) << scope.status();
    body();
    ASSERT_OK(scope->Commit());
  }
  template <typename Body>
  void Write(Body body) {
    InScope(ScopeKind::kWrite, body);
  }
  template <typename Body>
  void Read(Body body) {
    InScope(ScopeKind::kRead, body);
  }

  void InsertMerges(const std::vector<MergeRow>& rows) {
    Write([&] {
      for (const MergeRow& row : rows) ASSERT_OK(backend_->InsertMerge(row));
    });
  }

  // What `call` (a read of `backend_`) returns, in a read scope of its own.
  template <typename Call>
  auto ReadBack(Call call) -> typename decltype(call())::value_type {
    typename decltype(call())::value_type value{};
    Read([&] {
      auto got = call();
      ASSERT_TRUE(got.ok()) << got.status();
      value = *std::move(got);
    });
    return value;
  }

  std::optional<MergeRow> SelectMerge(int64_t merged_id) {
    return ReadBack([&] { return backend_->SelectMerge(merged_id); });
  }
  std::optional<MergeRow> ByExternalId(const std::string& external_id) {
    return ReadBack(
        [&] { return backend_->SelectMergeByExternalId(external_id); });
  }
  std::vector<MergeRow> RowsOf(int64_t merge_id) {
    return ReadBack([&] { return backend_->SelectMergeRows(merge_id); });
  }
  std::vector<MergeRow> BySurvivor(int64_t survivor_id, bool with_snapshots) {
    return ReadBack([&] {
      return backend_->SelectMergesBySurvivor(survivor_id, with_snapshots);
    });
  }
  std::vector<MergeRow> After(int64_t after_id, int64_t limit) {
    return ReadBack(
        [&] { return backend_->SelectMergesAfter(after_id, limit); });
  }

  int64_t InsertCustomer(const std::string& name) {
    int64_t id = 0;
    Write([&] {
      auto inserted = backend_->InsertCustomer(
          1000, 1000, ColumnValues{{"name"}, {SqlValue(name)}});
      ASSERT_TRUE(inserted.ok()) << inserted.status();
      id = *inserted;
    });
    return id;
  }

  // Appends an event of type `type` ("call" unless given) to `customer` at
  // `occurred_at_us`; returns its stamp.
  Stamp AddEvent(int64_t customer, int64_t occurred_at_us,
                 const std::string& type = "call") {
    Stamp stamp{occurred_at_us, 0, customer};
    Write([&] {
      auto type_id = backend_->InternString(type);
      ASSERT_TRUE(type_id.ok()) << type_id.status();
      EventRow row;
      row.customer_id = customer;
      row.occurred_at_us = occurred_at_us;
      row.recorded_at_us = 1000;
      row.body = "b";
      auto seq = backend_->InsertEvent(row, EventIds{*type_id});
      ASSERT_TRUE(seq.ok()) << seq.status();
      stamp.seq = *seq;
    });
    return stamp;
  }

  std::vector<Stamp> Timeline(const TimelineQuery& query) {
    std::vector<EventRow> events =
        ReadBack([&] { return backend_->SelectTimeline(texts_, query); });
    std::vector<Stamp> stamps;
    for (const EventRow& event : events) {
      stamps.push_back({event.occurred_at_us, event.seq, event.customer_id});
    }
    return stamps;
  }

  // Every page of `query` (keyset paging, `page` events each), joined.
  std::vector<Stamp> AllPages(TimelineQuery query, int64_t page) {
    query.limit = page;
    std::vector<Stamp> all;
    for (int pages = 0; pages < 1000; ++pages) {
      std::vector<Stamp> next = Timeline(query);
      EXPECT_LE(static_cast<int64_t>(next.size()), page);
      all.insert(all.end(), next.begin(), next.end());
      if (static_cast<int64_t>(next.size()) < page) break;
      query.after_occurred_us = next.back().occurred_at_us;
      query.after_seq = next.back().seq;
    }
    return all;
  }

  static std::vector<Stamp> Sorted(std::vector<Stamp> stamps,
                                   bool newest_first) {
    std::sort(stamps.begin(), stamps.end(),
              [&](const Stamp& a, const Stamp& b) {
                auto ka = std::tie(a.occurred_at_us, a.seq);
                auto kb = std::tie(b.occurred_at_us, b.seq);
                return newest_first ? kb < ka : ka < kb;
              });
    return stamps;
  }

  std::filesystem::path dir_;
  std::string server_url_;
  std::string schema_;
  std::unique_ptr<postgres::Connection> admin_;
  std::unique_ptr<Backend> backend_;
  InternedTexts texts_;
};

INSTANTIATE_TEST_SUITE_P(Backends, MergeStoreTest,
                         testing::Values(Kind::kSqlite, Kind::kPostgres),
                         KindName);

// ---- the merge table --------------------------------------------------------

TEST_P(MergeStoreTest, AMergeIsStoredAndReadBackByItsMergedId) {
  const MergeRow with_external = Merge(10, 500, 3, 4, "ext-10");
  const MergeRow without = Merge(11, 500, 3, 4);
  InsertMerges({with_external, without});
  std::optional<MergeRow> found = SelectMerge(10);
  ASSERT_TRUE(found.has_value());
  ExpectSameRow(*found, with_external);
  found = SelectMerge(11);
  ASSERT_TRUE(found.has_value());
  ExpectSameRow(*found, without);
  EXPECT_FALSE(SelectMerge(12).has_value());
  EXPECT_FALSE(SelectMerge(3).has_value());  // merged into, not merged
}

TEST_P(MergeStoreTest, AMergedIdHasOneRowAtMost) {
  InsertMerges({Merge(10, 500, 3, 3)});
  {
    auto scope = Scope::Begin(*backend_, ScopeKind::kWrite);
    ASSERT_TRUE(scope.ok()) << scope.status();
    absl::Status again = backend_->InsertMerge(Merge(10, 600, 4, 4));
    EXPECT_EQ(CodeOf(again), ErrorCode::kConstraint) << again;
    EXPECT_EQ(RuleIdOf(again), Rule::kUnique) << again;
  }  // rolled back
  std::optional<MergeRow> kept = SelectMerge(10);
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->merge_id, 500);
}

TEST_P(MergeStoreTest, AnExternalIdFindsTheRowOfTheLatestMerge) {
  InsertMerges({Merge(20, 700, 1, 1, "A"), Merge(12, 900, 2, 2, "A"),
                Merge(11, 900, 2, 2, "A"), Merge(13, 800, 2, 2, "A"),
                Merge(30, 950, 2, 2, "a"), Merge(31, 990, 2, 2)});
  std::optional<MergeRow> latest = ByExternalId("A");
  ASSERT_TRUE(latest.has_value());
  // Merge 900, the highest; of its rows, merged id 12.
  EXPECT_EQ(latest->merged_id, 12);
  EXPECT_EQ(latest->merge_id, 900);
  EXPECT_EQ(latest->snapshot, Merge(12, 900, 2, 2).snapshot);
  // Byte for byte: no case folding, no trimming.
  latest = ByExternalId("a");
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->merged_id, 30);
  EXPECT_FALSE(ByExternalId("A ").has_value());
  EXPECT_FALSE(ByExternalId("B").has_value());
  // A row without an external id is not found by "".
  EXPECT_FALSE(ByExternalId("").has_value());
}

TEST_P(MergeStoreTest, AMergesRowsAreReadAndDeletedTogether) {
  InsertMerges({Merge(14, 500, 3, 3), Merge(12, 500, 3, 3),
                Merge(13, 600, 3, 3), Merge(16, 500, 14, 3)});
  std::vector<MergeRow> rows = RowsOf(500);
  EXPECT_EQ(MergedIds(rows), (std::vector<int64_t>{12, 14, 16}));
  ASSERT_EQ(rows.size(), 3u);
  ExpectSameRow(rows[2], Merge(16, 500, 14, 3));
  EXPECT_TRUE(RowsOf(700).empty());
  Write([&] {
    auto removed = backend_->DeleteMerge(500);
    ASSERT_TRUE(removed.ok()) << removed.status();
    EXPECT_EQ(*removed, 3);
    removed = backend_->DeleteMerge(500);
    ASSERT_TRUE(removed.ok()) << removed.status();
    EXPECT_EQ(*removed, 0);
  });
  EXPECT_TRUE(RowsOf(500).empty());
  EXPECT_FALSE(SelectMerge(12).has_value());
  EXPECT_EQ(MergedIds(RowsOf(600)), (std::vector<int64_t>{13}));
}

TEST_P(MergeStoreTest, SurvivorsAreFoundAndMoved) {
  InsertMerges(
      {Merge(12, 500, 3, 5), Merge(10, 400, 5, 5), Merge(11, 450, 6, 6)});
  std::vector<MergeRow> rows = BySurvivor(5, true);
  ASSERT_EQ(MergedIds(rows), (std::vector<int64_t>{10, 12}));
  ExpectSameRow(rows[0], Merge(10, 400, 5, 5));
  ExpectSameRow(rows[1], Merge(12, 500, 3, 5));
  // Without snapshots: the same rows, their snapshots empty.
  rows = BySurvivor(5, false);
  ASSERT_EQ(MergedIds(rows), (std::vector<int64_t>{10, 12}));
  EXPECT_EQ(rows[1].merge_id, 500);
  EXPECT_EQ(rows[1].into_id, 3);
  EXPECT_EQ(rows[1].survivor_id, 5);
  EXPECT_EQ(rows[0].snapshot, "");
  EXPECT_EQ(rows[1].snapshot, "");
  EXPECT_TRUE(BySurvivor(3, true).empty());

  Write([&] {
    ASSERT_OK(backend_->SetMergeSurvivor({10, 11}, 7));
    ASSERT_OK(backend_->SetMergeSurvivor({}, 9));
    ASSERT_OK(backend_->SetMergeSurvivor({99}, 9));  // no such row
  });
  rows = BySurvivor(7, true);
  ASSERT_EQ(MergedIds(rows), (std::vector<int64_t>{10, 11}));
  EXPECT_EQ(rows[0].into_id, 5);  // only the survivor moves
  EXPECT_EQ(rows[1].into_id, 6);
  EXPECT_EQ(rows[1].merge_id, 450);
  EXPECT_EQ(MergedIds(BySurvivor(5, true)), (std::vector<int64_t>{12}));
  EXPECT_TRUE(BySurvivor(6, true).empty());
  EXPECT_TRUE(BySurvivor(9, true).empty());
}

TEST_P(MergeStoreTest, RowsArePagedByMergedId) {
  InsertMerges({Merge(3, 500, 1, 1), Merge(1, 500, 2, 2), Merge(9, 501, 2, 2),
                Merge(4, 502, 2, 2), Merge(7, 503, 2, 2, "seven")});
  EXPECT_EQ(MergedIds(After(0, 2)), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(MergedIds(After(3, 2)), (std::vector<int64_t>{4, 7}));
  std::vector<MergeRow> last = After(7, 2);
  ASSERT_EQ(MergedIds(last), (std::vector<int64_t>{9}));
  ExpectSameRow(last[0], Merge(9, 501, 2, 2));  // snapshots included
  EXPECT_TRUE(After(9, 2).empty());
  EXPECT_EQ(MergedIds(After(2, -1)), (std::vector<int64_t>{3, 4, 7, 9}));
  ExpectSameRow(After(4, 1)[0], Merge(7, 503, 2, 2, "seven"));
}

TEST_P(MergeStoreTest, MergesBelongToTheirWorkspace) {
  InsertMerges({Merge(10, 500, 3, 3, "x")});
  std::unique_ptr<Backend> other = Open("other");
  ASSERT_NE(other, nullptr);
  InScope(
      ScopeKind::kRead,
      [&] {
        auto found = other->SelectMerge(10);
        ASSERT_TRUE(found.ok()) << found.status();
        EXPECT_FALSE(found->has_value());
        auto by_external = other->SelectMergeByExternalId("x");
        ASSERT_TRUE(by_external.ok()) << by_external.status();
        EXPECT_FALSE(by_external->has_value());
        auto after = other->SelectMergesAfter(0, 10);
        ASSERT_TRUE(after.ok()) << after.status();
        EXPECT_TRUE(after->empty());
      },
      other.get());
  EXPECT_TRUE(SelectMerge(10).has_value());
}

// ---- customers by ids -------------------------------------------------------

TEST_P(MergeStoreTest, CustomersAreSelectedByIds) {
  const int64_t ada = InsertCustomer("Ada");
  const int64_t bob = InsertCustomer("Bob");
  const int64_t cy = InsertCustomer("Cy");
  Write([&] { ASSERT_OK(backend_->DeleteCustomer(bob)); });
  Read([&] {
    auto rows = backend_->SelectCustomers({"name"}, {ada, bob, cy, cy + 100});
    ASSERT_TRUE(rows.ok()) << rows.status();
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0].id, ada);
    EXPECT_EQ((*rows)[0].version, 1);
    EXPECT_EQ((*rows)[0].created_at_us, 1000);
    EXPECT_EQ((*rows)[0].values, std::vector<SqlValue>{SqlValue("Ada")});
    EXPECT_EQ((*rows)[1].id, cy);
    EXPECT_EQ((*rows)[1].values, std::vector<SqlValue>{SqlValue("Cy")});
    auto bare = backend_->SelectCustomers({}, {cy});
    ASSERT_TRUE(bare.ok()) << bare.status();
    ASSERT_EQ(bare->size(), 1u);
    EXPECT_EQ((*bare)[0].id, cy);
    EXPECT_TRUE((*bare)[0].values.empty());
    auto none = backend_->SelectCustomers({"name"}, {});
    ASSERT_TRUE(none.ok()) << none.status();
    EXPECT_TRUE(none->empty());
  });
}

// A write that read customers by ids keeps others from changing them until
// it ends (PostgreSQL: row locks; SQLite: the file's one writer).
TEST_P(MergeStoreTest, AWriteHoldsTheCustomersItSelected) {
  const int64_t ada = InsertCustomer("Ada");
  const int64_t bob = InsertCustomer("Bob");
  ConnectionOptions impatient;
  impatient.busy_timeout_ms = 50;
  std::unique_ptr<Backend> other = Open("main", impatient);
  ASSERT_NE(other, nullptr);
  // Other's update of `id`, in a write scope of its own.
  auto update = [&](int64_t id) {
    auto scope = Scope::Begin(*other, ScopeKind::kWrite);
    if (!scope.ok()) return scope.status();
    absl::Status status = other->UpdateCustomer(
        id, 2, 2000, ColumnValues{{"name"}, {SqlValue("changed")}});
    if (!status.ok()) return status;
    return scope->Commit();
  };
  auto scope = Scope::Begin(*backend_, ScopeKind::kWrite);
  ASSERT_TRUE(scope.ok()) << scope.status();
  auto rows = backend_->SelectCustomers({"name"}, {ada});
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  absl::Status blocked = update(ada);
  EXPECT_EQ(CodeOf(blocked), ErrorCode::kBusy) << blocked;
  if (GetParam() == Kind::kPostgres) {
    ASSERT_OK(update(bob));  // a row lock, not the workspace's
  }
  ASSERT_OK(scope->Commit());
  ASSERT_OK(update(ada));
}

// ---- timelines spanning merged customers -----------------------------------

class MergedTimelineTest : public MergeStoreTest {
 protected:
  void SetUp() override {
    MergeStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    survivor_ = InsertCustomer("survivor");
    merged_a_ = InsertCustomer("a");
    merged_b_ = InsertCustomer("b");
    other_ = InsertCustomer("other");
    // Times repeat across customers: seq orders events at the same time.
    const int64_t times[][2] = {{0, 50}, {1, 20}, {2, 50}, {0, 10},
                                {3, 50}, {1, 70}, {2, 5},  {0, 70},
                                {1, 50}, {2, 90}, {0, 30}, {3, 20}};
    const int64_t customers[] = {survivor_, merged_a_, merged_b_, other_};
    for (const auto& [customer, at] : times) {
      Stamp stamp = AddEvent(customers[customer], at);
      if (customers[customer] != other_) spanned_.push_back(stamp);
    }
    Stamp email = AddEvent(merged_a_, 60, "email");
    spanned_.push_back(email);
    emails_.push_back(email);
  }

  TimelineQuery Spanning() const {
    TimelineQuery query;
    query.customer_id = survivor_;
    query.merged_ids = {merged_a_, merged_b_};
    return query;
  }

  int64_t survivor_ = 0, merged_a_ = 0, merged_b_ = 0, other_ = 0;
  std::vector<Stamp> spanned_;  // the events of survivor, a and b
  std::vector<Stamp> emails_;
};

INSTANTIATE_TEST_SUITE_P(Backends, MergedTimelineTest,
                         testing::Values(Kind::kSqlite, Kind::kPostgres),
                         KindName);

TEST_P(MergedTimelineTest, HoldsTheEventsOfTheMergedCustomersInOrder) {
  for (bool newest_first : {true, false}) {
    TimelineQuery query = Spanning();
    query.newest_first = newest_first;
    EXPECT_EQ(Timeline(query), Sorted(spanned_, newest_first))
        << "newest first: " << newest_first;
  }
  // Without merged ids: the customer's own events only.
  TimelineQuery own;
  own.customer_id = survivor_;
  std::vector<Stamp> expected;
  for (const Stamp& stamp : spanned_) {
    if (stamp.customer_id == survivor_) expected.push_back(stamp);
  }
  EXPECT_EQ(Timeline(own), Sorted(expected, true));
}

TEST_P(MergedTimelineTest, PagesByKeysetAcrossTheMergedCustomers) {
  for (bool newest_first : {true, false}) {
    for (int64_t page : {1, 2, 3, 5}) {
      TimelineQuery query = Spanning();
      query.newest_first = newest_first;
      EXPECT_EQ(AllPages(query, page), Sorted(spanned_, newest_first))
          << "newest first: " << newest_first << ", page " << page;
    }
  }
}

TEST_P(MergedTimelineTest, WindowsTypesAndLimitsApplyToEveryCustomer) {
  TimelineQuery query = Spanning();
  query.from_us = 20;
  query.to_us = 70;  // exclusive
  std::vector<Stamp> expected;
  for (const Stamp& stamp : spanned_) {
    if (stamp.occurred_at_us >= 20 && stamp.occurred_at_us < 70) {
      expected.push_back(stamp);
    }
  }
  ASSERT_GT(expected.size(), 3u);
  EXPECT_EQ(AllPages(query, 2), Sorted(expected, true));
  query.limit = 3;
  std::vector<Stamp> first = Sorted(expected, true);
  first.resize(3);
  EXPECT_EQ(Timeline(query), first);

  TimelineQuery emails = Spanning();
  Read([&] {
    auto type = backend_->FindString("email");
    ASSERT_TRUE(type.ok() && type->has_value());
    emails.type_ids = {**type};
  });
  EXPECT_EQ(Timeline(emails), emails_);
}

// More merged customers than SQLite merges arm by arm (event_table.cc): the
// same order and pages.
TEST_P(MergedTimelineTest, ManyMergedCustomersArePagedAlike) {
  TimelineQuery query = Spanning();
  std::vector<Stamp> expected = spanned_;
  for (int i = 0; i < 120; ++i) {
    const int64_t id = InsertCustomer(absl::StrCat("m", i));
    query.merged_ids.push_back(id);
    expected.push_back(AddEvent(id, (i * 37) % 100));
  }
  for (bool newest_first : {true, false}) {
    query.newest_first = newest_first;
    EXPECT_EQ(AllPages(query, 40), Sorted(expected, newest_first))
        << "newest first: " << newest_first;
  }
}

}  // namespace
}  // namespace crm::store
