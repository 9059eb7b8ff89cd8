// libFuzzer target (differential): a random query built from the grammar and random events, both
// seeded by the input; the compiled engine must answer exactly as the reference evaluator, and the
// raw-line prefilter must keep every event the reference matches, as written and rewritten
// (escapes, case, whitespace, non-ASCII letters).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "compiler/pipeline/build_engine.h"
#include "compiler/frontend/parser.h"
#include "compiler/interp/interp.h"
#include "diff/json_rewrite.h"
#include "diff/random_query.h"
#include "runtime/decoder/decoder.h"

namespace {

const rulec::Schema& schema() {
  static const rulec::Schema s = [] {
    rulec::Diagnostic err;
    return *rulec::Schema::builtin(err, std::string(RULEC_SHARED_DIR) + "/schema");
  }();
  return s;
}

}  // namespace

// The schema and LLVM's first-use set-up are paid here, not by the first input (its timeout).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using namespace rulec;
  auto parsed = kql::parse("process.name:bash");
  plan::RuleAsts r;
  r.name = "warm-up";
  r.query = parsed.ast.get();
  std::string error;
  if (!pipeline::build({r}, schema(), error)) {
    std::fprintf(stderr, "engine build failed at warm-up: %s\n", error.c_str());
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rulec;
  const Schema& schema = ::schema();
  uint64_t seed = 0;
  std::memcpy(&seed, data, std::min<size_t>(size, 8));
  diff::RandomQueries gen(seed, 1 + static_cast<int>(size > 8 ? data[8] % 4 : 2));
  const std::string q = gen.query();
  auto parsed = kql::parse(q);
  if (!parsed) return 0;
  plan::RuleAsts r;
  r.name = "q";
  r.query = parsed.ast.get();
  std::string error;
  auto built = pipeline::build({r}, schema, error);
  if (!built) {
    std::fprintf(stderr, "engine build failed for %s: %s\n", q.c_str(), error.c_str());
    std::abort();
  }
  interp::Interpreter interp({{parsed.ast.get(), nullptr, {}}}, schema);
  rt::Decoder full, filtered;
  filtered.set_filter(&built->engine->filter());
  rt::RuleBits a, b;
  for (int i = 0; i < 16; ++i) {
    const std::string line = gen.event();
    rt::Event ea, eb;
    if (full.decode(line, ea) != rt::DecodeError::None || filtered.decode(line, eb) != rt::DecodeError::None) continue;
    interp.set_now_ms(diff::RandomQueries::kNowMs);
    built->engine->set_now_ms(diff::RandomQueries::kNowMs);
    interp.evaluate(ea, a);
    built->engine->evaluate(eb, b);
    if (a.test(0) != b.test(0)) {
      std::fprintf(stderr, "difference: query %s\nevent %s\ninterpreter %d, compiled %d\n", q.c_str(), line.c_str(), a.test(0),
                   b.test(0));
      std::abort();
    }
    rt::LinePrefilter* pf = built->engine->line_prefilter();
    if (!pf) continue;  // the query names no literal
    for (int k = -1; k < static_cast<int>(std::size(diff::kRewrites)); ++k) {
      const std::string text = k < 0 ? line : diff::rewrite_json(line, diff::kRewrites[k], seed + static_cast<uint64_t>(i));
      if (full.decode(text, ea) != rt::DecodeError::None) continue;
      interp.evaluate(ea, a);
      if (a.test(0) && !pf->any(text)) {
        std::fprintf(stderr, "the prefilter dropped a match (%s): query %s\nevent %s\n",
                     k < 0 ? "as written" : diff::to_string(diff::kRewrites[k]), q.c_str(), text.c_str());
        std::abort();
      }
    }
  }
  return 0;
}
