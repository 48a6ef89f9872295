// The PostgreSQL event log (store/postgres/event_log.h) against a real
// server: interned strings and seqs numbered per workspace, idempotency keys,
// bodies as bytes, the reads in SQLite's order (store/sqlite's event table),
// and rows the library could not have written read back as named errors or
// left out. Each test works in a schema of its own, which it makes its
// connection's search path, with two workspaces made by the catalog.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "base/error.h"
#include "gtest/gtest.h"
#include "store/postgres/catalog.h"
#include "store/postgres/connection.h"
#include "store/postgres/event_log.h"
#include "store/postgres/high_water.h"
#include "store/postgres/transaction.h"

namespace crm::store::postgres {
namespace {

#define ASSERT_OK(expression)             \
  do {                                    \
    absl::Status status_ = (expression);  \
    ASSERT_TRUE(status_.ok()) << status_; \
  } while (false)

// The value of a StatusOr that must be OK (the test stops otherwise).
#define ASSERT_OK_AND_ASSIGN(lhs, expression)          \
  auto CRM_CONCAT_(test_or_, __LINE__) = (expression); \
  ASSERT_TRUE(CRM_CONCAT_(test_or_, __LINE__).ok())    \
      << CRM_CONCAT_(test_or_, __LINE__).status();     \
  lhs = std::move(*CRM_CONCAT_(test_or_, __LINE__))

// One stored event as a test expects it back.
struct Stored {
  int64_t seq;
  int64_t occurred_at_us;
  int64_t type_id;
  int64_t channel_id;
};

class PostgresEventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("CRM_TEST_POSTGRES_URL");
    ASSERT_NE(url, nullptr) << "CRM_TEST_POSTGRES_URL is not set: run through "
                               "ctest, which starts a server";
    schema_ = std::string("\"e_") +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() +
              "\"";
    auto opened = Connection::Open(url);
    ASSERT_TRUE(opened.ok()) << opened.status();
    connection_ = std::move(*opened);
    Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    Exec("CREATE SCHEMA " + schema_);
    Exec("SET search_path TO " + schema_);
    ASSERT_OK(PrepareDatabase(*connection_));
    // Workspaces as the plugin makes them: created and seeded in one
    // transaction.
    ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
    ASSERT_OK_AND_ASSIGN(a_, CreateWorkspace(*connection_, "a"));
    ASSERT_OK(SeedEventLog(*connection_, a_));
    ASSERT_OK_AND_ASSIGN(b_, CreateWorkspace(*connection_, "b"));
    ASSERT_OK(SeedEventLog(*connection_, b_));
    ASSERT_OK(transaction->Commit());
  }

  void TearDown() override {
    if (connection_ != nullptr) {
      (void)connection_->ExecuteScript("ROLLBACK");
      Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    }
  }

  void Exec(const std::string& sql) {
    absl::Status status = connection_->ExecuteScript(sql);
    ASSERT_TRUE(status.ok()) << sql << ": " << status;
  }

  // The single value a query returns, as text.
  std::string Scalar(const std::string& sql,
                     std::vector<std::optional<std::string>> parameters = {}) {
    auto result = connection_->Execute(sql, parameters);
    EXPECT_TRUE(result.ok()) << sql << ": " << result.status();
    if (!result.ok() || result->rows() != 1) return "<no row>";
    return std::string(result->Text(0, 0));
  }

  int64_t Intern(int64_t workspace, const std::string& text) {
    auto id = InternString(*connection_, workspace, text);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : -1;
  }

  // Appends an event and returns its seq (-1 on failure, which the
  // expectation reports).
  int64_t Append(int64_t workspace, int64_t customer, int64_t occurred_us,
                 int64_t type_id, int64_t channel_id = 0,
                 const std::string& key = "", const std::string& body = "b") {
    return AppendRecorded(workspace, customer, occurred_us,
                          1'700'000'000'000'000, type_id, channel_id, key,
                          body);
  }

  int64_t AppendRecorded(int64_t workspace, int64_t customer,
                         int64_t occurred_us, int64_t recorded_us,
                         int64_t type_id, int64_t channel_id = 0,
                         const std::string& key = "",
                         const std::string& body = "b") {
    EventRow row;
    row.customer_id = customer;
    row.occurred_at_us = occurred_us;
    row.recorded_at_us = recorded_us;
    row.idempotency_key = key;
    row.body = body;
    EventIds ids;
    ids.type = type_id;
    ids.channel = channel_id;
    auto seq = InsertEvent(*connection_, workspace, row, ids);
    EXPECT_TRUE(seq.ok()) << seq.status();
    return seq.ok() ? *seq : -1;
  }

  std::string schema_;
  std::unique_ptr<Connection> connection_;
  int64_t a_ = 0;
  int64_t b_ = 0;
};

std::vector<int64_t> SeqsOf(const std::vector<EventRow>& rows) {
  std::vector<int64_t> seqs;
  for (const EventRow& row : rows) seqs.push_back(row.seq);
  return seqs;
}

