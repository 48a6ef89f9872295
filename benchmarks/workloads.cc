// The benchmark suite: each workload registered once for libcrm, once for
// libcrm on PostgreSQL when a server is named, and once per SQLite baseline,
// in one binary. Writes are timed over the whole data set; reads run against
// data loaded outside the timed region.
//
//   crm_benchmarks [--size=ci|default|scale] [--customers=N] [--events=N]
//                  [--batch=N] [--read_repetitions=N] [--workspace_dir=DIR]
//                  [--postgres_url=URL] [benchmark flags]
//
// A wrong result fails the benchmark (SkipWithError) and the exit status.
// Every benchmark reports the process's peak resident memory so far
// (counter peak_rss_mb). Workspaces go to a temporary directory removed at
// exit, or to --workspace_dir (which must hold no workspace yet), kept.
//
// Engine libcrm_pg (the same LibcrmStore on PostgreSQL workspaces) is
// registered only with --postgres_url= or CRM_BENCH_POSTGRES_URL: a libpq URL
// of a database, without a `workspace` parameter. Its workspaces are named
// crm_bench_<pid>_<n> and dropped at exit (kept with --workspace_dir). A
// workload whose call it refuses as not offered yet (CRM_E_UNSUPPORTED: the
// queries, issue #18) is skipped with an error message starting "n/a: ",
// which neither fails the exit status nor counts as a result (report.py
// shows "n/a").
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "dataset.h"
#include "peak_rss.h"
#include "store.h"

