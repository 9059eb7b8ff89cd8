// Bundle load benchmark: the corpus bundle verified and loaded (target: under 50 ms), against its parts.
//
// Baselines of the same run: reading the container and checking its checksum only; loading with
// the Hyperscan databases rebuilt from their patterns (what a sensor with another CPU or library
// version does); and the JIT build of the same rules that a bundle saves the sensor from.
#include <benchmark/benchmark.h>

#include <sodium.h>
#include <sys/resource.h>

#include <filesystem>
#include <string>

#include "compiler/bundle/bundle_writer.h"
#include "compiler/bundle/compile_bundle.h"
#include "runtime/loader/bundle_loader.h"

namespace {

using namespace rulec;

struct Corpus {
  Schema schema;
  pipeline::LoadedRules loaded;
  bundle::SecretKey sk;
  rt::PublicKey pk;
  std::string signed_bundle;
  std::string unsigned_no_databases;
};

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "load_bench: %s\n", why.c_str());
  std::exit(1);
}

const Corpus& corpus() {
  static const Corpus* c = [] {
    auto* out = new Corpus;
    Diagnostic err;
    out->schema = *Schema::builtin(err, std::string(RULEC_SHARED_DIR) + "/schema");
    pipeline::load_runnable({std::string(RULEC_SHARED_DIR) + "/corpus"}, out->schema, out->loaded);
    if (sodium_init() < 0) std::abort();
    crypto_sign_keypair(out->pk.data(), out->sk.bytes.data());
    bundle::CompileOptions o;
    o.key = &out->sk;
    bundle::CompileReport rep;
    std::string error;
    if (!bundle::compile_bundle(out->loaded, out->schema, o, out->signed_bundle, rep, error)) fail(error);
    // The same bundle with every database left out: the loader rebuilds them from the patterns.
    rt::BundleView v;
    if (!rt::parse_bundle(out->signed_bundle, v, error)) fail(error);
    bundle::BundleParts p = bundle::parts_of(v);
    rt::CompiledProgram prog;
    if (!rt::decode_program(p.program, prog, error)) fail(error);
    for (auto& g : prog.groups) g.database.clear();
    rt::ByteWriter w;
    rt::encode_databases(w, prog.groups);
    p.databases = w.take();
    out->unsigned_no_databases = bundle::write_bundle(p, nullptr, 0);
    return out;
  }();
  return *c;
}

void report(benchmark::State& state, const std::string& bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.counters["bundle_MB"] = static_cast<double>(bytes.size()) / 1e6;
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  state.counters["peak_rss_MB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
}

void BM_ChecksumOnly(benchmark::State& state) {
  const auto& c = corpus();
  for (auto _ : state) {
    rt::BundleView v;
    std::string error;
    benchmark::DoNotOptimize(rt::parse_bundle(c.signed_bundle, v, error));
  }
  report(state, c.signed_bundle);
}
BENCHMARK(BM_ChecksumOnly)->Unit(benchmark::kMillisecond);

void BM_LoadSignedCorpusBundle(benchmark::State& state) {
  const auto& c = corpus();
  rt::LoadOptions o;
  o.trusted = c.pk;
  for (auto _ : state) {
    std::string error;
    auto b = rt::load_bundle(c.signed_bundle, o, error);
    if (!b || b->engine->databases_rebuilt()) state.SkipWithError(error.c_str());
    benchmark::DoNotOptimize(b);
  }
  state.counters["rules"] = static_cast<double>(corpus().loaded.infos.size());
  report(state, c.signed_bundle);
}
BENCHMARK(BM_LoadSignedCorpusBundle)->Unit(benchmark::kMillisecond);

void BM_LoadRebuildingDatabases(benchmark::State& state) {
  const auto& c = corpus();
  rt::LoadOptions o;
  o.allow_unsigned = true;
  for (auto _ : state) {
    std::string error;
    auto b = rt::load_bundle(c.unsigned_no_databases, o, error);
    if (!b) state.SkipWithError(error.c_str());
    benchmark::DoNotOptimize(b);
  }
  report(state, c.unsigned_no_databases);
}
BENCHMARK(BM_LoadRebuildingDatabases)->Unit(benchmark::kMillisecond)->Iterations(3);

// The second start of a sensor that had to rebuild them: the databases from its --cache-dir.
void BM_LoadDatabasesFromCache(benchmark::State& state) {
  const auto& c = corpus();
  rt::LoadOptions o;
  o.allow_unsigned = true;
  char dir[] = "/tmp/rulec-load-bench-XXXXXX";
  if (!::mkdtemp(dir)) std::abort();
  o.cache_dir = std::string(dir) + "/cache";
  std::string error;
  if (!rt::load_bundle(c.unsigned_no_databases, o, error)) state.SkipWithError(error.c_str());  // fills the cache
  for (auto _ : state) {
    auto b = rt::load_bundle(c.unsigned_no_databases, o, error);
    if (!b || b->engine->databases_rebuilt() || !b->databases_cached) state.SkipWithError("not loaded from the cache");
    benchmark::DoNotOptimize(b);
  }
  std::filesystem::remove_all(dir);
  report(state, c.unsigned_no_databases);
}
BENCHMARK(BM_LoadDatabasesFromCache)->Unit(benchmark::kMillisecond);

void BM_JitBuildInstead(benchmark::State& state) {
  const auto& c = corpus();
  const auto rules = c.loaded.plan_rules();
  for (auto _ : state) {
    std::string error;
    auto b = pipeline::build(rules, c.schema, error);
    if (!b) state.SkipWithError(error.c_str());
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(BM_JitBuildInstead)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
