// crm_import through the C ABI, on SQLite files and on PostgreSQL.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "crm/crm.h"
#include "test_support.h"

namespace crm_test {
namespace {

// The number a compact JSON report gives `key` ("rows", "created"...), or
// -1 when the report does not hold it.
int64_t Number(const std::string& report, const std::string& key) {
  std::string marker = "\"" + key + "\":";
  size_t at = report.find(marker);
  if (at == std::string::npos) return -1;
  return std::strtoll(report.c_str() + at + marker.size(), nullptr, 10);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(db_.get(), R"({"name": "balance", "type": "decimal", "scale": 2})");
    Define(db_.get(), R"({"name": "visits", "type": "integer"})");
    Define(db_.get(), R"({"name": "active", "type": "boolean"})");
    Define(db_.get(), R"({"name": "joined", "type": "date"})");
    Define(db_.get(), R"({"name": "labels", "type": "tags"})");
  }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // Imports `path`; the report, or "" with *rc set on failure.
  std::string Import(const std::string& path, crm_import_options options,
                     int* rc = nullptr, crm_db* db = nullptr) {
    char* json = nullptr;
    int status = crm_import(&json, db ? db : db_.get(), path.c_str(), &options);
    if (rc != nullptr) *rc = status;
    if (rc == nullptr) {
      EXPECT_EQ(status, CRM_OK) << crm_last_error_message();
    }
    std::string report = json ? json : "";
    crm_string_free(json);
    return report;
  }

  crm_import_options Options(const char* mapping = nullptr) {
    crm_import_options options = CRM_IMPORT_OPTIONS_INIT;
    options.mapping_json = mapping;
    return options;
  }

  Record ByExternalId(const char* external_id) {
    crm_record* record = nullptr;
    EXPECT_EQ(crm_customer_get_by_external_id(&record, db_.get(), external_id),
              CRM_OK)
        << crm_last_error_message();
    return Record(record);
  }

  // Events of type `type` in the whole log.
  int64_t EventsOfType(const std::string& type) {
    crm_event_page* page = nullptr;
    EXPECT_EQ(crm_event_follow(&page, db_.get(), 0, 10000), CRM_OK);
    int64_t count = 0;
    for (size_t i = 0; i < crm_event_page_size(page); ++i) {
      if (type == crm_event_type(crm_event_page_at(page, i))) ++count;
    }
    crm_event_page_free(page);
    return count;
  }

  TempDir dir_;
  Db db_ = OpenDb(dir_.File("crm.db"));
};

TEST_F(ImportTest, CsvWithMappingCreatesThenUpdatesByExternalId) {
  // A byte-order mark, ";" found from the header, a quoted ";" and a quoted
  // newline, CRLF line ends, Norwegian decimals, dates and yes/no words.
  std::string path =
      Write("people.csv",
            "\xEF\xBB\xBF"
            "Kundenr;Navn;Saldo;Besok;Aktiv;Innmeldt;Merker;Notat\r\n"
            "k1;\"Ada; Lovelace\";1.234,50;3;ja;01.02.2020;vip| nord ;x\r\n"
            "k2;\"Bob\nBobson\";-7,25;0;nei;31.12.1999;;y\r\n");
  const char* mapping = R"({"columns": {
      "Kundenr": "external_id", "Navn": "name",
      "Saldo": {"field": "balance", "decimal": ","},
      "Besok": "visits",
      "Aktiv": {"field": "active", "true": ["ja"], "false": ["nei"]},
      "Innmeldt": {"field": "joined", "format": "%d.%m.%Y"},
      "Merker": {"field": "labels", "separator": "|"},
      "Notat": null}})";
  std::string report = Import(path, Options(mapping));
  EXPECT_EQ(Number(report, "rows"), 2) << report;
  EXPECT_EQ(Number(report, "created"), 2) << report;
  EXPECT_EQ(Number(report, "rejected"), 0) << report;
  EXPECT_EQ(Number(report, "bytes"),
            static_cast<int64_t>(ReadAll(path).size()));

  Record ada = ByExternalId("k1");
  EXPECT_EQ(Text(ada.get(), "name"), "Ada; Lovelace");
  const char* balance = nullptr;
  ASSERT_EQ(crm_record_get_decimal(&balance, ada.get(), "balance"), CRM_OK);
  EXPECT_STREQ(balance, "1234.50");
  int active = -1;
  ASSERT_EQ(crm_record_get_boolean(&active, ada.get(), "active"), CRM_OK);
  EXPECT_EQ(active, 1);
  const char* joined = nullptr;
  ASSERT_EQ(crm_record_get_date(&joined, ada.get(), "joined"), CRM_OK);
  EXPECT_STREQ(joined, "2020-02-01");
  size_t labels = 0;
  ASSERT_EQ(crm_record_get_list_size(&labels, ada.get(), "labels"), CRM_OK);
  ASSERT_EQ(labels, 2u);
  const char* second = nullptr;
  ASSERT_EQ(crm_record_get_list_item(&second, ada.get(), "labels", 1), CRM_OK);
  EXPECT_STREQ(second, "nord");
  Record bob = ByExternalId("k2");
  EXPECT_EQ(Text(bob.get(), "name"), "Bob\nBobson");

  // The same file again changes nothing; a changed row updates.
  report = Import(path, Options(mapping));
  EXPECT_EQ(Number(report, "created"), 0) << report;
  EXPECT_EQ(Number(report, "unchanged"), 2) << report;
  EXPECT_EQ(Count(db_.get()), 2);
  path = Write("people2.csv", "Kundenr;Navn\r\nk1;Ada King\r\nk3;Cy\r\n");
  report = Import(path, Options(R"({"columns": {"Kundenr": "external_id",
                                                 "Navn": "name"}})"));
  EXPECT_EQ(Number(report, "updated"), 1) << report;
  EXPECT_EQ(Number(report, "created"), 1) << report;
  EXPECT_EQ(Text(ByExternalId("k1").get(), "name"), "Ada King");
  // "keep": a column the file does not have is left as it was. The record
  // owns the decimal's text: it is kept until the check is done.
  Record k1 = ByExternalId("k1");
  ASSERT_EQ(crm_record_get_decimal(&balance, k1.get(), "balance"), CRM_OK);
  EXPECT_STREQ(balance, "1234.50");
}