namespace crm_bench {
namespace {

enum class Engine { kLibcrm, kLibcrmPg, kSqlite, kSqliteSame, kSqliteJson };
constexpr const char* kEngineNames[] = {"libcrm", "libcrm_pg", "sqlite",
                                        "sqlite_same", "sqlite_json"};
constexpr size_t kEngines = std::size(kEngineNames);

Sizes g_sizes;
int g_read_repetitions = 1;
std::string g_root;        // directory holding every workspace
bool g_keep_root = false;  // --workspace_dir: kept at exit
bool g_failed = false;
std::string g_postgres_url;                // libcrm_pg's server; "": none
std::vector<std::string> g_pg_workspaces;  // the URLs of those it created

std::unique_ptr<Store> NewStore(Engine engine) {
  switch (engine) {
    case Engine::kLibcrm:
      return NewLibcrmStore();
    case Engine::kLibcrmPg:
      return NewLibcrmStore(LibcrmOpen::kServer);
    case Engine::kSqlite:
      return NewSqliteStore(SqliteLayout::kBare);
    case Engine::kSqliteSame:
      return NewSqliteStore(SqliteLayout::kSameWork);
    case Engine::kSqliteJson:
      break;
  }
  return NewSqliteStore(SqliteLayout::kJson);
}

// Where a new workspace of `engine` goes: a new file under g_root, or a new
// workspace on g_postgres_url's server.
std::string NewLocation(Engine engine) {
  static int count = 0;
  if (engine == Engine::kLibcrmPg) {
    std::string url = g_postgres_url;
    url += url.find('?') == std::string::npos ? "?" : "&";
    url += "workspace=crm_bench_" + std::to_string(getpid()) + "_" +
           std::to_string(count++);
    g_pg_workspaces.push_back(url);
    return url;
  }
  return g_root + "/" + kEngineNames[static_cast<int>(engine)] + "-" +
         std::to_string(count++) + ".db";
}

// The loaded data set of each engine that the read workloads use.
struct World {
  std::unique_ptr<Store> store;
  bool events = false;  // the main log (MakeEvents) is loaded
  bool spread = false;  // and the spread log (MakeSpreadEvents) after it
  int64_t event_count() const {
    return (events ? g_sizes.events : 0) + (spread ? g_sizes.events : 0);
  }
};
std::array<World, kEngines> g_worlds;

void Fail(benchmark::State& state, const std::string& message) {
  g_failed = true;
  state.SkipWithError(message.c_str());
}

// Fails the benchmark with `what`; when the store's call itself failed
// (`call_ok` false), with the store's error after it. libcrm on PostgreSQL
// refusing a call it does not offer yet is reported "n/a: <its error>" and
// fails nothing; any other engine refusing a call fails as any error does.
void Failed(benchmark::State& state, Engine engine, const Store& store,
            bool call_ok, const std::string& what) {
  if (!call_ok && engine == Engine::kLibcrmPg && store.unsupported()) {
    state.SkipWithError(("n/a: " + store.error()).c_str());
    return;
  }
  Fail(state, call_ok ? what : what + ": " + store.error());
}

bool LoadCustomers(Store* store) {
  for (int64_t at = 0; at < g_sizes.customers; at += g_sizes.batch) {
    int64_t end = std::min(at + g_sizes.batch, g_sizes.customers);
    if (!store->CreateCustomers(MakeCustomers(g_sizes, at, end))) return false;
  }
  return true;
}

bool LoadEvents(Store* store) {
  for (int64_t at = 0; at < g_sizes.events; at += g_sizes.batch) {
    int64_t end = std::min(at + g_sizes.batch, g_sizes.events);
    if (!store->AppendEvents(MakeEvents(g_sizes, at, end))) return false;
  }
  return true;
}

// The engine's data set with customers and, if asked, events; null (and the
// benchmark failed) when it cannot be loaded.
Store* Ready(benchmark::State& state, Engine engine, bool events) {
  World& world = g_worlds[static_cast<int>(engine)];
  if (world.store == nullptr) {
    world.store = NewStore(engine);
    if (!world.store->Open(NewLocation(engine)) ||
        !LoadCustomers(world.store.get())) {
      Failed(state, engine, *world.store, false, "loading customers");
      world.store.reset();
      return nullptr;
    }
  }
  if (events && !world.events) {
    if (!LoadEvents(world.store.get())) {
      Failed(state, engine, *world.store, false, "loading events");
      return nullptr;
    }
    world.events = true;
  }
  return world.store.get();
}

// 1. Create every customer, in batches; rows/s.
void CreateCustomers(benchmark::State& state, Engine engine) {
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<Store> store = NewStore(engine);
    bool ok = store->Open(NewLocation(engine));
    for (int64_t at = 0; ok && at < g_sizes.customers; at += g_sizes.batch) {
      std::vector<Customer> rows = MakeCustomers(
          g_sizes, at, std::min(at + g_sizes.batch, g_sizes.customers));
      state.ResumeTiming();
      ok = store->CreateCustomers(rows);
      state.PauseTiming();
    }
    int64_t count = 0;
    if (!ok || !store->CountCustomers(&count)) {
      Failed(state, engine, *store, false, "creating customers");
      break;
    }
    if (count != g_sizes.customers) {
      Fail(state, "stored " + std::to_string(count) + " customers");
      break;
    }
    World& world = g_worlds[static_cast<int>(engine)];
    if (world.store == nullptr) world.store = std::move(store);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * g_sizes.customers);
}

// 2. Append every event for the loaded customers, in batches; events/s.
void AppendEvents(benchmark::State& state, Engine engine) {
  World& world = g_worlds[static_cast<int>(engine)];
  if (world.events) world = World();  // start again from customers only
  Store* store = Ready(state, engine, false);
  if (store == nullptr) return;
  for (auto _ : state) {
    bool ok = true;
    for (int64_t at = 0; ok && at < g_sizes.events; at += g_sizes.batch) {
      state.PauseTiming();
      std::vector<Event> rows =
          MakeEvents(g_sizes, at, std::min(at + g_sizes.batch, g_sizes.events));
      state.ResumeTiming();
      ok = store->AppendEvents(rows);
    }
    if (!ok) {
      Failed(state, engine, *store, false, "appending events");
      break;
    }
  }
  world.events = true;
  std::vector<EventView> latest;
  bool ok = store->LatestEvents(store->id(0), 50, &latest);
  if (!ok || latest.size() != 50) {
    Failed(state, engine, *store, ok, "timeline after append");
  }
  state.SetItemsProcessed(state.iterations() * g_sizes.events);
}

// 2b. Append the spread log after the main one: every customer gets the
// same share, so the customer each event names is rarely in cache; events/s.
void AppendSpreadEvents(benchmark::State& state, Engine engine) {
  World& world = g_worlds[static_cast<int>(engine)];
  if (world.spread) world = World();
  Store* store = Ready(state, engine, true);
  if (store == nullptr) return;
  for (auto _ : state) {
    bool ok = true;
    for (int64_t at = 0; ok && at < g_sizes.events; at += g_sizes.batch) {
      state.PauseTiming();
      std::vector<Event> rows = MakeSpreadEvents(
          g_sizes, at, std::min(at + g_sizes.batch, g_sizes.events));
      state.ResumeTiming();
      ok = store->AppendEvents(rows);
    }
    if (!ok) {
      Failed(state, engine, *store, false, "appending events");
      break;
    }
  }
  world.spread = true;
  state.SetItemsProcessed(state.iterations() * g_sizes.events);
}

// Pseudo-random customer indexes, drawn before the timed loop.
std::vector<int64_t> Picks(int64_t range) {
  std::vector<int64_t> picks(4096);
  uint64_t x = 88172645463325252ULL;
  for (int64_t& pick : picks) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    pick = static_cast<int64_t>(x % static_cast<uint64_t>(range));
  }
  return picks;
}

