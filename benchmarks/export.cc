// What a bulk export costs (issue #22, run.sh export): crm_export of every
// customer of a workspace file to CSV, against a hand-written export of the
// same columns from the same file, in the same run:
//
//   libcrm    crm_export(CRM_DATA_CUSTOMERS, CSV) with 17 columns (the
//             benchmark data set's standard and user-defined fields, every
//             type, and created_at)
//   baseline  one SELECT of the same columns through the sqlite3 C API,
//             each value written as crm_export writes it (decimals from
//             their scaled integers, datetimes as ISO-8601, booleans as
//             true/false, RFC 4180 quoting) with stdio, then flushed and
//             synced as crm_export syncs its file
//
// The target: libcrm at >= 0.5x the baseline's rows per second at
// 1,000,000 customers. Each figure is the median over rounds (the engines
// alternate within a round). Both files must be byte for byte the same, or
// the run fails; nothing here asserts a time. Also printed: the peak
// resident memory of the export alone (VmHWM reset before it), which must
// not grow with the rows.
//
//   crm_export_costs [--customers=100000] [--rounds=3] [--path=FILE]
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "checked_run.h"
#include "crm/crm.h"
#include "dataset.h"
#include "peak_rss.h"
#include "store.h"

namespace crm_bench {
namespace {

constexpr char kColumns[] =
    "id,name,email,phone,city,external_id,segment,revenue,active,"
    "signup_date,last_contact,plan,interests,notes,employees,credit_limit,"
    "created_at";

// How the baseline writes each column's stored value.
enum class Form { kInteger, kText, kCents, kBoolean, kDateTime };

struct Column {
  const char* field;
  Form form;
};

constexpr Column kBaselineColumns[] = {{"id", Form::kInteger},
                                       {"name", Form::kText},
                                       {"email", Form::kText},
                                       {"phone", Form::kText},
                                       {"city", Form::kText},
                                       {"external_id", Form::kText},
                                       {"segment", Form::kInteger},
                                       {"revenue", Form::kCents},
                                       {"active", Form::kBoolean},
                                       {"signup_date", Form::kText},
                                       {"last_contact", Form::kDateTime},
                                       {"plan", Form::kText},
                                       {"interests", Form::kText},
                                       {"notes", Form::kText},
                                       {"employees", Form::kInteger},
                                       {"credit_limit", Form::kCents},
                                       {"created_at", Form::kDateTime}};

struct Flags {
  int customers = 100000;
  int rounds = 3;
  std::string path;
};

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

// Resets this process's VmHWM to its current resident memory.
void ResetPeakRss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The baseline: a file written with stdio, a buffer for one row.
class CsvFile {
 public:
  explicit CsvFile(const std::string& path)
      : file_(std::fopen(path.c_str(), "wb")) {}
  ~CsvFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  bool ok() const { return file_ != nullptr; }