TEST_F(ImportTest, RejectedRowsAreListedAndTheOthersImport) {
  std::string path = Write("rows.csv",
                           "external_id,name,email,visits\n"
                           "a1,Ann,ann@example.com,1\n"
                           "a2,Bo,not-an-email,2\n"
                           ",Nokey,n@example.com,3\n"
                           "a4,\"Multi\nline\",m@example.com,many\n"
                           "a5,Eve,eve@example.com,5\n");
  crm_import_options options = Options();
  std::string rejects = dir_.File("rejects.csv");
  options.reject_path = rejects.c_str();
  std::string report = Import(path, options);
  EXPECT_EQ(Number(report, "rows"), 5) << report;
  EXPECT_EQ(Number(report, "created"), 2) << report;
  EXPECT_EQ(Number(report, "rejected"), 3) << report;
  EXPECT_EQ(Count(db_.get()), 2);
  // Row 2 starts on line 3; row 4 on line 5 (the quoted newline), and
  // row 5 on line 7.
  EXPECT_NE(
      report.find(R"({"row":2,"line":3,"column":"email","field":"email")"),
      std::string::npos)
      << report;
  EXPECT_NE(report.find(R"({"row":3,"line":4,"column":"external_id",)"
                        R"("field":"external_id","rule":"required")"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find(R"({"row":4,"line":5,"column":"visits",)"
                        R"("field":"visits","rule":"type")"),
            std::string::npos)
      << report;
  std::string listed = ReadAll(rejects);
  EXPECT_EQ(listed.rfind("row,line,column,field,rule,message\r\n", 0), 0u)
      << listed;
  EXPECT_NE(listed.find("4,5,\"visits\",\"visits\",\"type\","),
            std::string::npos)
      << listed;
  Record eve = ByExternalId("a5");
  EXPECT_EQ(Text(eve.get(), "name"), "Eve");
}

TEST_F(ImportTest, AColumnNamingNoFieldFailsBeforeAnyRow) {
  std::string path = Write("x.csv", "external_id,name,shoe size\nz1,Zed,44\n");
  int rc = 0;
  std::string report = Import(path, Options(), &rc);
  EXPECT_EQ(rc, CRM_E_NOT_FOUND);
  EXPECT_STREQ(crm_last_error_rule(), "unknown_field");
  EXPECT_NE(std::string(crm_last_error_message()).find("shoe size"),
            std::string::npos);
  EXPECT_EQ(report, "");
  EXPECT_EQ(Count(db_.get()), 0);
  report = Import(path, Options(R"({"unmapped": "ignore"})"));
  EXPECT_EQ(Number(report, "created"), 1) << report;
}

TEST_F(ImportTest, EmptyCellsKeepOrClear) {
  Import(Write("a.csv", "external_id,name,visits\ne1,Em,4\n"), Options());
  std::string path = Write("b.csv", "external_id,name,visits\ne1,Em,\n");
  std::string report = Import(path, Options());
  EXPECT_EQ(Number(report, "unchanged"), 1) << report;
  int64_t visits = 0;
  EXPECT_EQ(crm_record_get_integer(&visits, ByExternalId("e1").get(), "visits"),
            CRM_OK);
  EXPECT_EQ(visits, 4);
  report = Import(path, Options(R"({"empty": "clear"})"));
  EXPECT_EQ(Number(report, "updated"), 1) << report;
  EXPECT_NE(crm_record_get_integer(&visits, ByExternalId("e1").get(), "visits"),
            CRM_OK);
}

TEST_F(ImportTest, KeyEmailFindsCustomersIgnoringCaseAndNullKeyCreates) {
  Import(Write("a.csv", "email,name\nana@example.com,Ana\n"), Options());
  std::string report =
      Import(Write("b.csv", "email,name\nANA@example.com,Ana B\n"), Options());
  EXPECT_EQ(Number(report, "updated"), 1) << report;
  EXPECT_EQ(Count(db_.get()), 1);
  report = Import(Write("c.csv", "name\nP\nQ\n"), Options(R"({"key": null})"));
  EXPECT_EQ(Number(report, "created"), 2) << report;
  EXPECT_EQ(Count(db_.get()), 3);
}

TEST_F(ImportTest, JsonLinesTakesJsonKindsAndRejectsLinesThatAreNotObjects) {
  std::string path = Write("people.jsonl",
                           "{\"external_id\": \"j1\", \"visits\": 7, "
                           "\"active\": true, \"labels\": [\"a\", \"b\"], "
                           "\"balance\": 12.5}\n"
                           "\n"
                           "[1, 2]\n"
                           "{\"external_id\": \"j2\", \"visits\": \"8\", "
                           "\"name\": null}\n");
  std::string report = Import(path, Options());
  EXPECT_EQ(Number(report, "rows"), 3) << report;
  EXPECT_EQ(Number(report, "created"), 2) << report;
  EXPECT_NE(
      report.find(R"({"row":2,"line":3,"column":"","field":"","rule":"file")"),
      std::string::npos)
      << report;
  int64_t visits = 0;
  EXPECT_EQ(crm_record_get_integer(&visits, ByExternalId("j1").get(), "visits"),
            CRM_OK);
  EXPECT_EQ(visits, 7);
  const char* balance = nullptr;
  Record j1 = ByExternalId("j1");  // owns the decimal's text
  ASSERT_EQ(crm_record_get_decimal(&balance, j1.get(), "balance"), CRM_OK);
  EXPECT_STREQ(balance, "12.50");
  EXPECT_EQ(crm_record_get_integer(&visits, ByExternalId("j2").get(), "visits"),
            CRM_OK);
  EXPECT_EQ(visits, 8);
}

TEST_F(ImportTest, EventsFindTheirCustomerAndAreNotDoubledWhenRunAgain) {
  Import(Write("c.csv", "external_id,name\nc1,Cat\nc2,Dan\n"), Options());
  std::string path = Write("events.csv",
                           "Customer,When,Minutes,channel\n"
                           "c1,2024-03-01T09:30:00Z,5,phone\n"
                           "c2,2024-03-02T10:00:00Z,7,\n"
                           "nobody,2024-03-03T10:00:00Z,1,phone\n");
  crm_import_options options = Options(R"({
      "columns": {"When": "occurred_at", "Minutes": "minutes"},
      "customer": {"column": "Customer", "by": "external_id"},
      "type": "call", "channel": "web"})");
  options.target = CRM_DATA_EVENTS;
  std::string report = Import(path, options);
  EXPECT_EQ(Number(report, "created"), 2) << report;
  EXPECT_EQ(Number(report, "rejected"), 1) << report;
  EXPECT_NE(report.find(R"({"row":3,"line":4,"column":"Customer",)"
                        R"("field":"customer_id","rule":"reference")"),
            std::string::npos)
      << report;
  EXPECT_EQ(EventsOfType("call"), 2);
  report = Import(path, options);
  EXPECT_EQ(Number(report, "created"), 0) << report;
  EXPECT_EQ(Number(report, "unchanged"), 2) << report;
  EXPECT_EQ(EventsOfType("call"), 2);

  // Keys derived from the file's SHA-256 and the row; other columns as
  // properties.
  crm_event_page* page = nullptr;
  ASSERT_EQ(crm_event_follow(&page, db_.get(), 0, 10000), CRM_OK);
  std::string minutes;
  for (size_t i = 0; i < crm_event_page_size(page); ++i) {
    crm_event* event = crm_event_page_at(page, i);
    if (std::string(crm_event_type(event)) != "call") continue;
    std::string key = crm_event_idempotency_key(event);
    EXPECT_EQ(key.rfind("import:", 0), 0u) << key;
    EXPECT_EQ(key.size(), std::string("import:").size() + 32 + 2) << key;
    const char* text = nullptr;
    ASSERT_EQ(
        crm_record_get_text(&text, crm_event_properties(event), "minutes"),
        CRM_OK);
    minutes += text;
  }
  crm_event_page_free(page);
  EXPECT_EQ(minutes, "57");
}