// 3. Read one customer by id, email or external id; latency.
enum class Key { kId, kEmail, kExternalId };

void GetCustomer(benchmark::State& state, Engine engine, Key key) {
  Store* store = Ready(state, engine, false);
  if (store == nullptr) return;
  std::vector<Customer> wanted;
  std::vector<int64_t> ids;
  for (int64_t k : Picks(g_sizes.customers)) {
    wanted.push_back(MakeCustomer(g_sizes, k));
    ids.push_back(store->id(k));
  }
  size_t i = 0;
  CustomerView view;
  for (auto _ : state) {
    const Customer& c = wanted[i];
    bool ok = key == Key::kId ? store->GetById(ids[i], &view)
              : key == Key::kEmail
                  ? store->GetByEmail(c.email, &view)
                  : store->GetByExternalId(c.external_id, &view);
    if (!ok || view.email != c.email || view.segment != c.segment) {
      Failed(state, engine, *store, ok, "wrong customer read");
      break;
    }
    i = (i + 1) % wanted.size();
  }
}

// 4. Customers whose indexed user field equals a value (~200 rows).
void FilterBySegment(benchmark::State& state, Engine engine) {
  Store* store = Ready(state, engine, false);
  if (store == nullptr) return;
  std::vector<int64_t> segments = Picks(g_sizes.segments());
  size_t i = 0;
  std::vector<CustomerView> rows;
  for (auto _ : state) {
    int64_t segment = segments[i];
    bool ok = store->FilterBySegment(segment, &rows);
    if (!ok ||
        static_cast<int64_t>(rows.size()) !=
            CustomersInSegment(g_sizes, segment) ||
        rows.back().segment != segment) {
      Failed(state, engine, *store, ok, "wrong filter result");
      break;
    }
    i = (i + 1) % segments.size();
  }
}

// 4b. How many customers have a value of the indexed user field (~200).
void CountBySegment(benchmark::State& state, Engine engine) {
  Store* store = Ready(state, engine, false);
  if (store == nullptr) return;
  std::vector<int64_t> segments = Picks(g_sizes.segments());
  size_t i = 0;
  int64_t count = 0;
  for (auto _ : state) {
    int64_t segment = segments[i];
    bool ok = store->CountBySegment(segment, &count);
    if (!ok || count != CustomersInSegment(g_sizes, segment)) {
      Failed(state, engine, *store, ok, "wrong count");
      break;
    }
    i = (i + 1) % segments.size();
  }
}

// 5b. The latest events (a page of 50) of any customer, most of whom have a
// few events.
void LatestEventsFew(benchmark::State& state, Engine engine) {
  Store* store = Ready(state, engine, true);
  if (store == nullptr) return;
  std::vector<int64_t> customers = Picks(g_sizes.customers);
  size_t i = 0;
  std::vector<EventView> events;
  for (auto _ : state) {
    bool ok = store->LatestEvents(store->id(customers[i]), 50, &events);
    if (!ok || events.empty() || events.size() > 50 ||
        events.front().occurred_at_us < events.back().occurred_at_us) {
      Failed(state, engine, *store, ok, "wrong timeline");
      break;
    }
    i = (i + 1) % customers.size();
  }
}

// 5. A customer's latest 50 events, newest first.
void LatestEvents(benchmark::State& state, Engine engine) {
  Store* store = Ready(state, engine, true);
  if (store == nullptr) return;
  std::vector<int64_t> customers = Picks(g_sizes.hot_customers());
  size_t i = 0;
  std::vector<EventView> events;
  for (auto _ : state) {
    bool ok = store->LatestEvents(store->id(customers[i]), 50, &events);
    if (!ok || events.size() != 50 ||
        events[0].occurred_at_us < events[49].occurred_at_us) {
      Failed(state, engine, *store, ok, "wrong timeline");
      break;
    }
    i = (i + 1) % customers.size();
  }
}

