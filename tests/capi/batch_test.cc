// Bulk writes: one crm.wire.CustomerBatch per call, all or nothing.
#include <string>

#include "crm/crm.pb.h"
#include "test_support.h"

namespace crm_test {
namespace {

// Encodes a batch of (name, email, seats) rows.
std::string EncodeBatch(
    const std::vector<std::tuple<std::string, std::string, int64_t>>& rows,
    const std::string& external_prefix = "") {
  crm::wire::CustomerBatch batch;
  batch.add_columns("name");
  batch.add_columns("email");
  batch.add_columns("seats");
  if (!external_prefix.empty()) batch.add_columns("external_id");
  batch.set_actor("importer");
  int n = 0;
  for (const auto& [name, email, seats] : rows) {
    crm::wire::CustomerRow* row = batch.add_rows();
    row->add_values()->set_text(name);
    if (email.empty()) {
      row->add_values();  // null
    } else {
      row->add_values()->set_text(email);
    }
    row->add_values()->set_integer(seats);
    if (!external_prefix.empty()) {
      row->add_values()->set_text(external_prefix + std::to_string(n++));
    }
  }
  return batch.SerializeAsString();
}

class BatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(db_.get(), R"({"name": "seats", "type": "integer", "min": "0"})");
  }

  int Write(const std::string& bytes, int mode, Report* report) {
    crm_batch_report* raw = nullptr;
    int rc = crm_customer_write_batch(&raw, db_.get(), bytes.data(),
                                      bytes.size(), mode);
    report->reset(raw);
    return rc;
  }

  Db db_ = OpenDb(":memory:");
};

