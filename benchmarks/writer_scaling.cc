// Writer scaling: N processes writing to libcrm at once, each with its own
// handle, on one shared workspace (they contend for it) or each on its own
// workspace of the same database or directory (the machine's ceiling).
//
//   crm_writer_scaling [--writers=1,4,16] [--iterations=N]
//                      [--backends=sqlite,postgres] [--layouts=shared,separate]
//                      [--postgres_url=URL] [--dir=DIR] [--busy_timeout_ms=MS]
//                      [--rounds=N] [--json=FILE] [--csv=FILE]
//
// Each writer runs the mix of writer_mix.h for a fixed number of iterations,
// from a start barrier (every handle open first). Reported per run: wall
// time from the barrier to the last writer's end, committed calls and rows
// per second, latency percentiles of each kind of call over every writer and
// the worst writer's p99, CRM_E_CONFLICT and CRM_E_BUSY counts (each retried),
// and the check of writer_mix.h's VerifyWorkspace. Any error other than a
// conflict or busy, or a failed check, fails the exit status. Nothing about
// timing is asserted.
//
// postgres needs --postgres_url= (or CRM_BENCH_POSTGRES_URL): a libpq URL of
// a database without a `workspace` parameter; workspaces are named
// crm_ws_<pid>_<n> and dropped after their check. SQLite workspaces are files
// in --dir (default: a temporary directory), removed after their check.
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crm/crm.h"
#include "writer_mix.h"

namespace crm_bench {
namespace {

struct Options {
  std::vector<int> writers = {1, 4, 16};
  int64_t iterations = 64;
  std::vector<std::string> backends = {"sqlite", "postgres"};
  std::vector<std::string> layouts = {"shared", "separate"};
  std::string postgres_url;
  std::string dir;
  int32_t busy_timeout_ms = 5000;
  int rounds = 1;
  std::string json;
  std::string csv;
};

struct Percentiles {
  double p50 = 0, p99 = 0;
};

// One configuration's run, as reported.
struct RunReport {
  std::string backend, layout;
  int writers = 0, round = 0;
  double wall_s = 0;
  int64_t calls = 0, rows = 0, conflicts = 0, busy = 0;
  Percentiles all[kCallKinds];
  double worst_p99[kCallKinds] = {};
  std::vector<std::vector<Percentiles>> per_writer;  // [writer][kind]
  std::string check;                                 // "ok", or what failed
};

int64_t NowNs() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

Percentiles Of(std::vector<float> values) {
  Percentiles p;
  if (values.empty()) return p;
  std::sort(values.begin(), values.end());
  auto at = [&](double q) {
    size_t i =
        static_cast<size_t>(q * static_cast<double>(values.size() - 1) + 0.5);
    return static_cast<double>(values[i]);
  };
  p.p50 = at(0.50);
  p.p99 = at(0.99);
  return p;
}

// A writer's result crosses from its process to the parent as a file: a
// line of counters, the error line, then one line per vector.
void Save(const WriterResult& r, const std::string& path) {
  std::ofstream out(path);
  for (int64_t c : r.calls) out << c << ' ';
  out << r.rows << ' ' << r.conflicts << ' ' << r.busy << ' ' << r.updates
      << '\n'
      << r.error << '\n';
  for (const auto& kind : r.latency_us) {
    out << kind.size();
    for (float v : kind) out << ' ' << v;
    out << '\n';
  }
  for (const auto* list : {&r.ids, &r.seqs}) {
    out << list->size();
    for (int64_t v : *list) out << ' ' << v;
    out << '\n';
  }
}

bool Load(const std::string& path, WriterResult* r) {
  std::ifstream in(path);
  for (int64_t& c : r->calls) in >> c;
  in >> r->rows >> r->conflicts >> r->busy >> r->updates;
  in.ignore(1);
  std::getline(in, r->error);
  size_t n = 0;
  for (auto& kind : r->latency_us) {
    in >> n;
    kind.resize(n);
    for (float& v : kind) in >> v;
  }
  for (auto* list : {&r->ids, &r->seqs}) {
    in >> n;
    list->resize(n);
    for (int64_t& v : *list) in >> v;
  }
  return static_cast<bool>(in);
}

// The start barrier's pipes, as a writer process sees them.
int g_ready_fd = -1;
int g_go_fd = -1;
void SignalReady(bool opened) {
  char c = opened ? 'r' : 'x';
  (void)!write(g_ready_fd, &c, 1);
  // Closed at once, so that a writer dying before its byte ends the
  // parent's wait (end of file) instead of leaving it waiting for ever.
  close(g_ready_fd);
}
void AwaitStart() {
  char c;
  (void)!read(g_go_fd, &c, 1);  // returns 0 when the parent closes its end
}

class Runner {
 public:
  explicit Runner(Options options) : o_(std::move(options)) {}

