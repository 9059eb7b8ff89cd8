// The Interpreter's per-event path does not allocate after warm-up (global operator new counted in this binary).
#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "compiler/frontend/rule.h"
#include "common/alloc_counter.h"
#include "interp/interp_test_util.h"

namespace rulec::interp::testing {
namespace {
namespace no_alloc_test {

TEST(InterpNoAlloc, EvaluateAfterWarmUp) {
  const RuleSet set = load_rules({std::string(RULEC_SHARED_DIR) + "/corpus/detection-rules"});
  std::vector<kql::NodePtr> asts;
  std::vector<RuleTrees> rules;
  for (const auto& r : set.rules) {
    auto p = kql::parse(r.query);
    if (!p) continue;
    rules.push_back(RuleTrees{p.ast.get(), r.filters_ast.get(), {}});
    for (const ExceptionItem* item : r.exception_items)
      if (item && item->ast) rules.back().exceptions.push_back(item->ast.get());
    asts.push_back(std::move(p.ast));
  }
  // A few hand-written rules for the paths the corpus uses little: dates with `now`, text,
  // nested, free text, field wildcards, exists on objects.
  for (const char* q : {"@timestamp >= now-1d and message:\"hello world\"", "a:{ b:x and not c:* }", "bash or hello*",
                        "process.*:ls", "process:* and process.args:(ls and -la)", "source.ip:10.0.0.0/8"}) {
    asts.push_back(kql::parse(q).ast);
    rules.push_back(RuleTrees{asts.back().get(), nullptr, {}});
  }
  Interpreter interp(rules, test_schema());

  std::ifstream in(std::string(RULEC_SHARED_DIR) + "/events/linux-exec-event.json");
  std::stringstream ss;
  ss << in.rdbuf();
  Doc a(nlohmann::json::parse(ss.str())["_source"].dump());
  Doc b(R"({"@timestamp":"2024-05-15T11:00:00Z","message":"Hello World","a":[{"b":"x"},{"b":"y","c":1}],
            "process":{"name":"bash","args":["ls","-la"]},"source":{"ip":"10.1.1.1"}})");
  ASSERT_TRUE(a.ok && b.ok);
  rt::RuleBits bits(rules.size());
  for (int round = 0; round < 2; ++round) {
    interp.set_now_ms(kNow + round);
    interp.evaluate(a.ev, bits);
    interp.evaluate(b.ev, bits);
  }
  const bool b_hit = bits.any();

  const uint64_t before = g_allocations.load();
  interp.set_now_ms(kNow + 1000);  // a new `now`: date math is recomputed in place
  interp.evaluate(a.ev, bits);
  interp.evaluate(b.ev, bits);
  EXPECT_EQ(g_allocations.load() - before, 0u);
  EXPECT_TRUE(b_hit);
}

}  // namespace no_alloc_test
}  // namespace
}  // namespace rulec::interp::testing