TEST_F(BatchTest, CreatesEveryRowAndReportsIds) {
  std::vector<std::tuple<std::string, std::string, int64_t>> rows;
  for (int i = 0; i < 1000; ++i) {
    rows.emplace_back("Customer " + std::to_string(i),
                      i % 3 ? "c" + std::to_string(i) + "@example.com" : "", i);
  }
  Report report;
  ASSERT_EQ(Write(EncodeBatch(rows), CRM_BATCH_CREATE, &report), CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(crm_batch_report_size(report.get()), 1000u);
  EXPECT_EQ(crm_batch_report_rejected(report.get()), 0u);
  EXPECT_EQ(Count(db_.get()), 1000);
  int64_t id = crm_batch_report_id(report.get(), 500);
  Record got = Get(db_.get(), id);
  EXPECT_EQ(Text(got.get(), "name"), "Customer 500");
  EXPECT_EQ(Text(got.get(), "email"), "c500@example.com");
  EXPECT_EQ(crm_record_kind(got.get(), "email"), CRM_VALUE_TEXT);
  EXPECT_EQ(
      crm_record_kind(
          Get(db_.get(), crm_batch_report_id(report.get(), 3)).get(), "email"),
      CRM_VALUE_NULL);
  EXPECT_EQ(crm_batch_report_created(report.get(), 0), 1);
}

TEST_F(BatchTest, OneBadRowStoresNothingAndEveryProblemIsReported) {
  std::vector<std::tuple<std::string, std::string, int64_t>> rows = {
      {"Ok", "ok@example.com", 1},
      {"Negative seats", "neg@example.com", -5},
      {"Ok too", "ok2@example.com", 2},
      {"Duplicate email", "OK@example.com", 3},
      {"Bad email", "nope", 4},
  };
  Report report;
  EXPECT_EQ(Write(EncodeBatch(rows), CRM_BATCH_CREATE, &report),
            CRM_E_VALIDATION);
  EXPECT_STREQ(crm_last_error_field(), "seats");
  ASSERT_NE(report, nullptr);
  EXPECT_EQ(crm_batch_report_rejected(report.get()), 3u);
  EXPECT_EQ(crm_batch_report_status(report.get(), 0), CRM_OK);
  EXPECT_EQ(crm_batch_report_status(report.get(), 1), CRM_E_VALIDATION);
  EXPECT_STREQ(crm_batch_report_field(report.get(), 1), "seats");
  EXPECT_STREQ(crm_batch_report_rule(report.get(), 1), "min");
  EXPECT_EQ(crm_batch_report_status(report.get(), 3), CRM_E_CONSTRAINT);
  EXPECT_STREQ(crm_batch_report_field(report.get(), 3), "email");
  EXPECT_STREQ(crm_batch_report_rule(report.get(), 4), "format");
  EXPECT_NE(
      std::string(crm_batch_report_message(report.get(), 4)).find("row 4"),
      std::string::npos);
  EXPECT_EQ(crm_batch_report_id(report.get(), 0), 0);  // not stored
  EXPECT_EQ(crm_batch_report_status(report.get(), 99), CRM_E_NOT_FOUND);
  EXPECT_EQ(Count(db_.get()), 0);
}

TEST_F(BatchTest, UpsertCreatesThenUpdatesByExternalId) {
  Report report;
  ASSERT_EQ(Write(EncodeBatch({{"A", "", 1}, {"B", "", 2}}, "ERP-"),
                  CRM_BATCH_UPSERT, &report),
            CRM_OK)
      << crm_last_error_message();
  int64_t first = crm_batch_report_id(report.get(), 0);
  ASSERT_EQ(
      Write(EncodeBatch({{"A renamed", "", 10}, {"B", "", 2}, {"C", "", 3}},
                        "ERP-"),
            CRM_BATCH_UPSERT, &report),
      CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(crm_batch_report_id(report.get(), 0), first);
  EXPECT_EQ(crm_batch_report_created(report.get(), 0), 0);
  EXPECT_EQ(crm_batch_report_created(report.get(), 2), 1);
  EXPECT_EQ(Count(db_.get()), 3);
  EXPECT_EQ(Text(Get(db_.get(), first).get(), "name"), "A renamed");
}

TEST_F(BatchTest, MalformedOrMismatchedBatchesAreRejected) {
  Report report;
  std::string garbage = "\xff\xff\xff\xff this is not protobuf";
  EXPECT_CRM_ERROR(Write(garbage, CRM_BATCH_CREATE, &report),
                   CRM_E_INVALID_ARGUMENT, "", "batch");
  EXPECT_EQ(report, nullptr);

  crm::wire::CustomerBatch batch;
  batch.add_columns("name");
  batch.add_columns("unknown_column");
  batch.add_rows()->add_values()->set_text("x");
  EXPECT_CRM_ERROR(Write(batch.SerializeAsString(), CRM_BATCH_CREATE, &report),
                   CRM_E_VALIDATION, "unknown_column", "unknown_field");

  crm::wire::CustomerBatch short_row;
  short_row.add_columns("name");
  short_row.add_columns("city");
  short_row.add_rows()->add_values()->set_text("only one value");
  EXPECT_EQ(Write(short_row.SerializeAsString(), CRM_BATCH_CREATE, &report),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(crm_batch_report_rule(report.get(), 0), "columns");
  EXPECT_EQ(Write(short_row.SerializeAsString(), 7, &report),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(Count(db_.get()), 0);
}

// The last history event of the log: the one the last write appended.
Event LastEvent(crm_db* db) {
  crm_event_page* raw = nullptr;
  EXPECT_EQ(crm_event_follow(&raw, db, 0, 10000), CRM_OK);
  Page page(raw);
  size_t size = crm_event_page_size(page.get());
  EXPECT_GT(size, 0u);
  crm_event* event = nullptr;
  int64_t seq = crm_event_seq(crm_event_page_at(page.get(), size - 1));
  EXPECT_EQ(crm_event_get(&event, db, seq), CRM_OK);
  return Event(event);
}

TEST_F(BatchTest, AbsentFieldKeepsItsValueAndNullClearsIt) {
  Define(db_.get(), R"({"name": "plan", "type": "choice",
      "options": ["basic", "premium"], "default_value": {"text": "basic"}})");
  crm::wire::CustomerBatch first;
  for (const char* column : {"external_id", "name", "city", "seats", "plan"}) {
    first.add_columns(column);
  }
  crm::wire::CustomerRow* row = first.add_rows();
  row->add_values()->set_text("ERP-1");
  row->add_values()->set_text("Acme");
  row->add_values()->set_text("Oslo");
  row->add_values()->set_integer(5);
  row->add_values()->set_text("premium");
  Report report;
  ASSERT_EQ(Write(first.SerializeAsString(), CRM_BATCH_UPSERT, &report), CRM_OK)
      << crm_last_error_message();
  int64_t id = crm_batch_report_id(report.get(), 0);
  int64_t created_seq = crm_event_seq(LastEvent(db_.get()).get());

  // The CSV of the next import has no city or plan for ERP-1, and an empty
  // seats cell: city and plan are absent (kept), seats is null (cleared).
  // ERP-2 is new: its absent plan takes the default, its city stays empty.
  crm::wire::CustomerBatch second;
  for (const char* column : {"external_id", "name", "city", "seats", "plan"}) {
    second.add_columns(column);
  }
  row = second.add_rows();
  row->add_values()->set_text("ERP-1");
  row->add_values()->set_text("Acme AS");
  row->add_values();   // seats: null
  row->add_absent(2);  // city
  row->add_absent(4);  // plan
  row = second.add_rows();
  row->add_absent(4);
  row->add_absent(2);  // in any order
  row->add_values()->set_text("ERP-2");
  row->add_values()->set_text("Beta");
  row->add_values()->set_integer(3);
  ASSERT_EQ(Write(second.SerializeAsString(), CRM_BATCH_UPSERT, &report),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(crm_batch_report_id(report.get(), 0), id);
  EXPECT_EQ(crm_batch_report_created(report.get(), 0), 0);
  Record acme = Get(db_.get(), id);
  EXPECT_EQ(Text(acme.get(), "name"), "Acme AS");
  EXPECT_EQ(Text(acme.get(), "city"), "Oslo");
  EXPECT_EQ(Text(acme.get(), "plan"), "premium");
  EXPECT_EQ(crm_record_kind(acme.get(), "seats"), CRM_VALUE_NULL);
  EXPECT_EQ(crm_record_version(acme.get()), 2);
  Record beta = Get(db_.get(), crm_batch_report_id(report.get(), 1));
  EXPECT_EQ(Text(beta.get(), "plan"), "basic");
  EXPECT_EQ(crm_record_kind(beta.get(), "city"), CRM_VALUE_NULL);

  // Acme's update changed name and seats, and said nothing of city or plan.
  crm_event_page* raw = nullptr;
  ASSERT_EQ(crm_event_follow(&raw, db_.get(), created_seq, 10), CRM_OK);
  Page page(raw);
  ASSERT_EQ(crm_event_page_size(page.get()), 2u);
  crm_event* update = crm_event_page_at(page.get(), 0);
  EXPECT_STREQ(crm_event_type(update), "crm.record.updated");
  EXPECT_EQ(crm_event_customer(update), id);
  EXPECT_EQ(Text(crm_event_after(update), "name"), "Acme AS");
  EXPECT_EQ(crm_record_kind(crm_event_before(update), "seats"),
            CRM_VALUE_INTEGER);
  for (const char* kept : {"city", "plan"}) {
    EXPECT_EQ(crm_record_kind(crm_event_before(update), kept), CRM_VALUE_NULL)
        << kept;
    EXPECT_EQ(crm_record_kind(crm_event_after(update), kept), CRM_VALUE_NULL)
        << kept;
  }
}

TEST_F(BatchTest, CreateGivesAnAbsentFieldItsDefault) {
  Define(db_.get(), R"({"name": "tier", "type": "integer",
                        "default_value": {"integer": "2"}})");
  crm::wire::CustomerBatch batch;
  batch.add_columns("name");
  batch.add_columns("tier");
  crm::wire::CustomerRow* row = batch.add_rows();
  row->add_values()->set_text("Given");
  row->add_values()->set_integer(7);
  row = batch.add_rows();
  row->add_values()->set_text("Left out");
  row->add_absent(1);
  Report report;
  ASSERT_EQ(Write(batch.SerializeAsString(), CRM_BATCH_CREATE, &report), CRM_OK)
      << crm_last_error_message();
  int64_t tier = 0;
  Record given = Get(db_.get(), crm_batch_report_id(report.get(), 0));
  ASSERT_EQ(crm_record_get_integer(&tier, given.get(), "tier"), CRM_OK);
  EXPECT_EQ(tier, 7);
  Record left_out = Get(db_.get(), crm_batch_report_id(report.get(), 1));
  ASSERT_EQ(crm_record_get_integer(&tier, left_out.get(), "tier"), CRM_OK);
  EXPECT_EQ(tier, 2);
}

TEST_F(BatchTest, MalformedAbsentListsAreRejected) {
  struct Case {
    std::vector<uint32_t> absent;
    int values;
    const char* rule;
  };
  // Two columns: name and city.
  for (const Case& bad :
       {Case{{2}, 2, "absent"}, Case{{1, 1}, 1, "absent"},
        Case{{1}, 2, "columns"}, Case{{0, 1}, 1, "columns"}}) {
    crm::wire::CustomerBatch batch;
    batch.add_columns("name");
    batch.add_columns("city");
    crm::wire::CustomerRow* row = batch.add_rows();
    row->add_values()->set_text("Fine");
    row->add_absent(1);
    row = batch.add_rows();
    for (uint32_t column : bad.absent) row->add_absent(column);
    for (int v = 0; v < bad.values; ++v) row->add_values()->set_text("x");
    Report report;
    EXPECT_EQ(Write(batch.SerializeAsString(), CRM_BATCH_CREATE, &report),
              CRM_E_INVALID_ARGUMENT);
    EXPECT_STREQ(crm_batch_report_rule(report.get(), 1), bad.rule);
    EXPECT_EQ(crm_batch_report_status(report.get(), 0), CRM_OK);
  }
  EXPECT_EQ(Count(db_.get()), 0);
}

TEST_F(BatchTest, TextWithANulByteIsRefusedAsTheRecordSettersRefuseBadText) {
  // What the single-value path says of text it cannot take.
  Record record = NewRecord();
  ASSERT_EQ(crm_record_set_text(record.get(), "name", "bad\xff"),
            CRM_E_INVALID_ARGUMENT);
  std::string single_rule = crm_last_error_rule();
  ASSERT_EQ(single_rule, "utf8");

  const std::string mallory("Mallory\0Admin", 13);
  crm::wire::CustomerBatch names;
  names.add_columns("name");
  names.add_rows()->add_values()->set_text("Fine");
  names.add_rows()->add_values()->set_text(mallory);
  Report report;
  EXPECT_CRM_ERROR(Write(names.SerializeAsString(), CRM_BATCH_CREATE, &report),
                   CRM_E_INVALID_ARGUMENT, "name", single_rule.c_str());
  EXPECT_NE(std::string(crm_last_error_message()).find("NUL"),
            std::string::npos)
      << crm_last_error_message();
  EXPECT_EQ(crm_batch_report_status(report.get(), 0), CRM_OK);
  EXPECT_EQ(crm_batch_report_status(report.get(), 1), CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(crm_batch_report_field(report.get(), 1), "name");

  crm::wire::CustomerBatch tags;
  tags.add_columns("name");
  tags.add_columns("tags");
  crm::wire::CustomerRow* row = tags.add_rows();
  row->add_values()->set_text("Eve");
  row->add_values()->mutable_list()->add_items(std::string("vip\0", 4));
  EXPECT_CRM_ERROR(Write(tags.SerializeAsString(), CRM_BATCH_CREATE, &report),
                   CRM_E_INVALID_ARGUMENT, "tags", "utf8");

  // The same in an upsert that would update, and in the actor.
  ASSERT_EQ(crm_record_set_text(record.get(), "name", "Mallory"), CRM_OK);
  ASSERT_EQ(crm_record_set_text(record.get(), "external_id", "M-1"), CRM_OK);
  int64_t id = Create(db_.get(), record.get());
  crm::wire::CustomerBatch update;
  update.add_columns("external_id");
  update.add_columns("name");
  row = update.add_rows();
  row->add_values()->set_text("M-1");
  row->add_values()->set_text(mallory);
  EXPECT_CRM_ERROR(Write(update.SerializeAsString(), CRM_BATCH_UPSERT, &report),
                   CRM_E_INVALID_ARGUMENT, "name", "utf8");
  update.mutable_rows(0)->mutable_values(1)->set_text("Mallory Admin");
  update.set_actor(std::string("imp\0orter", 9));
  EXPECT_CRM_ERROR(Write(update.SerializeAsString(), CRM_BATCH_UPSERT, &report),
                   CRM_E_INVALID_ARGUMENT, "", "utf8");

  // Nothing of it was stored.
  EXPECT_EQ(Count(db_.get()), 1);
  Record got = Get(db_.get(), id);
  EXPECT_EQ(Text(got.get(), "name"), "Mallory");
  EXPECT_EQ(crm_record_version(got.get()), 1);
}

TEST_F(BatchTest, EmptyBatchIsFine) {
  Report report;
  EXPECT_EQ(Write("", CRM_BATCH_CREATE, &report), CRM_OK);
  EXPECT_EQ(crm_batch_report_size(report.get()), 0u);
  EXPECT_EQ(crm_customer_write_batch(nullptr, db_.get(), nullptr, 0,
                                     CRM_BATCH_CREATE),
            CRM_OK);
}

}  // namespace
}  // namespace crm_test