  // Runs every configuration, prints its line; false if any failed.
  bool RunAll() {
    bool ok = true;
    std::printf("%-8s %-8s %7s %5s %8s %9s %9s", "backend", "layout", "writers",
                "round", "wall_s", "calls/s", "rows/s");
    for (const char* kind : kCallKindNames) {
      std::printf(" %21s", (std::string(kind) + " p50/p99/wp99").c_str());
    }
    std::printf(" %9s %7s  check\n", "conflicts", "busy");
    for (int round = 1; round <= o_.rounds; ++round) {
      for (int writers : o_.writers) {
        for (const std::string& backend : o_.backends) {
          for (const std::string& layout : o_.layouts) {
            RunReport report = RunOne(backend, layout, writers, round);
            Print(report);
            ok = ok && report.check == "ok";
            reports_.push_back(std::move(report));
          }
        }
      }
    }
    WriteJson();
    WriteCsv();
    return ok;
  }

 private:
  std::string Location(const std::string& backend) {
    ++workspaces_;
    std::string name = "crm_ws_" + std::to_string(getpid()) + "_" +
                       std::to_string(workspaces_);
    if (backend == "postgres") {
      return o_.postgres_url +
             (o_.postgres_url.find('?') == std::string::npos ? "?" : "&") +
             "workspace=" + name;
    }
    return o_.dir + "/" + name + ".crm";
  }

  void Drop(const std::string& backend, const std::string& location) {
    if (backend == "postgres") {
      crm_workspace_drop(location.c_str());
    } else {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(location + suffix);
      }
    }
  }

  RunReport RunOne(const std::string& backend, const std::string& layout,
                   int writers, int round) {
    RunReport report;
    report.backend = backend;
    report.layout = layout;
    report.writers = writers;
    report.round = round;
    bool server = backend == "postgres";
    // Workspace w of the run and its shared customer; writer i writes to
    // workspace (shared ? 0 : i).
    int workspaces = layout == "shared" ? 1 : writers;
    std::vector<std::string> locations;
    std::vector<int64_t> shared_ids(workspaces, 0);
    for (int w = 0; w < workspaces; ++w) {
      locations.push_back(Location(backend));
      std::string error =
          PrepareWorkspace(locations[w], server, &shared_ids[w]);
      if (!error.empty()) {
        report.check = "prepare: " + error;
        for (int d = 0; d <= w; ++d) Drop(backend, locations[d]);
        return report;
      }
    }
    int ready[2], go[2];
    if (pipe(ready) != 0 || pipe(go) != 0) {
      report.check = "pipe failed";
      return report;
    }
    std::vector<pid_t> pids;
    std::vector<std::string> paths;
    for (int i = 0; i < writers; ++i) {
      int w = layout == "shared" ? 0 : i;
      paths.push_back(o_.dir + "/result_" + std::to_string(getpid()) + "_" +
                      std::to_string(i));
      pid_t pid = fork();
      if (pid == 0) {
        close(ready[0]);
        close(go[1]);
        g_ready_fd = ready[1];
        g_go_fd = go[0];
        WriterTask task;
        task.writer = i;
        task.location = locations[w];
        task.server = server;
        task.shared_id = shared_ids[w];
        task.iterations = o_.iterations;
        task.busy_timeout_ms = o_.busy_timeout_ms;
        WriterResult result;
        RunWriter(task, SignalReady, AwaitStart, &result);
        int64_t end = NowNs();
        Save(result, paths[i]);
        std::ofstream(paths[i] + ".end") << end << '\n';
        _exit(result.error.empty() ? 0 : 1);
      }
      pids.push_back(pid);
    }
    close(ready[1]);
    close(go[0]);
    for (int i = 0; i < writers; ++i) {
      char c;
      if (read(ready[0], &c, 1) != 1) break;
    }
    int64_t start = NowNs();
    close(go[1]);
    close(ready[0]);
    int64_t end = start;
    for (pid_t pid : pids) {
      int status = 0;
      waitpid(pid, &status, 0);
    }
    // Gather.
    std::vector<WriterResult> results(writers);
    std::vector<float> all[kCallKinds];
    std::string error;
    for (int i = 0; i < writers; ++i) {
      int64_t writer_end = 0;
      std::ifstream(paths[i] + ".end") >> writer_end;
      end = std::max(end, writer_end);
      if (!Load(paths[i], &results[i]) && error.empty()) {
        error = "writer " + std::to_string(i) + " reported nothing";
      }
      std::filesystem::remove(paths[i]);
      std::filesystem::remove(paths[i] + ".end");
      const WriterResult& r = results[i];
      if (!r.error.empty() && error.empty()) {
        error = "writer " + std::to_string(i) + ": " + r.error;
      }
      for (int64_t c : r.calls) report.calls += c;
      report.rows += r.rows;
      report.conflicts += r.conflicts;
      report.busy += r.busy;
      std::vector<Percentiles>& mine = report.per_writer.emplace_back();
      for (int k = 0; k < kCallKinds; ++k) {
        mine.push_back(Of(r.latency_us[k]));
        report.worst_p99[k] = std::max(report.worst_p99[k], mine[k].p99);
        all[k].insert(all[k].end(), r.latency_us[k].begin(),
                      r.latency_us[k].end());
      }
    }
    for (int k = 0; k < kCallKinds; ++k) report.all[k] = Of(all[k]);
    report.wall_s = static_cast<double>(end - start) / 1e9;
    // Check each workspace against what its writers reported, whatever
    // happened: a writer that failed still reports what it committed.
    for (int w = 0; w < workspaces; ++w) {
      std::vector<int> numbers;
      std::vector<const WriterResult*> theirs;
      for (int i = 0; i < writers; ++i) {
        if ((layout == "shared" ? 0 : i) != w) continue;
        numbers.push_back(i);
        theirs.push_back(&results[i]);
      }
      std::string mismatch =
          VerifyWorkspace(locations[w], server, shared_ids[w], numbers, theirs);
      if (!mismatch.empty() && error.empty()) {
        error = "workspace " + std::to_string(w) + ": " + mismatch;
      }
      Drop(backend, locations[w]);
    }
    // Every writer did all its work: no call is missing from the counts.
    for (int i = 0; i < writers && error.empty(); ++i) {
      for (int k = 0; k < kCallKinds; ++k) {
        if (results[i].calls[k] !=
            CallsOf(static_cast<CallKind>(k), o_.iterations)) {
          error = "writer " + std::to_string(i) + " made " +
                  std::to_string(results[i].calls[k]) + " " +
                  kCallKindNames[k] + " calls";
          break;
        }
      }
    }
    report.check = error.empty() ? "ok" : error;
    return report;
  }