TEST_F(PostgresEventLogTest,
       SeedsTheFixedStringsAndNumbersNewOnesPerWorkspace) {
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  const std::pair<const char*, int64_t> fixed[] = {
      {"crm.record.created", kRecordCreatedTypeId},
      {"crm.record.updated", kRecordUpdatedTypeId},
      {"crm.record.deleted", kRecordDeletedTypeId},
      {"crm", kSystemChannelId}};
  for (int64_t workspace : {a_, b_}) {
    for (const auto& [text, id] : fixed) {
      auto found = FindString(*connection_, workspace, text);
      ASSERT_TRUE(found.ok()) << found.status();
      EXPECT_EQ(*found, std::optional<int64_t>(id)) << text;
      EXPECT_EQ(Intern(workspace, text), id) << text;
    }
  }
  EXPECT_EQ(Intern(a_, "call"), 5);
  EXPECT_EQ(Intern(a_, "email"), 6);
  EXPECT_EQ(Intern(a_, "call"), 5);
  // Workspace b numbers its own strings, from 5 too, in its own order.
  EXPECT_EQ(Intern(b_, "email"), 5);
  EXPECT_EQ(Intern(b_, "Call"), 6);  // compared as bytes: not "call"
  EXPECT_EQ(Intern(b_, "call"), 7);
  EXPECT_EQ(*FindString(*connection_, a_, "Call"), std::nullopt);
  EXPECT_EQ(*FindString(*connection_, b_, "email"), std::optional<int64_t>(5));
  EXPECT_EQ(Intern(a_, ""), 7);
  EXPECT_EQ(*FindString(*connection_, a_, ""), std::optional<int64_t>(7));
  ASSERT_OK(transaction->Commit());
  // The next transaction goes on from the workspace's sequence.
  ASSERT_OK_AND_ASSIGN(auto next, Transaction::Begin(*connection_));
  EXPECT_EQ(Intern(a_, "visit"), 8);
  EXPECT_EQ(Intern(b_, "visit"), 8);
}

TEST_F(PostgresEventLogTest, SeqsIncreasePerWorkspaceAndAreNeverReused) {
  {
    ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
    EXPECT_EQ(Append(a_, 1, 10, kRecordCreatedTypeId), 1);
    EXPECT_EQ(Append(a_, 1, 5, kRecordUpdatedTypeId), 2);
    EXPECT_EQ(Append(b_, 1, 10, kRecordCreatedTypeId), 1);
    EXPECT_EQ(Append(a_, 2, 10, kRecordCreatedTypeId), 3);
    ASSERT_OK(transaction->Commit());
  }
  // The newest event deleted: its seq stays used (the sequence never goes
  // back).
  Exec("DELETE FROM crm_events WHERE seq = 3");
  {
    ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
    EXPECT_EQ(Append(a_, 2, 10, kRecordCreatedTypeId), 4);
    EXPECT_EQ(Append(b_, 2, 10, kRecordCreatedTypeId), 2);
    ASSERT_OK(transaction->Commit());
  }
  EXPECT_EQ(Scalar("SELECT string_agg(seq::text, ',' ORDER BY seq) FROM "
                   "crm_events WHERE workspace_id = $1",
                   {std::to_string(a_)}),
            "1,2,4");
}

// Numbers a rolled-back savepoint took stay taken: holes, never a number
// handed out twice. The seq hold the savepoint took is taken again.
TEST_F(PostgresEventLogTest, SavepointsRolledBackLeaveHoles) {
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  Exec("SAVEPOINT first");
  EXPECT_EQ(Append(a_, 1, 10, kRecordCreatedTypeId), 1);
  EXPECT_EQ(Intern(a_, "call"), 5);
  Exec("ROLLBACK TO SAVEPOINT first");
  EXPECT_EQ(Append(a_, 1, 10, kRecordCreatedTypeId), 2);
  Exec("SAVEPOINT second");
  EXPECT_EQ(Append(a_, 1, 10, kRecordCreatedTypeId), 3);
  EXPECT_EQ(Intern(a_, "call"), 6);
  Exec("ROLLBACK TO SAVEPOINT second");
  EXPECT_EQ(Intern(a_, "email"), 7);
  EXPECT_EQ(Append(a_, 1, 10, kRecordCreatedTypeId), 4);
  Exec("RELEASE SAVEPOINT second");
  ASSERT_OK(transaction->Commit());
  EXPECT_EQ(Scalar("SELECT string_agg(seq::text, ',' ORDER BY seq) FROM "
                   "crm_events"),
            "2,4");
}

// An event needs its transaction's seq hold (high_water.h): outside a
// transaction nothing is appended.
TEST_F(PostgresEventLogTest, AppendingOutsideATransactionIsMisuse) {
  EventRow row;
  row.customer_id = 1;
  auto inserted =
      InsertEvent(*connection_, a_, row, EventIds{kRecordCreatedTypeId});
  EXPECT_EQ(CodeOf(inserted.status()), ErrorCode::kMisuse) << inserted.status();
  EXPECT_EQ(Scalar("SELECT count(*) FROM crm_events"), "0");
}

