// Suppression of erased people's emails and phone numbers (crm.h,
// "Suppression"): the crm_suppression_* calls, the refusal of customer
// writes that set a suppressed value, and what is stored (keyed hashes
// only), on both backends.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "crm/crm.pb.h"
#include "test_support.h"

namespace crm_test {
namespace {

std::string Hex(const std::string& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

std::string Unhex(const std::string& hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return bytes;
}

// HMAC-SHA256(key, text), as crm.h says each suppression is stored.
std::string HmacHex(const std::string& key, const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest,
       &size);
  return Hex(std::string(reinterpret_cast<const char*>(digest), size));
}

// What one workspace stores for its suppressions, read behind libcrm's
// back: the key and the hashes (hex, sorted).
struct Stored {
  std::string key_hex;
  std::vector<std::string> hashes_hex;
};

// Lines psql prints for `sql` (unaligned, tuples only).
std::vector<std::string> Psql(const std::string& sql) {
  TempDir dir;
  std::string script = dir.File("script.sql");
  std::ofstream(script) << sql << ";\n";
  std::string command = "psql -q -X -A -t -v ON_ERROR_STOP=1 -d '" +
                        std::string(std::getenv("CRM_TEST_BACKEND_URL")) +
                        "' -f '" + script + "'";
  FILE* pipe = popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  size_t n = 0;
  while (pipe != nullptr && (n = std::fread(buffer, 1, sizeof buffer, pipe))) {
    out.append(buffer, n);
  }
  if (pipe != nullptr) {
    EXPECT_EQ(pclose(pipe), 0) << sql << "\n" << out;
  }
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    if (end > start) lines.push_back(out.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> SqliteColumn(const std::string& path,
                                      const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  std::vector<std::string> values;
  while (statement != nullptr && sqlite3_step(statement) == SQLITE_ROW) {
    values.emplace_back(
        static_cast<const char*>(sqlite3_column_blob(statement, 0)),
        sqlite3_column_bytes(statement, 0));
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return values;
}

// The stored key and hashes of the workspace standing for `path` (closed).
Stored ReadStored(const std::string& path) {
  Stored stored;
  if (OnPostgres()) {
    std::string url = WorkspaceUrlFor(path);
    std::string name = url.substr(url.rfind("workspace=") + 10);
    std::string workspace =
        "(SELECT workspace_id FROM crm_workspaces WHERE name = '" + name + "')";
    std::vector<std::string> key = Psql(
        "SELECT encode(secret, 'hex') FROM crm_suppression_keys WHERE "
        "workspace_id = " +
        workspace);
    if (!key.empty()) stored.key_hex = key[0];
    stored.hashes_hex = Psql(
        "SELECT encode(hash, 'hex') FROM crm_suppressions WHERE "
        "workspace_id = " +
        workspace + " ORDER BY 1");
    return stored;
  }
  std::vector<std::string> key =
      SqliteColumn(path, "SELECT key FROM crm_suppression_key");
  if (!key.empty()) stored.key_hex = Hex(key[0]);
  for (const std::string& hash :
       SqliteColumn(path, "SELECT hash FROM crm_suppressions ORDER BY 1")) {
    stored.hashes_hex.push_back(Hex(hash));
  }
  return stored;
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool Contains(const std::string& bytes, const std::string& part) {
  return bytes.find(part) != std::string::npos;
}

class SuppressionTest : public ::testing::Test {
 protected:
  int Suppressed(const char* email, const char* phone) {
    int suppressed = -1;
    EXPECT_EQ(crm_suppression_check(&suppressed, db_.get(), email, phone),
              CRM_OK)
        << crm_last_error_message();
    return suppressed;
  }

  int64_t Suppressions() {
    int64_t count = -1;
    EXPECT_EQ(crm_suppression_count(&count, db_.get()), CRM_OK)
        << crm_last_error_message();
    return count;
  }

  // crm_customer_create() of a person with `email` and `phone` (NULL: none).
  int CreatePerson(const char* email, const char* phone,
                   int64_t* out_id = nullptr) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", "Ada");
    if (email != nullptr) crm_record_set_text(record.get(), "email", email);
    if (phone != nullptr) crm_record_set_text(record.get(), "phone", phone);
    int64_t id = 0;
    int rc = crm_customer_create(&id, db_.get(), record.get(), "test");
    if (out_id != nullptr) *out_id = id;
    return rc;
  }

  TempDir dir_;
  std::string path_ = dir_.File("suppression.crm");
  Db db_ = OpenDb(path_);
};

TEST_F(SuppressionTest, AddCheckRemoveAndCount) {
  EXPECT_EQ(Suppressions(), 0);
  EXPECT_EQ(Suppressed("ada@example.com", nullptr), 0);
  ASSERT_EQ(crm_suppression_add(db_.get(), "ada@example.com", nullptr), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(Suppressed("ada@example.com", nullptr), 1);
  EXPECT_EQ(Suppressed("bob@example.com", nullptr), 0);
  EXPECT_EQ(Suppressed(nullptr, "+47 22 33 44 55"), 0);
  EXPECT_EQ(Suppressions(), 1);

  ASSERT_EQ(crm_suppression_add(db_.get(), nullptr, "+47 22 33 44 55"), CRM_OK);
  EXPECT_EQ(Suppressions(), 2);
  // Either value suppressed makes the pair suppressed.
  EXPECT_EQ(Suppressed("bob@example.com", "+47 22 33 44 55"), 1);
  // Suppressing again changes nothing.
  ASSERT_EQ(crm_suppression_add(db_.get(), "ada@example.com", "+4722334455"),
            CRM_OK);
  EXPECT_EQ(Suppressions(), 2);

  ASSERT_EQ(crm_suppression_remove(db_.get(), "ada@example.com", nullptr),
            CRM_OK);
  EXPECT_EQ(Suppressed("ada@example.com", nullptr), 0);
  EXPECT_EQ(Suppressed(nullptr, "+4722334455"), 1);
  EXPECT_EQ(Suppressions(), 1);
  EXPECT_CRM_ERROR(
      crm_suppression_remove(db_.get(), "ada@example.com", nullptr),
      CRM_E_NOT_FOUND, "", "");
  ASSERT_EQ(crm_suppression_remove(db_.get(), "ada@example.com", "+4722334455"),
            CRM_OK);
  EXPECT_EQ(Suppressions(), 0);
}

TEST_F(SuppressionTest, ValuesAreComparedNormalised) {
  ASSERT_EQ(crm_suppression_add(db_.get(), "  Ada.Lovelace@Example.COM\t",
                                "+47 (22) 33-44.55"),
            CRM_OK);
  EXPECT_EQ(Suppressed("ada.lovelace@example.com", nullptr), 1);
  EXPECT_EQ(Suppressed("ADA.LOVELACE@EXAMPLE.COM", nullptr), 1);
  EXPECT_EQ(Suppressed("ada.lovelace@example.org", nullptr), 0);
  EXPECT_EQ(Suppressed(nullptr, "+4722334455"), 1);
  EXPECT_EQ(Suppressed(nullptr, " +47.22.33.44.55 "), 1);
  // The leading + is kept: without it the number is another one.
  EXPECT_EQ(Suppressed(nullptr, "4722334455"), 0);
  ASSERT_EQ(crm_suppression_add(db_.get(), nullptr, "(22) 33 44 55"), CRM_OK);
  EXPECT_EQ(Suppressed(nullptr, "22-33-44-55"), 1);
  // Removing takes a differently written form of the same value.
  ASSERT_EQ(
      crm_suppression_remove(db_.get(), "ADA.lovelace@example.com ", nullptr),
      CRM_OK);
  EXPECT_EQ(Suppressed("ada.lovelace@example.com", nullptr), 0);
}

TEST_F(SuppressionTest, ArgumentsAreChecked) {
  crm_db* db = db_.get();
  EXPECT_CRM_ERROR(crm_suppression_add(db, nullptr, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "email");
  EXPECT_CRM_ERROR(crm_suppression_add(db, " \t", nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "email");
  EXPECT_CRM_ERROR(crm_suppression_add(db, nullptr, "no digits"),
                   CRM_E_INVALID_ARGUMENT, "", "phone");
  EXPECT_CRM_ERROR(crm_suppression_add(db, "a\xff@example.com", nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "utf8");
  EXPECT_CRM_ERROR(crm_suppression_add(nullptr, "a@example.com", nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "db");
  int suppressed = 7;
  EXPECT_CRM_ERROR(crm_suppression_check(&suppressed, db, nullptr, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "email");
  EXPECT_EQ(suppressed, 0);
  EXPECT_CRM_ERROR(crm_suppression_check(nullptr, db, "a@example.com", nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "out_suppressed");
  EXPECT_CRM_ERROR(crm_suppression_remove(db, nullptr, "\xc3"),
                   CRM_E_INVALID_ARGUMENT, "", "utf8");
  EXPECT_CRM_ERROR(crm_suppression_count(nullptr, db), CRM_E_INVALID_ARGUMENT,
                   "", "out");
  EXPECT_EQ(Suppressions(), 0);
}

TEST_F(SuppressionTest, CreateOfASuppressedPersonIsRefused) {
  ASSERT_EQ(crm_suppression_add(db_.get(), "ada@example.com", "+47 22334455"),
            CRM_OK);
  EXPECT_CRM_ERROR(CreatePerson("ADA@example.com", nullptr), CRM_E_CONSTRAINT,
                   "email", "suppressed");
  std::string message = crm_last_error_message();
  EXPECT_TRUE(Contains(message, "erased and suppressed")) << message;
  Stored stored = ReadStored(path_);
  ASSERT_EQ(stored.hashes_hex.size(), 2u);
  for (const std::string& hash : stored.hashes_hex) {
    EXPECT_FALSE(Contains(message, hash)) << message;
  }
  EXPECT_CRM_ERROR(CreatePerson("other@example.com", "+47-22-33-44-55"),
                   CRM_E_CONSTRAINT, "phone", "suppressed");
  EXPECT_EQ(Count(db_.get()), 0);
  // Other people, and the same digits without the +, go in.
  int64_t id = 0;
  EXPECT_EQ(CreatePerson("other@example.com", "22334455", &id), CRM_OK)
      << crm_last_error_message();
  EXPECT_GT(id, 0);
  EXPECT_EQ(Count(db_.get()), 1);
}

TEST_F(SuppressionTest, UserFieldsOfTypeEmailAndPhoneAreCheckedToo) {
  Define(db_.get(), R"({"name": "work_email", "type": "email"})");
  ASSERT_EQ(crm_suppression_add(db_.get(), "ada@work.example", nullptr),
            CRM_OK);
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Ada");
  crm_record_set_text(record.get(), "work_email", "Ada@Work.Example");
  int64_t id = 0;
  EXPECT_CRM_ERROR(crm_customer_create(&id, db_.get(), record.get(), "t"),
                   CRM_E_CONSTRAINT, "work_email", "suppressed");
}

TEST_F(SuppressionTest, UpdateAndUpsertThatSetASuppressedValueAreRefused) {
  int64_t id = 0;
  ASSERT_EQ(CreatePerson("ada@example.com", nullptr, &id), CRM_OK);
  ASSERT_EQ(crm_suppression_add(db_.get(), "grace@example.com", "+1 555 0100"),
            CRM_OK);
  Record changes = NewRecord();
  crm_record_set_text(changes.get(), "email", "Grace@example.com");
  int64_t version = 0;
  EXPECT_CRM_ERROR(
      crm_customer_update(&version, db_.get(), id, 0, changes.get(), "t"),
      CRM_E_CONSTRAINT, "email", "suppressed");
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "email"), "ada@example.com");

  Record upsert = NewRecord();
  crm_record_set_text(upsert.get(), "external_id", "ERP-1");
  crm_record_set_text(upsert.get(), "phone", "+1 (555) 0100");
  int64_t upserted = 0;
  int created = -1;
  EXPECT_CRM_ERROR(
      crm_customer_upsert(&upserted, &created, db_.get(), upsert.get(), "t"),
      CRM_E_CONSTRAINT, "phone", "suppressed");
  EXPECT_EQ(Count(db_.get()), 1);
}

TEST_F(SuppressionTest, ACustomerHoldingASuppressedValueCanStillBeUpdated) {
  int64_t id = 0;
  ASSERT_EQ(CreatePerson("ada@example.com", "+47 22334455", &id), CRM_OK);
  // A host suppresses without erasing: the customer keeps the values.
  ASSERT_EQ(crm_suppression_add(db_.get(), "ada@example.com", "+4722334455"),
            CRM_OK);
  Record changes = NewRecord();
  crm_record_set_text(changes.get(), "city", "Oslo");
  crm_record_set_text(changes.get(), "email", "ada@example.com");  // unchanged
  int64_t version = 0;
  EXPECT_EQ(crm_customer_update(&version, db_.get(), id, 0, changes.get(), "t"),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(version, 2);
  // Events and reads are not affected.
  crm_event* raw = nullptr;
  ASSERT_EQ(crm_event_new(&raw), CRM_OK);
  Event event(raw);
  crm_event_set_customer(event.get(), id);
  crm_event_set_type(event.get(), "call");
  int64_t seq = 0;
  EXPECT_EQ(crm_event_append(&seq, nullptr, db_.get(), event.get()), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "city"), "Oslo");
}

// A batch of (email, external id) rows with a name each.
std::string EncodePeople(
    const std::vector<std::pair<std::string, std::string>>& rows) {
  crm::wire::CustomerBatch batch;
  batch.add_columns("name");
  batch.add_columns("email");
  batch.add_columns("external_id");
  for (const auto& [email, external_id] : rows) {
    crm::wire::CustomerRow* row = batch.add_rows();
    row->add_values()->set_text("Person");
    row->add_values()->set_text(email);
    row->add_values()->set_text(external_id);
  }
  return batch.SerializeAsString();
}

TEST_F(SuppressionTest, BatchRowsThatSetASuppressedValueAreRejected) {
  ASSERT_EQ(crm_suppression_add(db_.get(), "b@example.com", nullptr), CRM_OK);
  std::string bytes = EncodePeople({{"a@example.com", "E1"},
                                    {"B@example.com", "E2"},
                                    {"c@example.com", "E3"}});
  for (int mode : {CRM_BATCH_CREATE, CRM_BATCH_UPSERT}) {
    crm_batch_report* raw = nullptr;
    EXPECT_CRM_ERROR(crm_customer_write_batch(&raw, db_.get(), bytes.data(),
                                              bytes.size(), mode),
                     CRM_E_CONSTRAINT, "email", "suppressed");
    Report report(raw);
    ASSERT_NE(report, nullptr);
    EXPECT_EQ(crm_batch_report_rejected(report.get()), 1u);
    EXPECT_EQ(crm_batch_report_status(report.get(), 0), CRM_OK);
    EXPECT_EQ(crm_batch_report_status(report.get(), 1), CRM_E_CONSTRAINT);
    EXPECT_STREQ(crm_batch_report_field(report.get(), 1), "email");
    EXPECT_STREQ(crm_batch_report_rule(report.get(), 1), "suppressed");
    EXPECT_EQ(crm_batch_report_status(report.get(), 2), CRM_OK);
    EXPECT_EQ(Count(db_.get()), 0);  // all or nothing
  }
  // Without the suppressed row the batch goes in.
  std::string rest =
      EncodePeople({{"a@example.com", "E1"}, {"c@example.com", "E3"}});
  EXPECT_EQ(crm_customer_write_batch(nullptr, db_.get(), rest.data(),
                                     rest.size(), CRM_BATCH_UPSERT),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(Count(db_.get()), 2);
}

TEST_F(SuppressionTest, RemovedSuppressionLetsThePersonBackIn) {
  ASSERT_EQ(crm_suppression_add(db_.get(), "ada@example.com", nullptr), CRM_OK);
  EXPECT_EQ(CreatePerson("ada@example.com", nullptr), CRM_E_CONSTRAINT);
  ASSERT_EQ(crm_suppression_remove(db_.get(), "ada@example.com", nullptr),
            CRM_OK);
  EXPECT_EQ(CreatePerson("ada@example.com", nullptr), CRM_OK)
      << crm_last_error_message();
}

TEST_F(SuppressionTest, RollingBackTheHostTransactionUndoesTheSuppression) {
  ASSERT_EQ(crm_begin(db_.get()), CRM_OK);
  ASSERT_EQ(crm_suppression_add(db_.get(), "ada@example.com", nullptr), CRM_OK);
  EXPECT_EQ(CreatePerson("ada@example.com", nullptr), CRM_E_CONSTRAINT);
  ASSERT_EQ(crm_rollback(db_.get()), CRM_OK);
  EXPECT_EQ(Suppressions(), 0);
  EXPECT_EQ(CreatePerson("ada@example.com", nullptr), CRM_OK);
}

TEST_F(SuppressionTest, AKeyRolledBackIsNotUsedLater) {
  ASSERT_EQ(crm_begin(db_.get()), CRM_OK);
  ASSERT_EQ(crm_suppression_add(db_.get(), "ada@example.com", nullptr), CRM_OK);
  EXPECT_EQ(Suppressed("ada@example.com", nullptr), 1);
  ASSERT_EQ(crm_rollback(db_.get()), CRM_OK);
  // The key made in the rolled-back transaction is gone; a new one is made.
  ASSERT_EQ(crm_suppression_add(db_.get(), "bob@example.com", nullptr), CRM_OK);
  EXPECT_EQ(Suppressed("bob@example.com", nullptr), 1);
  EXPECT_EQ(Suppressed("ada@example.com", nullptr), 0);
  EXPECT_CRM_ERROR(CreatePerson("bob@example.com", nullptr), CRM_E_CONSTRAINT,
                   "email", "suppressed");
}

TEST_F(SuppressionTest, ASuppressionMadeThroughAnotherHandleIsSeen) {
  Db other = OpenDb(path_);
  EXPECT_EQ(CreatePerson("carol@example.com", nullptr), CRM_OK);
  ASSERT_EQ(crm_suppression_add(other.get(), "ada@example.com", nullptr),
            CRM_OK);
  EXPECT_CRM_ERROR(CreatePerson("ada@example.com", nullptr), CRM_E_CONSTRAINT,
                   "email", "suppressed");
  ASSERT_EQ(crm_suppression_remove(other.get(), "ada@example.com", nullptr),
            CRM_OK);
  EXPECT_EQ(CreatePerson("ada@example.com", nullptr), CRM_OK)
      << crm_last_error_message();
}

TEST_F(SuppressionTest, OnlyKeyedHashesAreStored) {
  ASSERT_EQ(crm_suppression_add(db_.get(), "Marker.Person@Example.com",
                                "+47 98 76 54 32"),
            CRM_OK);
  db_.reset();  // closed, with no checkpoint asked for
  Stored stored = ReadStored(path_);
  ASSERT_EQ(stored.key_hex.size(), 64u);
  std::string key = Unhex(stored.key_hex);
  std::vector<std::string> expected = {
      HmacHex(key, "email:marker.person@example.com"),
      HmacHex(key, "phone:+4798765432")};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(stored.hashes_hex, expected);
  if (OnPostgres()) return;  // the server's files are not the test's to read
  for (const std::string& file : {path_, path_ + "-wal"}) {
    std::string bytes = FileBytes(file);
    for (const char* text :
         {"Marker.Person@Example.com", "marker.person@example.com", "Marker",
          "marker", "98 76 54 32", "4798765432", "98765432"}) {
      EXPECT_FALSE(Contains(bytes, text)) << file << " holds " << text;
    }
  }
}

TEST_F(SuppressionTest, EachWorkspaceHasItsOwnKey) {
  std::string other_path = dir_.File("other.crm");
  Db other = OpenDb(other_path);
  ASSERT_EQ(crm_suppression_add(db_.get(), "ada@example.com", nullptr), CRM_OK);
  ASSERT_EQ(crm_suppression_add(other.get(), "ada@example.com", nullptr),
            CRM_OK);
  db_.reset();
  other.reset();
  Stored one = ReadStored(path_);
  Stored two = ReadStored(other_path);
  ASSERT_EQ(one.hashes_hex.size(), 1u);
  ASSERT_EQ(two.hashes_hex.size(), 1u);
  EXPECT_NE(one.key_hex, two.key_hex);
  EXPECT_NE(one.hashes_hex[0], two.hashes_hex[0]);
}

}  // namespace
}  // namespace crm_test
