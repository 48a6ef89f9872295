// A handle sees field changes made through another handle or process at its
// next call: reads check the schema cheaply and queries reuse checked
// filters, and neither may answer from a schema that is out of date.
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "test_support.h"

namespace crm_test {
namespace {

class SchemaFreshnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("shared.crm");
    reader_ = OpenDb(path_);
    writer_ = OpenDb(path_);
  }

  // Customers matching `filter` with integer parameter 1 = `value`, as
  // `reader_` counts them; -1 with the error when the call fails.
  int64_t CountWhere(const char* filter, int64_t value) {
    Query query = NewQuery(filter);
    crm_record_set_integer(crm_query_params(query.get()), "1", value);
    int64_t count = -1;
    if (crm_query_count(&count, reader_.get(), query.get()) != CRM_OK) {
      last_error_ = crm_last_error_message();
      return -1;
    }
    return count;
  }

  // Customers matching `filter`, which holds no parameter (so that its
  // checked condition is kept whole), as `reader_` counts them; -1 on error.
  int64_t CountConstant(const char* filter) {
    Query query = NewQuery(filter);
    int64_t count = -1;
    if (crm_query_count(&count, reader_.get(), query.get()) != CRM_OK) {
      last_error_ = crm_last_error_message();
      return -1;
    }
    return count;
  }

  // The ids `reader_` finds for `filter` with parameter 1 = `value`, as
  // text ("3,5"), or "error" when the call fails.
  std::string IdsWhere(const char* filter, int64_t value) {
    Query query = NewQuery(filter);
    crm_record_set_integer(crm_query_params(query.get()), "1", value);
    crm_rows* raw = nullptr;
    if (crm_query_run(&raw, reader_.get(), query.get()) != CRM_OK) {
      last_error_ = crm_last_error_message();
      return "error";
    }
    Rows rows(raw);
    std::string ids;
    for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
      if (!ids.empty()) ids += ",";
      ids += std::to_string(crm_record_id(crm_rows_at(rows.get(), i)));
    }
    return ids;
  }

  static Query NewQuery(const char* filter) {
    crm_query* raw = nullptr;
    EXPECT_EQ(crm_query_new(&raw, CRM_QUERY_CUSTOMERS), CRM_OK);
    Query query(raw);
    EXPECT_EQ(crm_query_set_filter(query.get(), filter), CRM_OK);
    return query;
  }

  int64_t CreateWithScore(crm_db* db, const char* field, int64_t score) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", "scored");
    crm_record_set_integer(record.get(), field, score);
    return Create(db, record.get());
  }

  TempDir dir_;
  std::string path_;
  Db reader_;
  Db writer_;
  std::string last_error_;
};

TEST_F(SchemaFreshnessTest, ReadsSeeAFieldAnotherHandleDefined) {
  int64_t plain = CreateNamed(writer_.get(), "plain");
  // The reader's schema and checks are warm before the change, and its last
  // call before it succeeded.
  EXPECT_EQ(CountWhere("score = ?", 7), -1);
  EXPECT_EQ(Text(Get(reader_.get(), plain).get(), "name"), "plain");
  Define(writer_.get(), R"({"name": "score", "type": "integer"})");
  int64_t scored = CreateWithScore(writer_.get(), "score", 7);
  int64_t value = 0;
  Record got = Get(reader_.get(), scored);
  ASSERT_EQ(crm_record_get_integer(&value, got.get(), "score"), CRM_OK)
      << "the reader did not see the new field";
  EXPECT_EQ(value, 7);
  EXPECT_EQ(CountWhere("score = ?", 7), 1) << last_error_;
  EXPECT_EQ(IdsWhere("score = ?", 7), std::to_string(scored));
  // A call that reads nothing but the schema sees it too.
  char* json = nullptr;
  ASSERT_EQ(crm_field_describe(&json, reader_.get(), "score"), CRM_OK)
      << crm_last_error_message();
  crm_string_free(json);
}