// Two connections append to one workspace at once, at either isolation
// level, with unique seqs; while the first is open, the high-water mark
// stays below its seqs though the second's later seq is committed, and
// passes the first's seqs once it ends (committed or rolled back: a hole).
TEST_F(PostgresEventLogTest, ConcurrentWritersAppendAtOnceBelowTheMark) {
  std::unique_ptr<Connection> reader =
      std::move(*Connection::Open(std::getenv("CRM_TEST_POSTGRES_URL")));
  ASSERT_OK(reader->ExecuteScript("SET search_path TO " + schema_));
  for (const char* isolation : {"READ COMMITTED", "REPEATABLE READ"}) {
    SCOPED_TRACE(isolation);
    const bool commit = std::string(isolation) == "READ COMMITTED";
    std::unique_ptr<Connection> other =
        std::move(*Connection::Open(std::getenv("CRM_TEST_POSTGRES_URL")));
    ASSERT_OK(other->ExecuteScript("SET search_path TO " + schema_ +
                                   "; SET lock_timeout = 100"));
    ASSERT_OK(other->ExecuteScript(std::string("BEGIN ISOLATION LEVEL ") +
                                   isolation));
    ASSERT_OK(other->ExecuteScript("SELECT count(*) FROM crm_events"));
    Exec("BEGIN");
    int64_t first = Append(a_, 1, 10, kRecordCreatedTypeId);
    int64_t second = Append(a_, 1, 11, kRecordCreatedTypeId);
    EXPECT_GT(second, first);
    // The other writer neither waits (lock_timeout 100 ms would fail it
    // as busy) nor takes a seq twice.
    EventRow row;
    row.customer_id = 2;
    absl::StatusOr<int64_t> theirs =
        InsertEvent(*other, a_, row, EventIds{kRecordCreatedTypeId});
    ASSERT_TRUE(theirs.ok()) << theirs.status();
    EXPECT_EQ(*theirs, second + 1);
    ASSERT_OK(other->ExecuteScript("COMMIT"));
    ASSERT_OK_AND_ASSIGN(int64_t open_mark, EventHighWater(*reader, a_));
    EXPECT_EQ(open_mark, first - 1);
    // Workspace b's mark does not see a's holds.
    ASSERT_OK_AND_ASSIGN(int64_t other_workspace, EventHighWater(*reader, b_));
    EXPECT_EQ(other_workspace, 0);
    Exec(commit ? "COMMIT" : "ROLLBACK");
    ASSERT_OK_AND_ASSIGN(int64_t closed_mark, EventHighWater(*reader, a_));
    EXPECT_EQ(closed_mark, *theirs);
  }
  EXPECT_EQ(Scalar("SELECT string_agg(seq::text, ',' ORDER BY seq) FROM "
                   "crm_events"),
            "1,2,3,6");
}

TEST_F(PostgresEventLogTest, AWorkspaceThatDoesNotExistIsNamed) {
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  const int64_t missing = b_ + 100;
  // Without its sequences a workspace's ids cannot be had: the layout is
  // not libcrm's (the backend's scope reports a dropped workspace as
  // kNotFound before any of this, from its crm_counters row).
  auto interned = InternString(*connection_, missing, "call");
  EXPECT_EQ(CodeOf(interned.status()), ErrorCode::kNotWorkspace)
      << interned.status();
  Exec("ROLLBACK");
  Exec("BEGIN");
  EventRow row;
  row.customer_id = 1;
  auto inserted = InsertEvent(*connection_, missing, row,
                              EventIds{kRecordCreatedTypeId, 0, 0, 0});
  EXPECT_EQ(CodeOf(inserted.status()), ErrorCode::kNotWorkspace)
      << inserted.status();
  Exec("ROLLBACK");
  Exec("BEGIN");
  EXPECT_EQ(CodeOf(SeedEventLog(*connection_, missing)), ErrorCode::kNotFound);
}

TEST_F(PostgresEventLogTest, IdempotencyKeysArePerWorkspace) {
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  int64_t first = Append(a_, 1, 10, kRecordCreatedTypeId, 0, "order-1");
  Append(a_, 1, 11, kRecordUpdatedTypeId);  // no key
  Append(a_, 1, 12, kRecordUpdatedTypeId);  // no key either: both stored
  EXPECT_EQ(*FindEventByKey(*connection_, a_, "order-1"),
            std::optional<int64_t>(first));
  EXPECT_EQ(*FindEventByKey(*connection_, b_, "order-1"), std::nullopt);
  EXPECT_EQ(*FindEventByKey(*connection_, a_, "ORDER-1"), std::nullopt);
  // An event without a key is not found by the empty key (stored as NULL).
  EXPECT_EQ(*FindEventByKey(*connection_, a_, ""), std::nullopt);
  int64_t in_b = Append(b_, 1, 10, kRecordCreatedTypeId, 0, "order-1");
  EXPECT_EQ(in_b, 1);
  EXPECT_EQ(*FindEventByKey(*connection_, b_, "order-1"),
            std::optional<int64_t>(in_b));
  InternedTexts texts;
  ASSERT_OK_AND_ASSIGN(std::optional<EventRow> read,
                       SelectEvent(*connection_, a_, texts, first));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->idempotency_key, "order-1");
  ASSERT_OK(transaction->Commit());
  // The same key twice in one workspace is the unique constraint.
  ASSERT_OK_AND_ASSIGN(auto again, Transaction::Begin(*connection_));
  EventRow row;
  row.customer_id = 2;
  row.idempotency_key = "order-1";
  auto twice = InsertEvent(*connection_, a_, row,
                           EventIds{kRecordCreatedTypeId, 0, 0, 0});
  EXPECT_EQ(CodeOf(twice.status()), ErrorCode::kConstraint) << twice.status();
  EXPECT_EQ(RuleOf(twice.status()), "unique");
}