TEST_F(ImportTest, DryRunReportsAndWritesNothing) {
  std::string path = Write("d.csv",
                           "external_id,name,visits\nd1,Di,1\n"
                           "d2,Do,x\n");
  crm_import_options options = Options();
  options.dry_run = 1;
  std::string report = Import(path, options);
  EXPECT_EQ(Number(report, "created"), 1) << report;
  EXPECT_EQ(Number(report, "rejected"), 1) << report;
  EXPECT_NE(report.find("\"dry_run\":true"), std::string::npos) << report;
  EXPECT_EQ(Count(db_.get()), 0);
}

int CancelAtTheEnd(void*, int64_t, int64_t, int64_t) { return 1; }

TEST_F(ImportTest, ACancelledImportKeepsCommittedBatchesAndCompletesOnRerun) {
  std::string path = Write("e.csv", "external_id,name\nf1,A\nf2,B\nf3,C\n");
  crm_import_options options = Options();
  options.batch_rows = 1;
  options.progress = CancelAtTheEnd;
  int rc = 0;
  Import(path, options, &rc);
  EXPECT_EQ(rc, CRM_E_CANCELLED);
  EXPECT_EQ(Count(db_.get()), 3);
  options.progress = nullptr;
  std::string report = Import(path, options);
  EXPECT_EQ(Number(report, "unchanged"), 3) << report;
  EXPECT_EQ(Count(db_.get()), 3);

  // Inside a host transaction the import is one: a failed call changes
  // nothing.
  ASSERT_EQ(crm_begin(db_.get()), CRM_OK);
  options.progress = CancelAtTheEnd;
  Import(Write("g.csv", "external_id,name\ng1,G\ng2,H\n"), options, &rc);
  EXPECT_EQ(rc, CRM_E_CANCELLED);
  ASSERT_EQ(crm_commit(db_.get()), CRM_OK);
  EXPECT_EQ(Count(db_.get()), 3);
}