  void Cell(const char* text, size_t size) {
    Separate();
    bool quote = size > 0 && (text[0] == ' ' || text[0] == '\t' ||
                              text[size - 1] == ' ' || text[size - 1] == '\t');
    for (size_t i = 0; i < size && !quote; ++i) {
      char c = text[i];
      quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    if (!quote) {
      row_.append(text, size);
      return;
    }
    row_.push_back('"');
    for (size_t i = 0; i < size; ++i) {
      if (text[i] == '"') row_.push_back('"');
      row_.push_back(text[i]);
    }
    row_.push_back('"');
  }
  void Integer(int64_t value) {
    Separate();
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    row_.append(digits, end);
  }
  void Cents(int64_t cents) {
    Separate();
    if (cents < 0) row_.push_back('-');
    uint64_t magnitude = cents < 0 ? 0 - static_cast<uint64_t>(cents)
                                   : static_cast<uint64_t>(cents);
    char digits[32];
    int n = std::snprintf(digits, sizeof digits, "%llu.%02llu",
                          static_cast<unsigned long long>(magnitude / 100),
                          static_cast<unsigned long long>(magnitude % 100));
    row_.append(digits, n);
  }
  void Boolean(bool value) {
    Separate();
    row_.append(value ? "true" : "false");
  }
  void DateTime(int64_t us) {
    Separate();
    int64_t seconds = us / 1000000, fraction = us % 1000000;
    if (fraction < 0) {
      fraction += 1000000;
      --seconds;
    }
    time_t t = static_cast<time_t>(seconds);
    std::tm civil{};
    gmtime_r(&t, &civil);
    char text[40];
    int n = std::snprintf(
        text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
        civil.tm_year + 1900, civil.tm_mon + 1, civil.tm_mday, civil.tm_hour,
        civil.tm_min, civil.tm_sec, static_cast<long long>(fraction));
    row_.append(text, n);
  }
  void Null() { Separate(); }
  void EndRow() {
    row_.append("\r\n");
    std::fwrite(row_.data(), 1, row_.size(), file_);
    row_.clear();
    first_ = true;
  }
  // Flushed and synced, as crm_export's file is.
  bool Close() {
    bool ok = std::fflush(file_) == 0 && fsync(fileno(file_)) == 0;
    ok = std::fclose(file_) == 0 && ok;
    file_ = nullptr;
    return ok;
  }

 private:
  void Separate() {
    if (!first_) row_.push_back(',');
    first_ = false;
  }

  std::FILE* file_;
  std::string row_;
  bool first_ = true;
};

// The customer columns of the file's fields: a field's own column for
// user-defined fields ("f_<id>"), the name for standard ones.
std::map<std::string, std::string> ColumnsOf(sqlite3* db) {
  std::map<std::string, std::string> columns;
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(
      db, "SELECT name, column_name FROM crm_fields WHERE status = 'active'",
      -1, &statement, nullptr);
  while (sqlite3_step(statement) == SQLITE_ROW) {
    columns[reinterpret_cast<const char*>(sqlite3_column_text(statement, 0))] =
        reinterpret_cast<const char*>(sqlite3_column_text(statement, 1));
  }
  sqlite3_finalize(statement);
  columns["id"] = "id";
  return columns;
}

// The hand-written export: returns the rows written, -1 on failure.
int64_t BaselineExport(const std::string& workspace, const std::string& out) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(workspace.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
      SQLITE_OK) {
    Fail("baseline open");
    sqlite3_close(db);
    return -1;
  }
  std::map<std::string, std::string> columns = ColumnsOf(db);
  std::string sql = "SELECT ";
  for (const Column& column : kBaselineColumns) {
    if (sql.size() > 7) sql += ", ";
    sql += "\"" + columns[column.field] + "\"";
  }
  sql += " FROM crm_customers ORDER BY id";
  sqlite3_stmt* statement = nullptr;
  CsvFile file(out);
  int64_t rows = -1;
  if (!file.ok() || sqlite3_prepare_v2(db, sql.c_str(), -1, &statement,
                                       nullptr) != SQLITE_OK) {
    Fail(std::string("baseline prepare: ") + sqlite3_errmsg(db));
  } else {
    std::string header = kColumns;
    size_t at = 0;
    while (at <= header.size()) {
      size_t comma = std::min(header.find(',', at), header.size());
      file.Cell(header.data() + at, comma - at);
      at = comma + 1;
    }
    file.EndRow();
    rows = 0;
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
      int c = 0;
      for (const Column& column : kBaselineColumns) {
        if (sqlite3_column_type(statement, c) == SQLITE_NULL) {
          file.Null();
        } else {
          switch (column.form) {
            case Form::kInteger:
              file.Integer(sqlite3_column_int64(statement, c));
              break;
            case Form::kText:
              file.Cell(reinterpret_cast<const char*>(
                            sqlite3_column_text(statement, c)),
                        sqlite3_column_bytes(statement, c));
              break;
            case Form::kCents:
              file.Cents(sqlite3_column_int64(statement, c));
              break;
            case Form::kBoolean:
              file.Boolean(sqlite3_column_int64(statement, c) != 0);
              break;
            case Form::kDateTime:
              file.DateTime(sqlite3_column_int64(statement, c));
              break;
          }
        }
        ++c;
      }
      file.EndRow();
      ++rows;
    }
    if (rc != SQLITE_DONE || !file.Close()) {
      Fail("baseline export");
      rows = -1;
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return rows;
}

int64_t LibcrmExport(crm_db* db, const std::string& out) {
  crm_export_options options = CRM_EXPORT_OPTIONS_INIT;
  options.fields = kColumns;
  int64_t rows = -1;
  Check(crm_export(&rows, db, out.c_str(), &options), "crm_export");
  return rows;
}

int Run(int argc, char** argv) {
  Flags flags;
  ParseFlags(argc, argv,
             {{"--customers=", &flags.customers}, {"--rounds=", &flags.rounds}},
             &flags.path);
  std::string made_dir;
  std::string workspace = flags.path;
  if (workspace.empty()) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "crm-bench-XXXXXX").string();
    made_dir = mkdtemp(pattern.data());
    workspace = made_dir + "/export.crm";
  }
  std::string folder = std::filesystem::path(workspace).parent_path().string();
  if (folder.empty()) folder = ".";
  Sizes sizes{flags.customers, 0, 10000};
  auto start = std::chrono::steady_clock::now();
  {
    std::unique_ptr<Store> store = NewLibcrmStore();
    if (!store->Open(workspace)) {
      Fail("open: " + store->error());
      return 1;
    }
    for (int64_t at = 0; at < sizes.customers; at += sizes.batch) {
      int64_t end = std::min(at + sizes.batch, sizes.customers);
      if (!store->CreateCustomers(MakeCustomers(sizes, at, end))) {
        Fail("load: " + store->error());
        return 1;
      }
    }
  }
  std::printf("%d customers loaded in %.1f s\n", flags.customers,
              Seconds(start));
  crm_db* db = nullptr;
  if (crm_open(&db, workspace.c_str(), nullptr) != CRM_OK) {
    Fail("open " + workspace);
    return 1;
  }
  std::string libcrm_file = folder + "/libcrm.csv";
  std::string baseline_file = folder + "/baseline.csv";
  std::vector<double> libcrm_rates, baseline_rates;
  double peak_mb = 0, before_mb = 0;
  for (int round = 0; round < flags.rounds; ++round) {
    ResetPeakRss();
    before_mb = PeakRssMb();
    start = std::chrono::steady_clock::now();
    int64_t rows = LibcrmExport(db, libcrm_file);
    double libcrm_seconds = Seconds(start);
    peak_mb = std::max(peak_mb, PeakRssMb() - before_mb);
    if (rows != flags.customers) Fail("crm_export's row count");
    start = std::chrono::steady_clock::now();
    int64_t baseline_rows = BaselineExport(workspace, baseline_file);
    double baseline_seconds = Seconds(start);
    if (baseline_rows != flags.customers) Fail("the baseline's row count");
    libcrm_rates.push_back(flags.customers / libcrm_seconds);
    baseline_rates.push_back(flags.customers / baseline_seconds);
    if (round == 0 && ReadFile(libcrm_file) != ReadFile(baseline_file)) {
      Fail("crm_export's file differs from the baseline's");
    }
  }
  double libcrm = Median(libcrm_rates), baseline = Median(baseline_rates);
  std::printf("export of %d customers to CSV (%d columns), median of %d:\n",
              flags.customers, static_cast<int>(std::size(kBaselineColumns)),
              flags.rounds);
  std::printf("  libcrm    %10.0f rows/s\n", libcrm);
  std::printf("  baseline  %10.0f rows/s (SELECT through sqlite3, as CSV)\n",
              baseline);
  std::printf("  ratio     %10.2fx of the baseline's rate (target >= 0.5x)\n",
              libcrm / baseline);
  std::printf("  file      %10.1f MB\n",
              std::filesystem::file_size(libcrm_file) / 1e6);
  std::printf(
      "  memory    %10.1f MB above the resident size before the "
      "export, at its peak\n",
      peak_mb);
  crm_close(db);
  std::filesystem::remove(libcrm_file);
  std::filesystem::remove(baseline_file);
  if (!made_dir.empty()) std::filesystem::remove_all(made_dir);
  return Failed() ? 1 : 0;
}

}  // namespace
}  // namespace crm_bench

int main(int argc, char** argv) { return crm_bench::Run(argc, argv); }