TEST_F(PostgresEventLogTest, AnEventReadsBackWithItsNamesAndFillsTheTexts) {
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  EventRow row;
  row.customer_id = 42;
  row.occurred_at_us = -62'135'596'800'000'000;  // 0001-01-01
  row.recorded_at_us = 253'402'300'799'999'999;  // 9999-12-31T23:59:59.999999
  row.idempotency_key = "k";
  // An encoded EventBody: plan = "pro", seats = 3 (then an unknown field,
  // skipped); the jsonb properties are made from it.
  row.body = std::string(
      "\x0a\x0d\x0a\x04plan\x12\x05\x0a\x03pro"
      "\x0a\x0b\x0a\x05seats\x12\x02\x10\x06\x78\x01",
      30);
  EventIds ids;
  ids.type = Intern(a_, "signup");
  ids.channel = Intern(a_, "web");
  ids.actor = Intern(a_, "ann@example.com");
  ids.source = Intern(a_, "import");
  ASSERT_OK_AND_ASSIGN(int64_t seq, InsertEvent(*connection_, a_, row, ids));
  EXPECT_EQ(Scalar("SELECT properties->>'plan' FROM crm_events WHERE "
                   "workspace_id = $1 AND seq = $2",
                   {std::to_string(a_), std::to_string(seq)}),
            "pro");
  InternedTexts texts;
  ASSERT_OK_AND_ASSIGN(std::optional<EventRow> read,
                       SelectEvent(*connection_, a_, texts, seq));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->seq, seq);
  EXPECT_EQ(read->customer_id, 42);
  EXPECT_EQ(read->occurred_at_us, row.occurred_at_us);
  EXPECT_EQ(read->recorded_at_us, row.recorded_at_us);
  EXPECT_EQ(read->type_id, ids.type);
  EXPECT_EQ(read->type, "signup");
  EXPECT_EQ(read->channel, "web");
  EXPECT_EQ(read->actor, "ann@example.com");
  EXPECT_EQ(read->source, "import");
  EXPECT_EQ(read->idempotency_key, "k");
  EXPECT_EQ(read->body, row.body);
  // The reads filled the cache with the names...
  EXPECT_EQ(texts.at(ids.type), "signup");
  EXPECT_EQ(texts.at(ids.source), "import");
  // ... and use it: a cached text is not looked up again.
  texts[ids.channel] = "cached";
  read = *SelectEvent(*connection_, a_, texts, seq);
  EXPECT_EQ(read->channel, "cached");
  // No properties are NULL; absent names read "".
  row.body.clear();
  row.idempotency_key.clear();
  ASSERT_OK_AND_ASSIGN(int64_t bare,
                       InsertEvent(*connection_, a_, row,
                                   EventIds{kRecordCreatedTypeId, 0, 0, 0}));
  EXPECT_EQ(Scalar("SELECT properties IS NULL FROM crm_events WHERE "
                   "workspace_id = $1 AND seq = $2",
                   {std::to_string(a_), std::to_string(bare)}),
            "t");
  read = *SelectEvent(*connection_, a_, texts, bare);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->type, "crm.record.created");
  EXPECT_EQ(read->channel, "");
  EXPECT_EQ(read->actor, "");
  // Another workspace's seq, or none, is no event.
  EXPECT_EQ(*SelectEvent(*connection_, b_, texts, seq), std::nullopt);
  EXPECT_EQ(*SelectEvent(*connection_, a_, texts, bare + 1), std::nullopt);
}

