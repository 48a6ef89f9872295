// What match keys and name similarity cost per call (issue #24), run by
// hand: build/benchmarks/crm_match_keys_costs. Keys are made on every write;
// NameSimilarity runs millions of times in a duplicate scan.
#include "core/duplicates/match_keys.h"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace crm::core::duplicates {
namespace {

KeySource TypicalPerson() {
  KeySource source;
  source.kind = "person";
  source.name = "Ørjan Æbelø-Hansen";
  source.email = "orjan.aebelo@gmail.com";
  source.phone = "+47 900 00 000";
  source.company = "Nordic Fish Holding AS";
  return source;
}

void BM_MatchKeysOfTypicalPerson(benchmark::State& state) {
  const KeySource source = TypicalPerson();
  for (auto _ : state) benchmark::DoNotOptimize(MatchKeysOf(source, "NO"));
}
BENCHMARK(BM_MatchKeysOfTypicalPerson);

void BM_MatchKeysOfPersonWithoutPhone(benchmark::State& state) {
  KeySource source = TypicalPerson();
  source.phone.clear();
  for (auto _ : state) benchmark::DoNotOptimize(MatchKeysOf(source, "NO"));
}
BENCHMARK(BM_MatchKeysOfPersonWithoutPhone);

void BM_FoldTextAscii(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(FoldText("Jane Q. Doe-Smith"));
}
BENCHMARK(BM_FoldTextAscii);

void BM_FoldTextAccents(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(FoldText("Ørjan Æbelø Müller"));
}
BENCHMARK(BM_FoldTextAccents);

void BM_PersonNameKey(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(PersonNameKey("Bob Smith"));
}
BENCHMARK(BM_PersonNameKey);

void BM_CompanyNameKey(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(CompanyNameKey("Nordic Fish Holding A/S"));
  }
}
BENCHMARK(BM_CompanyNameKey);

void BM_EmailKeys(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(EmailKey("Jane.Doe+news@gmail.com"));
    benchmark::DoNotOptimize(EmailLocalKey("Jane.Doe+news@gmail.com"));
  }
}
BENCHMARK(BM_EmailKeys);

void BM_PhoneKey(benchmark::State& state) {
  const std::vector<std::string> phones = {"+47 900 00 000", "90000000",
                                           "0047 900 00 000", "900 00 000"};
  const std::string& phone = phones[state.range(0)];
  for (auto _ : state) benchmark::DoNotOptimize(PhoneKey(phone, "NO"));
  state.SetLabel(phone);
}
BENCHMARK(BM_PhoneKey)->DenseRange(0, 3);

void BM_PhoneKeyWithExtension(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(PhoneKey("+47 900 00 000 ext. 12", "NO"));
  }
}
BENCHMARK(BM_PhoneKeyWithExtension);

void BM_PhoneKeyLongJunk(benchmark::State& state) {
  const std::string junk(state.range(0), '@');
  for (auto _ : state) benchmark::DoNotOptimize(PhoneKey(junk, "NO"));
}
BENCHMARK(BM_PhoneKeyLongJunk)->Arg(100)->Arg(10000);

void BM_NameSimilarity(benchmark::State& state) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"doe jane", "doe jane"},
      {"doe jane", "doe jnae"},
      {"anna hansen", "hansen ola"},
      {"aebelo hansen orjan", "abelo hansen orjan"},
      {"anne kristine marie olsen", "kristin marie olsen"}};
  const auto& [a, b] = pairs[state.range(0)];
  for (auto _ : state) benchmark::DoNotOptimize(NameSimilarity(a, b));
  state.SetLabel(a + " | " + b);
}
BENCHMARK(BM_NameSimilarity)->DenseRange(0, 4);

}  // namespace
}  // namespace crm::core::duplicates

BENCHMARK_MAIN();