  static std::string Ms(double us) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", us / 1000.0);
    return text;
  }

  void Print(const RunReport& r) {
    std::printf("%-8s %-8s %7d %5d %8.2f %9.0f %9.0f", r.backend.c_str(),
                r.layout.c_str(), r.writers, r.round, r.wall_s,
                static_cast<double>(r.calls) / r.wall_s,
                static_cast<double>(r.rows) / r.wall_s);
    for (int k = 0; k < kCallKinds; ++k) {
      std::printf(" %21s", (Ms(r.all[k].p50) + "/" + Ms(r.all[k].p99) + "/" +
                            Ms(r.worst_p99[k]))
                               .c_str());
    }
    std::printf(" %9lld %7lld  %s\n", static_cast<long long>(r.conflicts),
                static_cast<long long>(r.busy), r.check.c_str());
    std::fflush(stdout);
  }

  static std::string Quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
      out += c;
    }
    return out + "\"";
  }

  void WriteJson() {
    if (o_.json.empty()) return;
    std::ostringstream out;
    out << "{\"iterations\": " << o_.iterations
        << ", \"busy_timeout_ms\": " << o_.busy_timeout_ms
        << ", \"latency_unit\": \"us\", \"runs\": [";
    for (size_t n = 0; n < reports_.size(); ++n) {
      const RunReport& r = reports_[n];
      out << (n ? ",\n" : "\n") << "{\"backend\": " << Quoted(r.backend)
          << ", \"layout\": " << Quoted(r.layout)
          << ", \"writers\": " << r.writers << ", \"round\": " << r.round
          << ", \"wall_s\": " << r.wall_s << ", \"calls\": " << r.calls
          << ", \"rows\": " << r.rows << ", \"conflicts\": " << r.conflicts
          << ", \"busy\": " << r.busy << ", \"check\": " << Quoted(r.check)
          << ", \"latency\": {";
      for (int k = 0; k < kCallKinds; ++k) {
        out << (k ? ", " : "") << Quoted(kCallKindNames[k])
            << ": {\"p50\": " << r.all[k].p50 << ", \"p99\": " << r.all[k].p99
            << ", \"worst_writer_p99\": " << r.worst_p99[k]
            << ", \"per_writer\": [";
        for (size_t w = 0; w < r.per_writer.size(); ++w) {
          out << (w ? ", " : "") << "[" << r.per_writer[w][k].p50 << ", "
              << r.per_writer[w][k].p99 << "]";
        }
        out << "]}";
      }
      out << "}}";
    }
    out << "\n]}\n";
    std::ofstream(o_.json) << out.str();
  }

  void WriteCsv() {
    if (o_.csv.empty()) return;
    std::ofstream out(o_.csv);
    out << "backend,layout,writers,round,wall_s,calls,rows,calls_per_s,"
           "rows_per_s,conflicts,busy";
    for (const char* kind : kCallKindNames) {
      out << ',' << kind << "_p50_us," << kind << "_p99_us," << kind
          << "_worst_p99_us";
    }
    out << ",check\n";
    for (const RunReport& r : reports_) {
      out << r.backend << ',' << r.layout << ',' << r.writers << ',' << r.round
          << ',' << r.wall_s << ',' << r.calls << ',' << r.rows << ','
          << static_cast<double>(r.calls) / r.wall_s << ','
          << static_cast<double>(r.rows) / r.wall_s << ',' << r.conflicts << ','
          << r.busy;
      for (int k = 0; k < kCallKinds; ++k) {
        out << ',' << r.all[k].p50 << ',' << r.all[k].p99 << ','
            << r.worst_p99[k];
      }
      out << ',' << Quoted(r.check) << '\n';
    }
  }

  Options o_;
  int workspaces_ = 0;
  std::vector<RunReport> reports_;
};