// 6a. Events counted per type and month, or per type and day.
void CountEventsByType(benchmark::State& state, Engine engine, bool day) {
  Store* store = Ready(state, engine, true);
  if (store == nullptr) return;
  const World& world = g_worlds[static_cast<int>(engine)];
  std::vector<GroupRow> rows;
  for (auto _ : state) {
    double total = 0;
    bool ok = day ? store->CountEventsByTypeDay(&rows)
                  : store->CountEventsByTypeMonth(&rows);
    for (const GroupRow& row : rows) total += row.value;
    if (!ok || total != static_cast<double>(world.event_count())) {
      Failed(state, engine, *store, ok, "wrong event counts");
      break;
    }
  }
}

// 6b. Average of a user field per value of another.
void AverageRevenueByPlan(benchmark::State& state, Engine engine) {
  Store* store = Ready(state, engine, false);
  if (store == nullptr) return;
  std::vector<GroupRow> rows;
  for (auto _ : state) {
    bool ok = store->AverageRevenueByPlan(&rows);
    if (!ok ||
        rows.size() != std::min<size_t>(Plans().size(), g_sizes.customers)) {
      Failed(state, engine, *store, ok, "wrong averages");
      break;
    }
  }
}

// 7. Every customer read back with all its written fields, in pages of up
// to 10,000 rows (the bulk read bindings use); rows/s.
void FetchCustomers(benchmark::State& state, Engine engine) {
  Store* store = Ready(state, engine, false);
  if (store == nullptr) return;
  const int64_t page = std::min<int64_t>(g_sizes.batch, 10000);
  for (auto _ : state) {
    int64_t count = 0;
    bool same = true;
    bool ok = store->ReadAllCustomers(page, [&](const Customer& row) {
      if (count % 997 == 0) same = same && row == MakeCustomer(g_sizes, count);
      ++count;
    });
    if (!ok || !same || count != g_sizes.customers) {
      Failed(state, engine, *store, ok,
             "wrong rows fetched (" + std::to_string(count) + ")");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * g_sizes.customers);
}

using Workload = std::function<void(benchmark::State&, Engine)>;

void Register(const std::string& name, const Workload& workload,
              std::vector<Engine> engines, bool query, bool write,
              benchmark::TimeUnit unit) {
  static const bool libcrm_queries = NewLibcrmStore()->HasQueries();
  if (query && libcrm_queries) engines.insert(engines.begin(), Engine::kLibcrm);
  // libcrm on PostgreSQL runs wherever libcrm does, right after it.
  auto libcrm = std::find(engines.begin(), engines.end(), Engine::kLibcrm);
  if (!g_postgres_url.empty() && libcrm != engines.end()) {
    engines.insert(libcrm + 1, Engine::kLibcrmPg);
  }
  for (Engine engine : engines) {
    auto* bench = benchmark::RegisterBenchmark(
        (name + "/" + kEngineNames[static_cast<int>(engine)]).c_str(),
        [workload, engine](benchmark::State& state) {
          workload(state, engine);
          state.counters["peak_rss_mb"] = PeakRssMb();
        });
    bench->Unit(unit)->UseRealTime();
    if (write) {
      bench->Iterations(1);
    } else if (g_read_repetitions > 1) {
      bench->Repetitions(g_read_repetitions)->ReportAggregatesOnly(true);
    }
  }
}

void RegisterAll() {
  const auto all = {Engine::kLibcrm, Engine::kSqlite, Engine::kSqliteSame,
                    Engine::kSqliteJson};
  const auto events = {Engine::kLibcrm, Engine::kSqlite, Engine::kSqliteSame};
  const auto us = benchmark::kMicrosecond, ms = benchmark::kMillisecond;
  Register("create_customers", CreateCustomers, all, false, true, ms);
  Register("append_events", AppendEvents, events, false, true, ms);
  Register("append_events_spread", AppendSpreadEvents, events, false, true, ms);
  Register(
      "get_by_id", [](auto& s, Engine e) { GetCustomer(s, e, Key::kId); }, all,
      false, false, us);
  Register(
      "get_by_email", [](auto& s, Engine e) { GetCustomer(s, e, Key::kEmail); },
      all, false, false, us);
  Register(
      "get_by_external_id",
      [](auto& s, Engine e) { GetCustomer(s, e, Key::kExternalId); }, all,
      false, false, us);
  Register("latest_50_events", LatestEvents, events, false, false, us);
  Register("latest_events_few", LatestEventsFew, events, false, false, us);
  const auto baselines = {Engine::kSqlite, Engine::kSqliteSame,
                          Engine::kSqliteJson};
  const auto event_baselines = {Engine::kSqlite, Engine::kSqliteSame};
  Register("filter_user_field", FilterBySegment, baselines, true, false, us);
  Register("count_user_field", CountBySegment, baselines, true, false, us);
  Register(
      "events_by_type_month",
      [](auto& s, Engine e) { CountEventsByType(s, e, false); },
      event_baselines, true, false, ms);
  Register(
      "events_by_type_day",
      [](auto& s, Engine e) { CountEventsByType(s, e, true); }, event_baselines,
      true, false, ms);
  Register("avg_by_user_field", AverageRevenueByPlan, baselines, true, false,
           ms);
  Register("fetch_customers", FetchCustomers, events, false, false, ms);
}

// Takes this suite's own flags out of argv; false on a bad one.
bool ParseFlags(int* argc, char** argv) {
  if (const char* url = std::getenv("CRM_BENCH_POSTGRES_URL")) {
    g_postgres_url = url;
  }
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* flag) -> const char* {
      size_t n = std::strlen(flag);
      return arg.compare(0, n, flag) == 0 ? argv[i] + n : nullptr;
    };
    if (const char* v = value("--size=")) {
      if (!SizesByName(v, &g_sizes)) return false;
    } else if (const char* v = value("--customers=")) {
      g_sizes.customers = std::atoll(v);
    } else if (const char* v = value("--events=")) {
      g_sizes.events = std::atoll(v);
    } else if (const char* v = value("--batch=")) {
      g_sizes.batch = std::atoll(v);
    } else if (const char* v = value("--read_repetitions=")) {
      g_read_repetitions = std::atoi(v);
    } else if (const char* v = value("--workspace_dir=")) {
      g_root = v;
      g_keep_root = true;
    } else if (const char* v = value("--postgres_url=")) {
      g_postgres_url = v;
    } else {
      argv[kept++] = argv[i];
    }
  }
  *argc = kept;
  return g_sizes.customers >= Sizes::kFilterRows && g_sizes.events >= 1000 &&
         g_sizes.batch > 0;
}

}  // namespace
}  // namespace crm_bench