TEST_F(PostgresEventLogTest, BodiesHoldingEveryByteRoundTrip) {
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  std::string every;
  for (int byte = 0; byte < 256; ++byte)
    every.push_back(static_cast<char>(byte));
  std::string reversed(every.rbegin(), every.rend());
  const std::string bodies[] = {every, reversed, "", std::string(1, '\0'),
                                "\\x41"};
  std::vector<int64_t> seqs;
  for (const std::string& body : bodies) {
    seqs.push_back(Append(a_, 1, 1, kRecordCreatedTypeId, 0, "", body));
  }
  // Stored as the bytes themselves, not as some text of them.
  EXPECT_EQ(Scalar("SELECT octet_length(body) || ':' || get_byte(body, 0) || "
                   "':' || get_byte(body, 255) FROM crm_events WHERE "
                   "workspace_id = $1 AND seq = $2",
                   {std::to_string(a_), std::to_string(seqs[0])}),
            "256:0:255");
  EXPECT_EQ(Scalar("SELECT octet_length(body) FROM crm_events WHERE "
                   "workspace_id = $1 AND seq = $2",
                   {std::to_string(a_), std::to_string(seqs[4])}),
            "4");
  InternedTexts texts;
  for (size_t i = 0; i < seqs.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(std::optional<EventRow> read,
                         SelectEvent(*connection_, a_, texts, seqs[i]));
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(read->body, bodies[i]) << i;
  }
  // Whatever the server's own text form of bytes.
  Exec("SET bytea_output = escape");
  ASSERT_OK_AND_ASSIGN(std::vector<EventRow> after,
                       SelectEventsAfter(*connection_, a_, texts, 0, 100));
  ASSERT_EQ(after.size(), seqs.size());
  for (size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(after[i].body, bodies[i]);
}

// The events of customer 7 in workspace a, with ties in time, three types
// and two channels (or none), among events of other customers and of
// workspace b, paged in every direction and filter the way the core pages:
// each page starts after the last event of the one before.
TEST_F(PostgresEventLogTest, TimelinePagesInSqlitesOrderWithFilters) {
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  const int64_t types[] = {Intern(a_, "call"), Intern(a_, "visit"),
                           kRecordUpdatedTypeId};
  const int64_t channels[] = {0, Intern(a_, "phone"), Intern(a_, "web")};
  Intern(b_, "call");
  std::vector<Stored> stored;
  for (int i = 0; i < 40; ++i) {
    // Times out of seq order, many shared by several events.
    int64_t occurred = ((i * 7) % 11) * 1000 - 3000;
    int64_t type = types[i % 3];
    int64_t channel = channels[(i / 3) % 3];
    int64_t seq = Append(a_, 7, occurred, type, channel);
    stored.push_back({seq, occurred, type, channel});
    Append(a_, 8, occurred, type, channel);  // another customer
    Append(b_, 7, occurred, 5, 0);           // another workspace
  }
  struct Filter {
    std::vector<int64_t> types, channels;
    int64_t from_us = INT64_MIN, to_us = INT64_MAX;
  };
  const Filter filters[] = {
      {},
      {{types[0]}, {}},
      {{types[0], types[2]}, {channels[2]}},
      {{}, {channels[1], channels[2]}},
      {{}, {}, -1000, 4000},
      {{types[1]}, {}, 0, 0},  // an empty range
      {{999}, {}},             // a type no event has
  };
  for (const Filter& filter : filters) {
    for (bool newest_first : {true, false}) {
      for (int64_t limit : {1, 3, 50}) {
        std::vector<Stored> expected;
        for (const Stored& event : stored) {
          auto listed = [](const std::vector<int64_t>& ids, int64_t id) {
            return ids.empty() ||
                   std::find(ids.begin(), ids.end(), id) != ids.end();
          };
          if (!listed(filter.types, event.type_id)) continue;
          // SQLite's IN leaves out events without a channel.
          if (!filter.channels.empty() &&
              (event.channel_id == 0 ||
               !listed(filter.channels, event.channel_id))) {
            continue;
          }
          if (event.occurred_at_us < filter.from_us ||
              event.occurred_at_us >= filter.to_us) {
            continue;
          }
          expected.push_back(event);
        }
        std::sort(expected.begin(), expected.end(),
                  [&](const Stored& x, const Stored& y) {
                    auto kx = std::tie(x.occurred_at_us, x.seq);
                    auto ky = std::tie(y.occurred_at_us, y.seq);
                    return newest_first ? ky < kx : kx < ky;
                  });
        TimelineQuery query;
        query.customer_id = 7;
        query.type_ids = filter.types;
        query.channel_ids = filter.channels;
        query.from_us = filter.from_us;
        query.to_us = filter.to_us;
        query.newest_first = newest_first;
        query.limit = limit;
        std::vector<int64_t> paged;
        InternedTexts texts;
        for (int page = 0; page < 100; ++page) {
          ASSERT_OK_AND_ASSIGN(std::vector<EventRow> rows,
                               SelectTimeline(*connection_, a_, texts, query));
          ASSERT_LE(rows.size(), static_cast<size_t>(limit));
          for (const EventRow& row : rows) {
            EXPECT_EQ(row.customer_id, 7);
            paged.push_back(row.seq);
          }
          if (rows.size() < static_cast<size_t>(limit)) break;
          query.after_occurred_us = rows.back().occurred_at_us;
          query.after_seq = rows.back().seq;
        }
        std::vector<int64_t> expected_seqs;
        for (const Stored& event : expected) expected_seqs.push_back(event.seq);
        EXPECT_EQ(paged, expected_seqs)
            << "newest_first " << newest_first << " limit " << limit
            << " types " << filter.types.size() << " channels "
            << filter.channels.size() << " from " << filter.from_us;
      }
    }
  }
  // A negative limit is none, as on SQLite.
  TimelineQuery all;
  all.customer_id = 7;
  all.limit = -1;
  InternedTexts texts;
  ASSERT_OK_AND_ASSIGN(std::vector<EventRow> rows,
                       SelectTimeline(*connection_, a_, texts, all));
  EXPECT_EQ(rows.size(), stored.size());
  all.limit = 0;
  EXPECT_TRUE(SelectTimeline(*connection_, a_, texts, all)->empty());
}

TEST_F(PostgresEventLogTest, HistoryIsTheRecordEventsKnownAtAnInstantBySeq) {
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  int64_t call = Intern(a_, "call");
  // Valid time (occurred_at) and recorded time differ: a late change is
  // valid at 50 but recorded at 400.
  int64_t created =
      AppendRecorded(a_, 3, 100, 100, kRecordCreatedTypeId, kSystemChannelId);
  AppendRecorded(a_, 3, 150, 150, call);  // not history
  int64_t late = AppendRecorded(a_, 3, 500, 500, kRecordUpdatedTypeId);
  int64_t back = AppendRecorded(a_, 3, 50, 400, kRecordUpdatedTypeId);
  int64_t at = AppendRecorded(a_, 3, 300, 300, kRecordUpdatedTypeId);
  AppendRecorded(a_, 4, 100, 100, kRecordCreatedTypeId);  // another customer
  AppendRecorded(b_, 3, 100, 100, kRecordCreatedTypeId);  // another workspace
  int64_t deleted = AppendRecorded(a_, 3, 600, 300, kRecordDeletedTypeId);
  InternedTexts texts;
  ASSERT_OK_AND_ASSIGN(std::vector<EventRow> known_300,
                       SelectHistory(*connection_, a_, texts, 3, 300));
  // By seq, not by time; `known_at_us` inclusive, on recorded_at.
  EXPECT_EQ(SeqsOf(known_300), (std::vector<int64_t>{created, at, deleted}));
  EXPECT_EQ(known_300[0].type, "crm.record.created");
  EXPECT_EQ(known_300[0].channel, "crm");
  EXPECT_EQ(known_300[2].type, "crm.record.deleted");
  EXPECT_EQ(known_300[2].occurred_at_us, 600);
  EXPECT_EQ(known_300[2].recorded_at_us, 300);
  ASSERT_OK_AND_ASSIGN(std::vector<EventRow> known_400,
                       SelectHistory(*connection_, a_, texts, 3, 400));
  EXPECT_EQ(SeqsOf(known_400),
            (std::vector<int64_t>{created, back, at, deleted}));
  ASSERT_OK_AND_ASSIGN(std::vector<EventRow> everything,
                       SelectHistory(*connection_, a_, texts, 3, INT64_MAX));
  EXPECT_EQ(SeqsOf(everything),
            (std::vector<int64_t>{created, late, back, at, deleted}));
  EXPECT_TRUE(SelectHistory(*connection_, a_, texts, 3, 99)->empty());
}

TEST_F(PostgresEventLogTest, EventsAfterASeqAcrossCustomersBySeq) {
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  std::vector<int64_t> seqs;
  for (int i = 0; i < 6; ++i) {
    seqs.push_back(Append(a_, 10 - i, 1000 - i, kRecordCreatedTypeId));
    Append(b_, 1, 1, kRecordCreatedTypeId);
  }
  InternedTexts texts;
  ASSERT_OK_AND_ASSIGN(std::vector<EventRow> first,
                       SelectEventsAfter(*connection_, a_, texts, 0, 4));
  EXPECT_EQ(SeqsOf(first),
            (std::vector<int64_t>(seqs.begin(), seqs.begin() + 4)));
  ASSERT_OK_AND_ASSIGN(
      std::vector<EventRow> rest,
      SelectEventsAfter(*connection_, a_, texts, first.back().seq, 4));
  EXPECT_EQ(SeqsOf(rest), (std::vector<int64_t>(seqs.begin() + 4, seqs.end())));
  ASSERT_OK_AND_ASSIGN(std::vector<EventRow> unlimited,
                       SelectEventsAfter(*connection_, a_, texts, 2, -1));
  EXPECT_EQ(SeqsOf(unlimited),
            (std::vector<int64_t>(seqs.begin() + 2, seqs.end())));
  EXPECT_TRUE(
      SelectEventsAfter(*connection_, a_, texts, seqs.back(), 10)->empty());
}

// Customers live in crm_customers (migration 3, the backend's); a temporary
// table of that name, which the session finds first, holds just the
// columns the query reads, before and after that migration.
TEST_F(PostgresEventLogTest, CustomersWithoutHistoryArePerWorkspace) {
  Exec(
      "CREATE TEMP TABLE crm_customers (workspace_id bigint, customer_id "
      "bigint)");
  const std::string a = std::to_string(a_);
  const std::string b = std::to_string(b_);
  Exec("INSERT INTO pg_temp.crm_customers VALUES (" + a + ", 4), (" + a +
       ", 1), (" + a + ", 2), (" + a + ", 3), (" + b + ", 1), (" + b + ", 2)");
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  Append(a_, 1, 10, kRecordCreatedTypeId);
  Append(a_, 2, 10, Intern(a_, "call"));  // an event, but no history
  Append(a_, 3, 10, kRecordDeletedTypeId);
  Append(b_, 2, 10, kRecordUpdatedTypeId);
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> in_a,
                       CustomersWithoutHistory(*connection_, a_));
  EXPECT_EQ(in_a, (std::vector<int64_t>{2, 4}));
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> in_b,
                       CustomersWithoutHistory(*connection_, b_));
  EXPECT_EQ(in_b, (std::vector<int64_t>{1}));
  ASSERT_OK(transaction->Commit());
  Exec("DROP TABLE pg_temp.crm_customers");
}

