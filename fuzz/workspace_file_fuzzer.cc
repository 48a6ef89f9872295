// Fuzzes the workspace file as untrusted input: a host opens files it did
// not write (a customer's backup, a support upload). Each input tampers
// with a copy of a valid workspace that holds fields, customers, events,
// an event type and a segment, then libcrm opens the copy and runs a short
// workload on it. Every call may fail with a status; none may crash, read
// out of bounds or leak, and crm_open never answers CRM_E_INTERNAL.
//
// Input: the first byte picks how the copy is tampered with.
//   'S'   the rest is SQL run on the copy with plain SQLite, with
//         writable_schema allowed (schema rows, pragmas, triggers...).
//   else  the rest is byte patches: repeated [offset: 2 bytes big-endian,
//         counted in units of 4 bytes][length: 1 byte][bytes], written over
//         the file's bytes (offsets wrap at the file size).
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "fuzz_support.h"

namespace {

using crm_fuzz::CreateNamed;
using crm_fuzz::DefineField;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void Exec(sqlite3* db, const char* sql) {
  sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
}

// Appends an event; returns the status.
int AppendEvent(crm_db* db, int64_t customer, const char* type, const char* key,
                int64_t amount) {
  crm_event* event = nullptr;
  CRM_FUZZ_CHECK(crm_event_new(&event) == CRM_OK);
  crm_event_set_customer(event, customer);
  crm_event_set_type(event, type);
  crm_event_set_channel(event, "web");
  if (key != nullptr) crm_event_set_idempotency_key(event, key);
  crm_record_set_integer(crm_event_properties(event), "amount", amount);
  int64_t seq = 0;
  int rc = crm_event_append(&seq, nullptr, db, event);
  crm_event_free(event);
  return rc;
}

// The valid workspace every input starts from, as file bytes: small pages
// and no WAL, so that a patch reaches any part of it.
struct BaseWorkspace {
  std::string dir;
  std::string path;
  std::string bytes;

  BaseWorkspace() {
    // In memory where the system has a tmpfs: each input writes a file.
    std::filesystem::path tmp = std::filesystem::is_directory("/dev/shm")
                                    ? "/dev/shm"
                                    : std::filesystem::temp_directory_path();
    std::string pattern = (tmp / "crm-fuzz-XXXXXX").string();
    dir = mkdtemp(pattern.data());
    path = dir + "/workspace.crm";
    crm_db* db = nullptr;
    CRM_FUZZ_CHECK(crm_open(&db, path.c_str(), nullptr) == CRM_OK);
    DefineField(db,
                R"({"name": "plan", "type": "choice", "indexed": true,
                    "options": ["basic", "premium"]})");
    DefineField(db, R"({"name": "badge", "type": "text", "unique": true})");
    DefineField(db, R"({"name": "balance", "type": "decimal", "scale": 2})");
    DefineField(db, R"({"name": "gone", "type": "integer"})");
    CRM_FUZZ_CHECK(crm_field_delete(db, "gone") == CRM_OK);
    DefineField(db, R"({"name": "labels", "type": "tags"})");
    DefineField(db, R"({"name": "account", "type": "reference"})");
    int64_t ada = CreateNamed(db, "Ada Lovelace");
    int64_t grace = CreateNamed(db, "Grace Hopper");
    int64_t gone = CreateNamed(db, "Gone Away");
    crm_record* record = nullptr;
    CRM_FUZZ_CHECK(crm_record_new(&record) == CRM_OK);
    crm_record_set_text(record, "plan", "premium");
    crm_record_set_text(record, "email", "ada@example.com");
    int64_t version = 0;
    CRM_FUZZ_CHECK(crm_customer_update(&version, db, ada, 1, record, "desk") ==
                   CRM_OK);
    crm_record_free(record);
    CRM_FUZZ_CHECK(crm_customer_delete(db, gone, 0, "desk") == CRM_OK);
    CRM_FUZZ_CHECK(
        crm_event_type_define(db, R"({"name": "order.placed", "properties": [
                              {"name": "amount", "type": "integer"}]})") ==
        CRM_OK);
    CRM_FUZZ_CHECK(AppendEvent(db, ada, "order.placed", "order-1", 120) ==
                   CRM_OK);
    CRM_FUZZ_CHECK(AppendEvent(db, grace, "call", nullptr, 3) == CRM_OK);
    CRM_FUZZ_CHECK(crm_segment_save(db, "premium", CRM_QUERY_CUSTOMERS,
                                    "plan = 'premium'") == CRM_OK);
    crm_close(db);
    sqlite3* raw = nullptr;
    CRM_FUZZ_CHECK(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    Exec(raw, "PRAGMA journal_mode = DELETE; PRAGMA page_size = 512; VACUUM;");
    sqlite3_close(raw);
    bytes = ReadFile(path);
    CRM_FUZZ_CHECK(bytes.size() > 100);
  }
};

