// Front-end cost on the whole corpus: rule loading, KQL parsing, and full per-rule analysis.
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <string>
#include <vector>

#include "compiler/frontend/analyze.h"
#include "compiler/frontend/parser.h"
#include "compiler/frontend/rule.h"
#include "compiler/frontend/schema.h"

namespace {

const std::string kCorpus = std::string(RULEC_SHARED_DIR) + "/corpus/detection-rules";

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

const rulec::RuleSet& corpus() {
  static const rulec::RuleSet set = rulec::load_rules({kCorpus});
  return set;
}

void BM_LoadCorpus(benchmark::State& state) {
  size_t rules = 0;
  for (auto _ : state) {
    auto set = rulec::load_rules({kCorpus});
    rules = set.rules.size();
    benchmark::DoNotOptimize(set.rules.data());
  }
  state.counters["rules"] = static_cast<double>(rules);
  state.counters["peak_rss_mb"] = peak_rss_mb();
}
BENCHMARK(BM_LoadCorpus)->Unit(benchmark::kMillisecond);

void BM_ParseCorpusQueries(benchmark::State& state) {
  const auto& set = corpus();
  size_t bytes = 0;
  for (const auto& r : set.rules) bytes += r.query.size();
  for (auto _ : state) {
    for (const auto& r : set.rules) {
      auto res = rulec::kql::parse(r.query);
      benchmark::DoNotOptimize(res.ast.get());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes * state.iterations()));
  state.SetItemsProcessed(static_cast<int64_t>(set.rules.size() * state.iterations()));
  state.counters["peak_rss_mb"] = peak_rss_mb();
}
BENCHMARK(BM_ParseCorpusQueries)->Unit(benchmark::kMillisecond);

void BM_AnalyzeCorpus(benchmark::State& state) {
  const auto& set = corpus();
  rulec::Diagnostic err;
  auto schema = rulec::Schema::builtin(err);
  if (!schema) {
    state.SkipWithError(err.message.c_str());
    return;
  }
  for (auto _ : state) {
    for (const auto& r : set.rules) {
      auto a = rulec::analyze(r, *schema);
      benchmark::DoNotOptimize(a.status);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(set.rules.size() * state.iterations()));
  state.counters["peak_rss_mb"] = peak_rss_mb();
}
BENCHMARK(BM_AnalyzeCorpus)->Unit(benchmark::kMillisecond);

}  // namespace