TEST_F(PostgresEventLogTest, EventTypesAreUpsertedAndListedByBytes) {
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  ASSERT_OK(UpsertEventType(*connection_, a_, "order", "{\"v\":1}"));
  ASSERT_OK(UpsertEventType(*connection_, a_, "Zoom", "{}"));
  ASSERT_OK(UpsertEventType(*connection_, a_, "\xc3\xa9t\xc3\xa9", "{}"));
  ASSERT_OK(UpsertEventType(*connection_, a_, "order", "{\"v\":2}"));
  ASSERT_OK(UpsertEventType(*connection_, b_, "refund", "{}"));
  ASSERT_OK_AND_ASSIGN(auto types, LoadEventTypes(*connection_, a_));
  using Types = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(types, (Types{{"Zoom", "{}"},
                          {"order", "{\"v\":2}"},
                          {"\xc3\xa9t\xc3\xa9", "{}"}}));
  EXPECT_EQ(*LoadEventTypes(*connection_, b_), (Types{{"refund", "{}"}}));
}

TEST_F(PostgresEventLogTest, TextThatCannotTravelIsRefusedBeforeTheServer) {
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  Intern(a_, "a");
  // Sent as a C string, "a\0b" would arrive as "a" and find its id.
  const std::string with_nul("a\0b", 3);
  auto interned = InternString(*connection_, a_, with_nul);
  EXPECT_EQ(CodeOf(interned.status()), ErrorCode::kInvalidArgument);
  EXPECT_EQ(RuleOf(interned.status()), "utf8");
  EXPECT_EQ(RuleOf(FindString(*connection_, a_, with_nul).status()), "utf8");
  EXPECT_EQ(RuleOf(FindEventByKey(*connection_, a_, with_nul).status()),
            "utf8");
  EXPECT_EQ(RuleOf(InternString(*connection_, a_, "\xff").status()), "utf8");
  EXPECT_EQ(RuleOf(UpsertEventType(*connection_, a_, "t", with_nul)), "utf8");
  EventRow row;
  row.customer_id = 1;
  row.idempotency_key = with_nul;
  auto inserted =
      InsertEvent(*connection_, a_, row, EventIds{kRecordCreatedTypeId});
  EXPECT_EQ(RuleOf(inserted.status()), "utf8");
  // Nothing reached the server: the transaction is still usable.
  EXPECT_EQ(Intern(a_, "b"), 6);
  ASSERT_OK(transaction->Commit());
}