const BaseWorkspace& Base() {
  static const BaseWorkspace* base = new BaseWorkspace();
  return *base;
}

void ApplyPatches(const uint8_t* data, size_t size, std::string* bytes) {
  size_t at = 0;
  while (at + 3 <= size) {
    size_t offset =
        ((size_t{data[at]} << 8 | data[at + 1]) * 4) % bytes->size();
    size_t length = data[at + 2];
    at += 3;
    for (size_t i = 0; i < length && at < size; ++i, ++at) {
      (*bytes)[(offset + i) % bytes->size()] = static_cast<char>(data[at]);
    }
  }
}

void RunSql(const std::string& path, const uint8_t* data, size_t size) {
  sqlite3* raw = nullptr;
  if (sqlite3_open(path.c_str(), &raw) == SQLITE_OK) {
    std::string sql(reinterpret_cast<const char*>(data), size);
    Exec(raw, sql.c_str());
  }
  sqlite3_close(raw);
}

// A short workload touching what a tampered file could break: reads of
// records, history, events, fields, segments, search, queries, and writes.
void Workload(crm_db* db) {
  int64_t count = 0;
  crm_customer_count(&count, db);
  for (int64_t id = 1; id <= 4; ++id) {
    crm_record* record = nullptr;
    if (crm_customer_get(&record, db, id) == CRM_OK) {
      crm_record_field_count(record);
    }
    crm_record_free(record);
    crm_record* past = nullptr;
    crm_customer_get_at(&past, db, id, INT64_MAX / 2);
    crm_record_free(past);
    crm_event_page* page = nullptr;
    crm_event_timeline(&page, db, id, nullptr);
    crm_event_page_free(page);
    crm_field_timeline* timeline = nullptr;
    crm_field_timeline_get(&timeline, db, id, "plan");
    crm_field_timeline_free(timeline);
  }
  crm_event_page* log = nullptr;
  if (crm_event_follow(&log, db, 0, 100) == CRM_OK) {
    for (size_t i = 0; i < crm_event_page_size(log); ++i) {
      crm_event* event = crm_event_page_at(log, i);
      crm_event_type(event);
      crm_event_before(event);
      crm_event_after(event);
    }
  }
  crm_event_page_free(log);
  char* json = nullptr;
  crm_field_list(&json, db, CRM_LIST_INCLUDE_ARCHIVED);
  crm_string_free(json);
  crm_rows* rows = nullptr;
  crm_segment_list(&rows, db);
  crm_rows_free(rows);
  rows = nullptr;
  crm_customer_search(&rows, db, "ada*", 10);
  crm_rows_free(rows);
  rows = nullptr;
  crm_field_fill_rates(&rows, db);
  crm_rows_free(rows);
  crm_query* query = nullptr;
  if (crm_query_new(&query, CRM_QUERY_CUSTOMERS) == CRM_OK) {
    crm_query_set_filter(query, "plan = 'premium' or labels has 'x'");
    rows = nullptr;
    crm_query_run(&rows, db, query);
    crm_rows_free(rows);
    crm_query_group_by(query, "plan", CRM_BUCKET_NONE);
    crm_query_aggregate(query, CRM_AGG_SUM, "balance", nullptr);
    rows = nullptr;
    crm_query_run_aggregate(&rows, db, query);
    crm_rows_free(rows);
  }
  crm_query_free(query);
  crm_record* record = nullptr;
  if (crm_record_new(&record) == CRM_OK) {
    crm_record_set_text(record, "name", "Newcomer");
    crm_record_set_text(record, "badge", "B-1");
    int64_t id = 0;
    if (crm_customer_create(&id, db, record, "fuzz") == CRM_OK) {
      int64_t version = 0;
      crm_customer_update(&version, db, id, 0, record, "fuzz");
      crm_customer_delete(db, id, 0, "fuzz");
    }
  }
  crm_record_free(record);
  AppendEvent(db, 1, "order.placed", "order-1", 1);
  int64_t field_id = 0;
  crm_field_define(&field_id, db, R"({"name": "late", "type": "text"})");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const BaseWorkspace& base = Base();
  std::string path = base.dir + "/input.crm";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix);
  }
  std::string bytes = base.bytes;
  if (data[0] != 'S') ApplyPatches(data + 1, size - 1, &bytes);
  WriteFile(path, bytes);
  if (data[0] == 'S') RunSql(path, data + 1, size - 1);

  crm_db* db = nullptr;
  int rc = crm_open(&db, path.c_str(), nullptr);
  CRM_FUZZ_CHECK(rc != CRM_E_INTERNAL);
  CRM_FUZZ_CHECK((rc == CRM_OK) == (db != nullptr));
  if (db != nullptr) Workload(db);
  crm_close(db);
  return 0;
}
