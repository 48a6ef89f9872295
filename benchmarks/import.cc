// What crm_import costs (issue #22, run.sh import): rows per second of
// crm_import of N customers from a CSV file, against
// crm_customer_write_batch (CRM_BATCH_UPSERT, batches of --batch rows) of
// the same rows in the same run, each into a new workspace file; and the
// peak resident memory of the import (measured before the batch writes
// run). The issue's targets: import >= 0.7x the batch write's rows per
// second at 1,000,000 rows, peak memory < 256 MB at 10,000,000.
//
//   crm_import_costs [--rows=20000] [--batch=10000] [--path=FOLDER]
//
// The batch timing includes encoding the crm.wire.CustomerBatch messages
// (a host's share, as the import's includes reading the file); writing the
// CSV file is not timed. Both results are checked (the counts, one
// customer's values); a wrong one fails the exit status. Nothing here
// asserts a time.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "checked_run.h"
#include "crm/crm.h"
#include "crm/crm.pb.h"
#include "crm_owned.h"
#include "peak_rss.h"

namespace crm_bench {
namespace {

using Db = std::unique_ptr<crm_db, DbClose>;
using Clock = std::chrono::steady_clock;

struct Flags {
  int rows = 20000;
  int batch = 10000;
  std::string path;
};

const char* const kFields[] = {
    R"({"name": "segment", "type": "integer"})",
    R"({"name": "revenue", "type": "decimal", "scale": 2})",
    R"({"name": "active", "type": "boolean"})",
    R"({"name": "signup", "type": "date"})",
    R"({"name": "plan", "type": "text"})",
    R"({"name": "interests", "type": "tags"})"};

// Row i's cells, as text.
struct Row {
  std::string external_id, name, email, city, revenue, signup, plan;
  int64_t segment;
  bool active;
  std::string interests[2];
};

Row RowAt(int i) {
  static const char* const kCities[] = {"Oslo", "Bergen", "Lyon", "Porto"};
  static const char* const kPlans[] = {"free", "pro", "team"};
  static const char* const kTags[] = {"golf", "wine", "jazz", "chess"};
  Row row;
  row.external_id = "ext-" + std::to_string(i);
  row.name = "Customer " + std::to_string(i);
  row.email = "c" + std::to_string(i) + "@example.com";
  row.city = kCities[i % 4];
  row.segment = i % 17;
  row.revenue = std::to_string(i % 100000) + "." + std::to_string(10 + i % 90);
  row.active = i % 3 != 0;
  char date[16];
  std::snprintf(date, sizeof(date), "20%02d-%02d-%02d", 10 + i % 14, 1 + i % 12,
                1 + i % 28);
  row.signup = date;
  row.plan = kPlans[i % 3];
  row.interests[0] = kTags[i % 4];
  row.interests[1] = kTags[(i + 1) % 4];
  return row;
}

void WriteCsv(const std::string& path, int rows) {
  std::ofstream out(path, std::ios::binary);
  out << "external_id,name,email,city,segment,revenue,active,signup,plan,"
         "interests\r\n";
  for (int i = 0; i < rows; ++i) {
    Row r = RowAt(i);
    out << r.external_id << ',' << r.name << ',' << r.email << ',' << r.city
        << ',' << r.segment << ',' << r.revenue << ','
        << (r.active ? "true" : "false") << ',' << r.signup << ',' << r.plan
        << ',' << r.interests[0] << '|' << r.interests[1] << "\r\n";
  }
}

Db NewWorkspace(const std::string& path) {
  std::filesystem::remove(path);
  crm_db* db = nullptr;
  Check(crm_open(&db, path.c_str(), nullptr), "open " + path);
  for (const char* field : kFields) {
    int64_t id = 0;
    Check(crm_field_define(&id, db, field), field);
  }
  return Db(db);
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void CheckCount(crm_db* db, int rows, const char* what) {
  int64_t count = 0;
  Check(crm_customer_count(&count, db), what);
  if (count != rows) Fail(std::string(what) + ": wrong customer count");
}

int Run(const Flags& flags) {
  std::string folder = flags.path.empty()
                           ? std::filesystem::temp_directory_path().string()
                           : flags.path;
  std::string tag = std::to_string(getpid());
  std::string csv = folder + "/crm-import-" + tag + ".csv";
  std::string imported = folder + "/crm-import-" + tag + ".db";
  std::string batched = folder + "/crm-batch-" + tag + ".db";
  WriteCsv(csv, flags.rows);

  double import_seconds = 0;
  {
    Db db = NewWorkspace(imported);
    crm_import_options options = CRM_IMPORT_OPTIONS_INIT;
    options.mapping_json =
        R"({"columns": {"interests": {"field": "interests",
                                      "separator": "|"}}})";
    options.batch_rows = flags.batch;
    char* report = nullptr;
    auto start = Clock::now();
    Check(crm_import(&report, db.get(), csv.c_str(), &options), "crm_import");
    import_seconds = Seconds(start);
    if (report == nullptr ||
        std::strstr(
            report,
            ("\"created\":" + std::to_string(flags.rows) + ",").c_str()) ==
            nullptr) {
      Fail(std::string("import report: ") + (report ? report : "(none)"));
    }
    crm_string_free(report);
    CheckCount(db.get(), flags.rows, "imported");
  }
  const double import_peak_mb = PeakRssMb();

  double batch_seconds = 0;
  {
    Db db = NewWorkspace(batched);
    auto start = Clock::now();
    for (int first = 0; first < flags.rows; first += flags.batch) {
      crm::wire::CustomerBatch batch;
      for (const char* column :
           {"external_id", "name", "email", "city", "segment", "revenue",
            "active", "signup", "plan", "interests"}) {
        batch.add_columns(column);
      }
      batch.set_actor("import");
      for (int i = first; i < std::min(flags.rows, first + flags.batch); ++i) {
        Row r = RowAt(i);
        crm::wire::CustomerRow* row = batch.add_rows();
        row->add_values()->set_text(r.external_id);
        row->add_values()->set_text(r.name);
        row->add_values()->set_text(r.email);
        row->add_values()->set_text(r.city);
        row->add_values()->set_integer(r.segment);
        row->add_values()->set_decimal(r.revenue);
        row->add_values()->set_boolean(r.active);
        row->add_values()->set_date(r.signup);
        row->add_values()->set_text(r.plan);
        auto* tags = row->add_values()->mutable_list();
        tags->add_items(r.interests[0]);
        tags->add_items(r.interests[1]);
      }
      std::string bytes = batch.SerializeAsString();
      crm_batch_report* report = nullptr;
      Check(crm_customer_write_batch(&report, db.get(), bytes.data(),
                                     bytes.size(), CRM_BATCH_UPSERT),
            "crm_customer_write_batch");
      crm_batch_report_free(report);
    }
    batch_seconds = Seconds(start);
    CheckCount(db.get(), flags.rows, "batched");
  }
  std::filesystem::remove(csv);
  for (const std::string& db : {imported, batched}) {
    std::filesystem::remove(db);
    std::filesystem::remove(db + "-wal");
    std::filesystem::remove(db + "-shm");
  }
  double import_rate = flags.rows / import_seconds;
  double batch_rate = flags.rows / batch_seconds;
  std::printf("rows %d, batch %d\n", flags.rows, flags.batch);
  std::printf("crm_import                %10.0f rows/s  (%.2f s)\n",
              import_rate, import_seconds);
  std::printf("crm_customer_write_batch  %10.0f rows/s  (%.2f s)\n", batch_rate,
              batch_seconds);
  std::printf("ratio import/batch        %10.2fx  (target >= 0.70x)\n",
              import_rate / batch_rate);
  std::printf("peak RSS after import     %10.1f MB  (target < 256 MB)\n",
              import_peak_mb);
  return Failed() ? 1 : 0;
}

}  // namespace
}  // namespace crm_bench

int main(int argc, char** argv) {
  crm_bench::Flags flags;
  crm_bench::ParseFlags(argc, argv,
                        {{"--rows=", &flags.rows}, {"--batch=", &flags.batch}},
                        &flags.path);
  if (flags.rows <= 0 || flags.batch <= 0) {
    std::fprintf(stderr, "--rows and --batch must be positive\n");
    return 2;
  }
  return crm_bench::Run(flags);
}