TEST_F(SchemaFreshnessTest, CachedFilterFollowsARename) {
  Define(writer_.get(), R"({"name": "score", "type": "integer"})");
  int64_t id = CreateWithScore(writer_.get(), "score", 3);
  EXPECT_EQ(CountWhere("score = ?", 3), 1) << last_error_;
  EXPECT_EQ(IdsWhere("score = ?", 3), std::to_string(id));
  EXPECT_EQ(CountConstant("score = 3"), 1) << last_error_;
  ASSERT_EQ(crm_field_update(writer_.get(), "score", R"({"name": "points"})"),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(CountWhere("score = ?", 3), -1)
      << "a filter checked against the old name was reused";
  EXPECT_EQ(IdsWhere("score = ?", 3), "error");
  EXPECT_EQ(CountConstant("score = 3"), -1)
      << "a constant filter checked against the old name was reused";
  EXPECT_EQ(CountWhere("points = ?", 3), 1) << last_error_;
  EXPECT_EQ(IdsWhere("points = ?", 3), std::to_string(id));
}

TEST_F(SchemaFreshnessTest, CachedFilterFollowsAnArchive) {
  Define(writer_.get(), R"({"name": "score", "type": "integer"})");
  CreateWithScore(writer_.get(), "score", 4);
  EXPECT_EQ(CountWhere("score = ?", 4), 1) << last_error_;
  EXPECT_EQ(CountConstant("score = 4"), 1) << last_error_;
  ASSERT_EQ(crm_field_archive(writer_.get(), "score"), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(CountConstant("score = 4"), -1)
      << "a constant filter on an archived field was reused";
  EXPECT_EQ(CountWhere("score = ?", 4), -1)
      << "a filter on an archived field was answered from the cache";
  EXPECT_EQ(IdsWhere("score = ?", 4), "error");
  // The same text with archived fields included is another query.
  Query archived = NewQuery("score = ?");
  crm_record_set_integer(crm_query_params(archived.get()), "1", 4);
  ASSERT_EQ(crm_query_include_archived(archived.get(), 1), CRM_OK);
  int64_t count = -1;
  EXPECT_EQ(crm_query_count(&count, reader_.get(), archived.get()), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(count, 1);
  ASSERT_EQ(crm_field_restore(writer_.get(), "score"), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(CountWhere("score = ?", 4), 1) << last_error_;
}

TEST_F(SchemaFreshnessTest, CachedFilterFollowsATypeChange) {
  Define(writer_.get(), R"({"name": "score", "type": "integer"})");
  int64_t id = CreateWithScore(writer_.get(), "score", 5);
  EXPECT_EQ(CountWhere("score = ?", 5), 1) << last_error_;
  EXPECT_EQ(CountConstant("score = 5"), 1) << last_error_;
  EXPECT_EQ(CountConstant("score = 5"), 1) << last_error_;
  // As a decimal with scale 2 the value is stored scaled: a condition
  // checked for the integer field would compare with the wrong number.
  ASSERT_EQ(crm_field_update(writer_.get(), "score",
                             R"({"type": "decimal", "scale": 2})"),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(CountWhere("score = ?", 5), 1) << last_error_;
  EXPECT_EQ(IdsWhere("score = ?", 5), std::to_string(id));
  EXPECT_EQ(CountWhere("score > ?", 4), 1) << last_error_;
  EXPECT_EQ(CountWhere("score > ?", 5), 0) << last_error_;
  EXPECT_EQ(CountConstant("score = 5"), 1)
      << "a condition checked for the integer field was reused";
  EXPECT_EQ(CountConstant("score = 5.00"), 1) << last_error_;
  const char* decimal = nullptr;
  Record got = Get(reader_.get(), id);
  ASSERT_EQ(crm_record_get_decimal(&decimal, got.get(), "score"), CRM_OK);
  EXPECT_STREQ(decimal, "5.00");
}

TEST_F(SchemaFreshnessTest, ReadsSeeAFieldAnotherProcessDefined) {
  int64_t plain = CreateNamed(writer_.get(), "plain");
  EXPECT_EQ(CountWhere("level = ?", 2), -1);
  EXPECT_EQ(Text(Get(reader_.get(), plain).get(), "name"), "plain");
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Only the child's own handle is used in the child.
    crm_db* db = nullptr;
    bool ok = OpenOn(&db, path_, nullptr) == CRM_OK;
    int64_t field = 0;
    ok = ok &&
         crm_field_define(&field, db,
                          R"({"name": "level", "type": "integer"})") == CRM_OK;
    crm_record* record = nullptr;
    int64_t id = 0;
    ok = ok && crm_record_new(&record) == CRM_OK &&
         crm_record_set_integer(record, "level", 2) == CRM_OK &&
         crm_customer_create(&id, db, record, "child") == CRM_OK;
    crm_record_free(record);
    crm_close(db);
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(CountWhere("level = ?", 2), 1) << last_error_;
  EXPECT_EQ(CountWhere("level = ?", 3), 0) << last_error_;
}

TEST_F(SchemaFreshnessTest, AFieldRolledBackIsForgotten) {
  EXPECT_EQ(CountWhere("temp = ?", 1), -1);
  ASSERT_EQ(crm_begin(reader_.get()), CRM_OK);
  Define(reader_.get(), R"({"name": "temp", "type": "integer"})");
  EXPECT_EQ(CountWhere("temp = ?", 1), 0) << last_error_;
  ASSERT_EQ(crm_rollback(reader_.get()), CRM_OK);
  EXPECT_EQ(CountWhere("temp = ?", 1), -1)
      << "a filter checked in a rolled-back schema was reused";
  char* json = nullptr;
  EXPECT_EQ(crm_field_describe(&json, reader_.get(), "temp"), CRM_E_NOT_FOUND);
  crm_string_free(json);
  // The other handle's change after the rollback is still seen.
  Define(writer_.get(), R"({"name": "temp", "type": "integer"})");
  EXPECT_EQ(CountWhere("temp = ?", 1), 0) << last_error_;
}

}  // namespace
}  // namespace crm_test