TEST_F(PostgresEventLogTest, PropertiesTheServerRefusesAsJsonAreNamed) {
  // A body whose properties make JSON the server refuses: a text holding
  // NUL (jsonb has no \u0000).
  const std::string refused[] = {
      std::string("\x0a\x0b\x0a\x03nul\x12\x04\x0a\x02\x61\x00", 13)};
  for (const std::string& body : refused) {
    ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
    EventRow row;
    row.customer_id = 1;
    row.body = body;
    auto inserted =
        InsertEvent(*connection_, a_, row, EventIds{kRecordCreatedTypeId});
    EXPECT_EQ(CodeOf(inserted.status()), ErrorCode::kInvalidArgument)
        << inserted.status();
    EXPECT_EQ(RuleOf(inserted.status()), "json");
  }
  // Rolled back: neither the events nor their seqs were taken.
  EXPECT_EQ(Scalar("SELECT count(*) FROM crm_events"), "0");
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  EXPECT_EQ(Append(a_, 1, 1, kRecordCreatedTypeId), 1);
}

// Rows libcrm could not have written, put there by hand: an event whose type
// names no string is left out of every read (as SQLite leaves it out), a
// channel naming none reads "", and values that are not numbers or not bytes
// are named errors.
TEST_F(PostgresEventLogTest, HostileRowsAreLeftOutOrNamed) {
  {
    ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
    int64_t good = Append(a_, 5, 10, kRecordCreatedTypeId);
    ASSERT_EQ(good, 1);
    ASSERT_OK(transaction->Commit());
  }
  const std::string a = std::to_string(a_);
  Exec(
      "INSERT INTO crm_events (workspace_id, seq, customer_id, "
      "occurred_at_us, recorded_at_us, type_id, channel_id, actor_id, "
      "source_id, body) VALUES "
      "(" +
      a +
      ", 2, 5, 20, 0, 999, NULL, NULL, NULL, '\\x00'), "
      "(" +
      a +
      ", 3, 5, 30, 0, 0, NULL, NULL, NULL, '\\x00'), "
      "(" +
      a +
      ", 4, 5, 40, 0, -2, NULL, NULL, NULL, '\\x00'), "
      "(" +
      a + ", 5, 5, 50, 0, 2, 999, -7, 123456789, '\\x00')");
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  InternedTexts texts;
  for (int64_t seq : {2, 3, 4}) {
    EXPECT_EQ(*SelectEvent(*connection_, a_, texts, seq), std::nullopt) << seq;
  }
  ASSERT_OK_AND_ASSIGN(std::optional<EventRow> odd,
                       SelectEvent(*connection_, a_, texts, 5));
  ASSERT_TRUE(odd.has_value());
  EXPECT_EQ(odd->type, "crm.record.updated");
  EXPECT_EQ(odd->channel, "");
  EXPECT_EQ(odd->actor, "");
  EXPECT_EQ(odd->source, "");
  TimelineQuery query;
  query.customer_id = 5;
  query.limit = 3;
  // The page is cut at the limit first, then the unnamed rows leave it, as
  // on SQLite: 5, 4, 3 -> 5.
  EXPECT_EQ(SeqsOf(*SelectTimeline(*connection_, a_, texts, query)),
            (std::vector<int64_t>{5}));
  EXPECT_EQ(SeqsOf(*SelectEventsAfter(*connection_, a_, texts, 0, 10)),
            (std::vector<int64_t>{1, 5}));
  EXPECT_EQ(SeqsOf(*SelectHistory(*connection_, a_, texts, 5, INT64_MAX)),
            (std::vector<int64_t>{1, 5}));
  ASSERT_OK(transaction->Commit());

  // A table of the same name that the session finds first (a temporary
  // one), holding what no bigint or bytea column could.
  Exec(
      "CREATE TEMP TABLE crm_events (workspace_id bigint, seq text, "
      "customer_id text, occurred_at_us text, recorded_at_us text, type_id "
      "text, channel_id text, actor_id text, source_id text, idempotency_key "
      "text, body bytea)");
  Exec("INSERT INTO pg_temp.crm_events VALUES (" + a +
       ", '1', '99999999999999999999', '0', '0', '1', NULL, NULL, NULL, "
       "NULL, '\\x00')");
  auto too_big = SelectEventsAfter(*connection_, a_, texts, 0, 10);
  EXPECT_EQ(CodeOf(too_big.status()), ErrorCode::kIo) << too_big.status();
  EXPECT_EQ(RuleOf(too_big.status()), "damaged");
  Exec("UPDATE pg_temp.crm_events SET customer_id = '5', channel_id = 'web'");
  auto not_number = SelectEventsAfter(*connection_, a_, texts, 0, 10);
  EXPECT_EQ(RuleOf(not_number.status()), "damaged") << not_number.status();
  // A body that is text, not bytes: the server refuses to encode it...
  Exec("DROP TABLE pg_temp.crm_events");
  Exec(
      "CREATE TEMP TABLE crm_events (workspace_id bigint, seq bigint, "
      "customer_id bigint, occurred_at_us bigint, recorded_at_us bigint, "
      "type_id bigint, channel_id bigint, actor_id bigint, source_id "
      "bigint, idempotency_key text, body text)");
  Exec("INSERT INTO pg_temp.crm_events VALUES (" + a +
       ", 1, 5, 0, 0, 1, NULL, NULL, NULL, NULL, 'not hex!')");
  auto text_body = SelectEvent(*connection_, a_, texts, 1);
  EXPECT_FALSE(text_body.ok());
  EXPECT_NE(CodeOf(text_body.status()), ErrorCode::kInternal);
  // ... and one that a function of the schema hands over as it is is
  // damaged.
  Exec(
      "CREATE FUNCTION encode(text, text) RETURNS text LANGUAGE sql AS "
      "'SELECT $1'");
  text_body = SelectEvent(*connection_, a_, texts, 1);
  EXPECT_EQ(CodeOf(text_body.status()), ErrorCode::kIo) << text_body.status();
  EXPECT_EQ(RuleOf(text_body.status()), "damaged");
  Exec("DROP TABLE pg_temp.crm_events");
}