std::vector<std::string> Split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

int Usage(const char* bad) {
  std::fprintf(stderr,
               "crm_writer_scaling: bad argument %s\nusage: crm_writer_scaling "
               "[--writers=1,4,16] [--iterations=N] "
               "[--backends=sqlite,postgres] [--layouts=shared,separate] "
               "[--postgres_url=URL] [--dir=DIR] [--busy_timeout_ms=MS] "
               "[--rounds=N] [--json=FILE] [--csv=FILE]\n",
               bad);
  return 2;
}

}  // namespace
}  // namespace crm_bench

int main(int argc, char** argv) {
  using crm_bench::Options;
  Options o;
  if (const char* url = std::getenv("CRM_BENCH_POSTGRES_URL")) {
    o.postgres_url = url;
  }
  bool backends_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      size_t n = std::strlen(name);
      return arg.compare(0, n, name) == 0 ? argv[i] + n : nullptr;
    };
    if (const char* v = value("--writers=")) {
      o.writers.clear();
      for (const std::string& n : crm_bench::Split(v)) {
        o.writers.push_back(std::atoi(n.c_str()));
        if (o.writers.back() < 1 || o.writers.back() > 256) {
          return crm_bench::Usage(argv[i]);
        }
      }
    } else if (const char* v = value("--iterations=")) {
      o.iterations = std::atoll(v);
      if (o.iterations < 1) return crm_bench::Usage(argv[i]);
    } else if (const char* v = value("--backends=")) {
      o.backends = crm_bench::Split(v);
      backends_given = true;
    } else if (const char* v = value("--layouts=")) {
      o.layouts = crm_bench::Split(v);
    } else if (const char* v = value("--postgres_url=")) {
      o.postgres_url = v;
    } else if (const char* v = value("--dir=")) {
      o.dir = v;
    } else if (const char* v = value("--busy_timeout_ms=")) {
      o.busy_timeout_ms = std::atoi(v);
    } else if (const char* v = value("--rounds=")) {
      o.rounds = std::max(1, std::atoi(v));
    } else if (const char* v = value("--json=")) {
      o.json = v;
    } else if (const char* v = value("--csv=")) {
      o.csv = v;
    } else {
      return crm_bench::Usage(argv[i]);
    }
  }
  for (const std::string& b : o.backends) {
    if (b != "sqlite" && b != "postgres") return crm_bench::Usage(b.c_str());
  }
  for (const std::string& l : o.layouts) {
    if (l != "shared" && l != "separate") return crm_bench::Usage(l.c_str());
  }
  auto postgres = std::find(o.backends.begin(), o.backends.end(), "postgres");
  if (postgres != o.backends.end() && o.postgres_url.empty()) {
    if (backends_given) {
      std::fprintf(stderr, "crm_writer_scaling: postgres needs a URL\n");
      return 2;
    }
    o.backends.erase(postgres);  // the default: PostgreSQL when named
  }
  bool own_dir = o.dir.empty();
  if (own_dir) {
    char pattern[] = "/tmp/crm_writers_XXXXXX";
    if (mkdtemp(pattern) == nullptr) return 1;
    o.dir = pattern;
  }
  std::printf(
      "writer scaling: %lld iterations per writer (%lld customers, "
      "%lld events, %lld shared updates), busy timeout %d ms; "
      "latencies in ms (p50/p99 over all writers/worst writer's p99)\n",
      static_cast<long long>(o.iterations),
      static_cast<long long>(crm_bench::CustomersOf(o.iterations)),
      static_cast<long long>(crm_bench::CustomersOf(o.iterations)),
      static_cast<long long>(
          crm_bench::CallsOf(crm_bench::kUpdateShared, o.iterations)),
      o.busy_timeout_ms);
  bool ok = crm_bench::Runner(o).RunAll();
  if (own_dir) std::filesystem::remove_all(o.dir);
  return ok ? 0 : 1;
}