TEST_F(ImportTest, BadFilesMappingsAndOptionsFailWithTheirRule) {
  int rc = 0;
  Import(dir_.File("missing.csv"), Options(), &rc);
  EXPECT_EQ(rc, CRM_E_NOT_FOUND);
  EXPECT_STREQ(crm_last_error_rule(), "path");

  std::string path = Write("h.csv", "name,name\nA,B\n");
  Import(path, Options(), &rc);
  EXPECT_EQ(rc, CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(crm_last_error_rule(), "file");

  Import(Write("empty.csv", ""), Options(), &rc);
  EXPECT_EQ(rc, CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(crm_last_error_rule(), "file");

  Import(Write("latin1.csv", "name\nJos\xE9\n"), Options(R"({"key": null})"),
         &rc);
  EXPECT_EQ(rc, CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(crm_last_error_rule(), "file");
  EXPECT_EQ(crm_last_error_position(), 5);

  path = Write("ok.csv", "external_id,name\nq1,Q\n");
  Import(path, Options(R"({"key": "phone"})"), &rc);
  EXPECT_EQ(rc, CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(crm_last_error_rule(), "mapping_json");
  EXPECT_NE(std::string(crm_last_error_message()).find("\"key\""),
            std::string::npos);
  Import(path, Options(R"({"colums": {}})"), &rc);
  EXPECT_EQ(rc, CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(crm_last_error_rule(), "mapping_json");
  Import(path, Options("{not json"), &rc);
  EXPECT_EQ(rc, CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(crm_last_error_rule(), "mapping_json");

  crm_import_options options = Options();
  options.target = 7;
  Import(path, options, &rc);
  EXPECT_EQ(rc, CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(crm_last_error_rule(), "target");
  options = Options();
  options.batch_rows = -1;
  Import(path, options, &rc);
  EXPECT_EQ(rc, CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(crm_last_error_rule(), "batch_rows");
  options = Options();
  options.struct_size = 4;
  Import(path, options, &rc);
  EXPECT_EQ(rc, CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(crm_last_error_rule(), "struct_size");
  char* json = reinterpret_cast<char*>(1);
  EXPECT_EQ(crm_import(&json, db_.get(), nullptr, nullptr),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(json, nullptr);
  EXPECT_STREQ(crm_last_error_rule(), "path");
  EXPECT_EQ(Count(db_.get()), 0);

  // An unterminated quote: the row is rejected, the rows before it import.
  path = Write("quote.csv", "external_id,name\nu1,U\nu2,\"never closed\n");
  std::string report = Import(path, Options());
  EXPECT_EQ(Number(report, "created"), 1) << report;
  EXPECT_NE(
      report.find(R"({"row":2,"line":3,"column":"","field":"","rule":"file")"),
      std::string::npos)
      << report;
}

TEST_F(ImportTest, RestrictedHandlesNeedTheImportOperation) {
  ASSERT_EQ(crm_profile_define(db_.get(), R"({"name": "clerk",
      "fields": {"name": "read_write", "external_id": "read_write",
                 "visits": "read_only"}})"),
            CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(crm_profile_define(db_.get(), R"({"name": "importer",
      "fields": {"name": "read_write", "external_id": "read_write",
                 "visits": "read_only"},
      "operations": ["import"]})"),
            CRM_OK)
      << crm_last_error_message();
  std::string path = Write("r.csv",
                           "external_id,name,visits\nr1,Ri,\n"
                           "r2,Ro,3\n");
  Db clerk = RestrictTo(db_.get(), "clerk", "cleo");
  int rc = 0;
  Import(path, Options(), &rc, clerk.get());
  EXPECT_EQ(rc, CRM_E_DENIED);
  EXPECT_STREQ(crm_last_error_rule(), "operation");
  Db importer = RestrictTo(db_.get(), "importer", "ivy");
  std::string report = Import(path, Options(), &rc, importer.get());
  EXPECT_EQ(rc, CRM_OK) << crm_last_error_message();
  EXPECT_EQ(Number(report, "created"), 1) << report;
  EXPECT_NE(
      report.find(R"("row":2,"line":3,"column":"visits","field":"visits",)"
                  R"("rule":"not_writable")"),
      std::string::npos)
      << report;
  EXPECT_EQ(Count(db_.get()), 1);
}

TEST_F(ImportTest, ARowThatLeavesTheHandlesScopeIsRejectedAndTheBatchKept) {
  ASSERT_EQ(crm_profile_define(db_.get(), R"({"name": "own",
      "fields": {"name": "read_write", "external_id": "read_write",
                 "owner": "read_write"},
      "scope": "owner = :actor", "operations": ["import"]})"),
            CRM_OK)
      << crm_last_error_message();
  // Row 2 would create a customer outside the scope: refused after it was
  // written, so its batch is rolled back and written again without it.
  std::string path = Write("s.csv",
                           "external_id,name,owner\n"
                           "s1,Sam,ivy\n"
                           "s2,Sue,bob\n"
                           "s3,Sid,ivy\n");
  Db own = RestrictTo(db_.get(), "own", "ivy");
  crm_import_options options = Options();
  options.batch_rows = 2;
  std::string report = Import(path, options, nullptr, own.get());
  EXPECT_EQ(Number(report, "created"), 2) << report;
  EXPECT_EQ(Number(report, "rejected"), 1) << report;
  EXPECT_NE(report.find(R"({"row":2,"line":3,)"), std::string::npos) << report;
  EXPECT_NE(report.find(R"("rule":"scope")"), std::string::npos) << report;
  EXPECT_EQ(Count(db_.get()), 2);
  EXPECT_EQ(Text(ByExternalId("s1").get(), "name"), "Sam");
  EXPECT_EQ(Text(ByExternalId("s3").get(), "name"), "Sid");
}

}  // namespace
}  // namespace crm_test