int main(int argc, char** argv) {
  using namespace crm_bench;
  if (!ParseFlags(&argc, argv)) {
    std::fprintf(stderr,
                 "usage: %s [--size=ci|default|scale] [--customers=N >= 200] "
                 "[--events=N >= 1000] [--batch=N] [--read_repetitions=N] "
                 "[--workspace_dir=DIR] [--postgres_url=URL] "
                 "[benchmark flags]\n",
                 argv[0]);
    return 2;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  if (g_keep_root) {
    std::error_code error;
    std::filesystem::create_directories(g_root, error);
    if (error) {
      std::fprintf(stderr, "cannot create %s\n", g_root.c_str());
      return 2;
    }
  } else {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "crm-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return 2;
    g_root = pattern;
  }
  benchmark::AddCustomContext("crm_customers",
                              std::to_string(g_sizes.customers));
  benchmark::AddCustomContext("crm_events", std::to_string(g_sizes.events));
  benchmark::AddCustomContext("crm_batch", std::to_string(g_sizes.batch));
  benchmark::AddCustomContext("crm_libcrm_queries",
                              NewLibcrmStore()->HasQueries() ? "yes" : "no");
  // Never the URL itself: it may hold a password.
  const char* pg = g_postgres_url.empty()
                       ? "not registered (no --postgres_url= and no "
                         "CRM_BENCH_POSTGRES_URL)"
                       : "registered";
  benchmark::AddCustomContext("crm_libcrm_pg", pg);
  std::fprintf(stderr, "libcrm_pg: %s\n", pg);
  RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (World& world : g_worlds) world = World();
  if (!g_keep_root) std::filesystem::remove_all(g_root);
  for (const std::string& url : g_pg_workspaces) {
    const std::string name = url.substr(url.rfind("workspace=") + 10);
    if (g_keep_root) {
      std::fprintf(stderr, "kept PostgreSQL workspace %s\n", name.c_str());
    } else if (std::string error = DropLibcrmWorkspace(url); !error.empty()) {
      std::fprintf(stderr, "dropping PostgreSQL workspace %s: %s\n",
                   name.c_str(), error.c_str());
      g_failed = true;
    }
  }
  return g_failed ? 1 : 0;
}