// Not a check: the measurement the brief asks for, run by hand with
// --gtest_also_run_disabled_tests --gtest_filter='*Measure*'.
TEST_F(PostgresEventLogTest, DISABLED_MeasureAppendsAndALatestPage) {
  using Clock = std::chrono::steady_clock;
  constexpr int kEvents = 100'000;
  ASSERT_OK_AND_ASSIGN(auto transaction, Transaction::Begin(*connection_));
  const int64_t types[] = {Intern(a_, "call"), Intern(a_, "visit")};
  const int64_t channel = Intern(a_, "phone");
  // Property n = 1, then unknown fields up to 60 bytes.
  std::string body = std::string("\x0a\x07\x0a\x01n\x12\x02\x10\x02", 9) +
                     std::string(50, '\x78');
  auto start = Clock::now();
  for (int i = 0; i < kEvents; ++i) {
    EventRow row;
    row.customer_id = 1 + i % 1000;
    row.occurred_at_us = 1'700'000'000'000'000 + i * 1000LL;
    row.recorded_at_us = row.occurred_at_us;
    row.body = body;
    auto seq = InsertEvent(*connection_, a_, row,
                           EventIds{types[i % 2], channel, 0, 0});
    ASSERT_TRUE(seq.ok()) << seq.status();
    if ((i + 1) % 20'000 == 0) {
      std::printf("%d appended after %.2f s\n", i + 1,
                  std::chrono::duration<double>(Clock::now() - start).count());
    }
  }
  ASSERT_OK(transaction->Commit());
  double append_s = std::chrono::duration<double>(Clock::now() - start).count();
  Exec("ANALYZE crm_events");
  TimelineQuery query;
  query.customer_id = 500;
  query.limit = 50;
  constexpr int kReads = 200;
  start = Clock::now();
  for (int i = 0; i < kReads; ++i) {
    InternedTexts texts;  // cold cache: the names are looked up each time
    auto rows = SelectTimeline(*connection_, a_, texts, query);
    ASSERT_TRUE(rows.ok()) << rows.status();
    ASSERT_EQ(rows->size(), 50u);
  }
  double read_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "append %d events in one transaction: %.2f s (%.1f us/event, %.0f "
      "events/s)\nlatest 50 of a customer's 100: %.0f us per read (cold "
      "name cache)\n",
      kEvents, append_s, append_s * 1e6 / kEvents, kEvents / append_s,
      read_s * 1e6 / kReads);
}

}  // namespace
}  // namespace crm::store::postgres
