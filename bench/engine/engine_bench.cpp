// Engine benchmark: raw simdjson parse (baseline) vs the compiled engine vs the interpreter, seed rule and corpus.
//
// Events: 5,000 of the mixed benchmark workload (eventgen/, seed 7), in memory. Each benchmark
// reports events/s, MB/s (bytes_per_second) and ns/event; compare the engines with the raw parse
// of the same run (the ratio is what matters on a noisy machine). `rulec bench` gives the same
// figures on any events file in one table, with compile time and per-rule costs.
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <memory>
#include <string>
#include <vector>

#include "eventgen/event_gen.h"
#include "compiler/interp/interp.h"
#include "compiler/pipeline/build_engine.h"
#include "compiler/pipeline/loaded_rules.h"
#include "runtime/decoder/decoder.h"
#include "runtime/decoder/raw_walk.h"

namespace {

using namespace rulec;

struct Events {
  std::string buf;                       // every event, each followed by padding
  std::vector<std::string_view> lines;
  size_t bytes = 0;
};

const Events& events() {
  static const Events e = [] {
    Events out;
    std::vector<std::string> docs;
    gen::MixedScenario s;
    s.seed = 7;
    s.events = 5000;
    s.suspicious = 0.01;
    gen::generate_mixed(s, [&](std::string_view d) { docs.emplace_back(d); });
    std::vector<size_t> at;
    for (const auto& d : docs) {
      at.push_back(out.buf.size());
      out.buf += d;
      out.buf.append(rt::Decoder::kPadding, ' ');
      out.bytes += d.size();
    }
    for (size_t i = 0; i < docs.size(); ++i) out.lines.emplace_back(out.buf.data() + at[i], docs[i].size());
    return out;
  }();
  return e;
}

const Schema& schema() {
  static const Schema s = [] {
    Diagnostic err;
    auto b = Schema::builtin(err, std::string(RULEC_SHARED_DIR) + "/schema");
    return b ? std::move(*b) : Schema();
  }();
  return s;
}

struct RuleSet {
  pipeline::LoadedRules loaded;
  std::optional<pipeline::Built> built;
  std::unique_ptr<interp::Interpreter> interp;
};

const RuleSet& rules(bool corpus) {
  static std::unique_ptr<RuleSet> sets[2];
  auto& s = sets[corpus];
  if (!s) {
    s = std::make_unique<RuleSet>();
    const std::string path = corpus ? std::string(RULEC_SHARED_DIR) + "/corpus/detection-rules"
                                    : std::string(RULEC_SOURCE_DIR) + "/rules";
    if (!pipeline::load_runnable({path}, schema(), s->loaded)) std::abort();
    std::string error;
    s->built = pipeline::build(s->loaded.plan_rules(), schema(), error);
    if (!s->built) std::abort();
    s->interp = std::make_unique<interp::Interpreter>(s->loaded.trees, schema());
  }
  return *s;
}

void finish(benchmark::State& state) {
  const auto& e = events();
  const double n = static_cast<double>(state.iterations()) * e.lines.size();
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * e.bytes));
  state.counters["ns_per_event"] = benchmark::Counter(n, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  state.counters["peak_rss_MB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
}

void BM_RawParse(benchmark::State& state) {
  simdjson::ondemand::parser parser;
  size_t sum = 0;
  for (auto _ : state)
    for (std::string_view l : events().lines) sum += rt::raw_walk(parser, l);
  benchmark::DoNotOptimize(sum);
  finish(state);
}
BENCHMARK(BM_RawParse);

void BM_Jit(benchmark::State& state) {
  const RuleSet& rs = rules(state.range(0) != 0);
  rt::CompiledEngine& jit = *rs.built->engine;
  rt::Decoder dec;
  dec.set_filter(&jit.filter());
  rt::Event ev;
  rt::RuleBits bits(jit.rule_count());
  for (auto _ : state)
    for (std::string_view l : events().lines) {
      if (dec.decode_padded(l, ev) != rt::DecodeError::None) continue;
      jit.evaluate(ev, bits);
      benchmark::DoNotOptimize(bits.words());
    }
  finish(state);
}
BENCHMARK(BM_Jit)->Arg(0)->Arg(1)->ArgName("corpus");

void BM_Interp(benchmark::State& state) {
  const RuleSet& rs = rules(state.range(0) != 0);
  interp::Interpreter& in = *rs.interp;
  rt::Decoder dec;
  rt::Event ev;
  rt::RuleBits bits(in.rule_count());
  for (auto _ : state)
    for (std::string_view l : events().lines) {
      if (dec.decode_padded(l, ev) != rt::DecodeError::None) continue;
      in.evaluate(ev, bits);
      benchmark::DoNotOptimize(bits.words());
    }
  finish(state);
}
BENCHMARK(BM_Interp)->Arg(0)->Arg(1)->ArgName("corpus")->Iterations(1);

}  // namespace
