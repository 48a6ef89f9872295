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
