// Customer records: create, read, partial update, delete, upsert, versions.
#include "test_support.h"

namespace crm_test {
namespace {

class CustomerTest : public ::testing::Test {
 protected:
  Db db_ = OpenDb(":memory:");

  int64_t CreatePerson(const char* name, const char* email,
                       const char* external_id = nullptr) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", name);
    if (email) crm_record_set_text(record.get(), "email", email);
    if (external_id) {
      crm_record_set_text(record.get(), "external_id", external_id);
    }
    return Create(db_.get(), record.get());
  }
};

TEST_F(CustomerTest, CreateAssignsIdsVersionAndTimes) {
  int64_t first = CreatePerson("Ada", "ada@example.com");
  int64_t second = CreatePerson("Bob", "bob@example.com");
  EXPECT_GT(first, 0);
  EXPECT_NE(first, second);
  Record got = Get(db_.get(), first);
  EXPECT_EQ(crm_record_id(got.get()), first);
  EXPECT_EQ(crm_record_version(got.get()), 1);
  int64_t created = 0, updated = 0;
  ASSERT_EQ(crm_record_get_datetime(&created, got.get(), "created_at"), CRM_OK);
  ASSERT_EQ(crm_record_get_datetime(&updated, got.get(), "updated_at"), CRM_OK);
  EXPECT_EQ(created, updated);
  EXPECT_GT(created, 1700000000000000);  // after 2023
  EXPECT_EQ(Text(got.get(), "email"), "ada@example.com");
}

TEST_F(CustomerTest, ReadByEmailIgnoresCaseAndByExternalId) {
  int64_t id = CreatePerson("Ada", "Ada.Lovelace@Example.com", "ERP-7");
  crm_record* raw = nullptr;
  ASSERT_EQ(
      crm_customer_get_by_email(&raw, db_.get(), "ada.lovelace@example.COM"),
      CRM_OK);
  Record by_email(raw);
  EXPECT_EQ(crm_record_id(by_email.get()), id);
  ASSERT_EQ(crm_customer_get_by_external_id(&raw, db_.get(), "ERP-7"), CRM_OK);
  Record by_external(raw);
  EXPECT_EQ(crm_record_id(by_external.get()), id);
  EXPECT_EQ(crm_customer_get_by_external_id(&raw, db_.get(), "erp-7"),
            CRM_E_NOT_FOUND);
  EXPECT_EQ(raw, nullptr);
  EXPECT_EQ(crm_customer_get(&raw, db_.get(), id + 100), CRM_E_NOT_FOUND);
}

TEST_F(CustomerTest, EmailIsUniqueIgnoringCase) {
  CreatePerson("Ada", "ada@example.com");
  Record record = NewRecord();
  crm_record_set_text(record.get(), "email", "ADA@example.com");
  int64_t id = 0;
  EXPECT_CRM_ERROR(crm_customer_create(&id, db_.get(), record.get(), nullptr),
                   CRM_E_CONSTRAINT, "email", "unique");
  EXPECT_EQ(id, 0);
  EXPECT_EQ(Count(db_.get()), 1);
}

TEST_F(CustomerTest, PartialUpdateChangesOnlyGivenFields) {
  int64_t id = CreatePerson("Ada", "ada@example.com");
  Record changes = NewRecord();
  crm_record_set_text(changes.get(), "city", "London");
  crm_record_set_null(changes.get(), "email");
  int64_t version = 0;
  ASSERT_EQ(
      crm_customer_update(&version, db_.get(), id, 1, changes.get(), "alice"),
      CRM_OK);
  EXPECT_EQ(version, 2);
  Record got = Get(db_.get(), id);
  EXPECT_EQ(Text(got.get(), "name"), "Ada");
  EXPECT_EQ(Text(got.get(), "city"), "London");
  EXPECT_EQ(crm_record_kind(got.get(), "email"), CRM_VALUE_NULL);
  EXPECT_EQ(crm_record_version(got.get()), 2);
}

TEST_F(CustomerTest, StaleVersionIsAConflictAndChangesNothing) {
  int64_t id = CreatePerson("Ada", nullptr);
  Record first = NewRecord();
  crm_record_set_text(first.get(), "city", "Paris");
  ASSERT_EQ(
      crm_customer_update(nullptr, db_.get(), id, 1, first.get(), nullptr),
      CRM_OK);
  Record second = NewRecord();
  crm_record_set_text(second.get(), "city", "Rome");
  int64_t version = -1;
  EXPECT_EQ(
      crm_customer_update(&version, db_.get(), id, 1, second.get(), nullptr),
      CRM_E_CONFLICT);
  EXPECT_EQ(version, 0);
  Record got = Get(db_.get(), id);
  EXPECT_EQ(Text(got.get(), "city"), "Paris");
  EXPECT_EQ(crm_record_version(got.get()), 2);
  EXPECT_EQ(crm_customer_delete(db_.get(), id, 1, nullptr), CRM_E_CONFLICT);
  EXPECT_EQ(Count(db_.get()), 1);
}

TEST_F(CustomerTest, FailedUpdateLeavesRecordUnchanged) {
  Define(db_.get(), R"({"name": "seats", "type": "integer", "max": "10"})");
  int64_t id = CreatePerson("Ada", nullptr);
  Record changes = NewRecord();
  crm_record_set_text(changes.get(), "city", "Oslo");
  crm_record_set_integer(changes.get(), "seats", 11);
  EXPECT_CRM_ERROR(
      crm_customer_update(nullptr, db_.get(), id, 0, changes.get(), nullptr),
      CRM_E_VALIDATION, "seats", "max");
  Record got = Get(db_.get(), id);
  EXPECT_EQ(Text(got.get(), "city"), "<none>");
  EXPECT_EQ(crm_record_version(got.get()), 1);
}

TEST_F(CustomerTest, DeleteRemovesAndUnknownIdIsNotFound) {
  int64_t id = CreatePerson("Ada", nullptr);
  ASSERT_EQ(crm_customer_delete(db_.get(), id, 0, "alice"), CRM_OK);
  crm_record* raw = nullptr;
  EXPECT_EQ(crm_customer_get(&raw, db_.get(), id), CRM_E_NOT_FOUND);
  EXPECT_EQ(crm_customer_delete(db_.get(), id, 0, nullptr), CRM_E_NOT_FOUND);
  Record changes = NewRecord();
  crm_record_set_text(changes.get(), "name", "x");
  EXPECT_EQ(
      crm_customer_update(nullptr, db_.get(), id, 0, changes.get(), nullptr),
      CRM_E_NOT_FOUND);
}

TEST_F(CustomerTest, ReferencedCustomerCannotBeDeleted) {
  Define(db_.get(), R"({"name": "employer", "type": "reference"})");
  Record company = NewRecord();
  crm_record_set_text(company.get(), "kind", "company");
  crm_record_set_text(company.get(), "name", "Acme");
  int64_t acme = Create(db_.get(), company.get());
  Record person = NewRecord();
  crm_record_set_integer(person.get(), "employer", acme);
  int64_t jane = Create(db_.get(), person.get());
  EXPECT_CRM_ERROR(crm_customer_delete(db_.get(), acme, 0, nullptr),
                   CRM_E_CONSTRAINT, "employer", "reference");
  Record self = NewRecord();
  crm_record_set_integer(self.get(), "employer", jane);
  EXPECT_CRM_ERROR(
      crm_customer_update(nullptr, db_.get(), jane, 0, self.get(), nullptr),
      CRM_E_VALIDATION, "employer", "reference");
  ASSERT_EQ(crm_customer_delete(db_.get(), jane, 0, nullptr), CRM_OK);
  EXPECT_EQ(crm_customer_delete(db_.get(), acme, 0, nullptr), CRM_OK);
}

TEST_F(CustomerTest, UpsertCreatesThenUpdatesByExternalId) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "external_id", "ERP-42");
  crm_record_set_text(record.get(), "name", "Initech");
  int64_t id = 0;
  int created = -1;
  ASSERT_EQ(
      crm_customer_upsert(&id, &created, db_.get(), record.get(), "erp-sync"),
      CRM_OK);
  EXPECT_EQ(created, 1);
  Record again = NewRecord();
  crm_record_set_text(again.get(), "external_id", "ERP-42");
  crm_record_set_text(again.get(), "city", "Austin");
  int64_t same = 0;
  ASSERT_EQ(
      crm_customer_upsert(&same, &created, db_.get(), again.get(), "erp-sync"),
      CRM_OK);
  EXPECT_EQ(created, 0);
  EXPECT_EQ(same, id);
  Record got = Get(db_.get(), id);
  EXPECT_EQ(Text(got.get(), "name"), "Initech");
  EXPECT_EQ(Text(got.get(), "city"), "Austin");
  EXPECT_EQ(Count(db_.get()), 1);
  Record without = NewRecord();
  crm_record_set_text(without.get(), "name", "No key");
  EXPECT_CRM_ERROR(
      crm_customer_upsert(&id, nullptr, db_.get(), without.get(), nullptr),
      CRM_E_VALIDATION, "external_id", "required");
}

TEST_F(CustomerTest, ExternalIdIsUnique) {
  CreatePerson("A", nullptr, "ERP-1");
  Record record = NewRecord();
  crm_record_set_text(record.get(), "external_id", "ERP-1");
  int64_t id = 0;
  EXPECT_CRM_ERROR(crm_customer_create(&id, db_.get(), record.get(), nullptr),
                   CRM_E_CONSTRAINT, "external_id", "unique");
}

TEST_F(CustomerTest, SettingAFieldTwiceKeepsTheLastValue) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "First");
  crm_record_set_text(record.get(), "name", "Second");
  EXPECT_EQ(crm_record_field_count(record.get()), 1u);
  int64_t id = Create(db_.get(), record.get());
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "name"), "Second");
}

TEST_F(CustomerTest, CompanyAndPersonKinds) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "kind", "company");
  int64_t id = Create(db_.get(), record.get());
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "kind"), "company");
  Record bad = NewRecord();
  crm_record_set_text(bad.get(), "kind", "robot");
  EXPECT_CRM_ERROR(crm_customer_create(&id, db_.get(), bad.get(), nullptr),
                   CRM_E_VALIDATION, "kind", "options");
}

}  // namespace
}  // namespace crm_test
