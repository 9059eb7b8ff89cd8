// The whole detection loop (file read, prefilter, decode, evaluation, detector) allocates nothing per event after warm-up, on one thread and on several.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/alloc_counter.h"
#include "common/test_util.h"
#include "compiler/pipeline/build_engine.h"
#include "compiler/pipeline/loaded_rules.h"
#include "eventgen/event_gen.h"
#include "runtime/sensor/detect_loop.h"

namespace rulec::rt {
namespace {
namespace loop_no_alloc_test {

namespace fs = std::filesystem;

// Allocations of one run of the loop over `events`, the detector opened on a copy of `state`
// (whose history already holds every term of the events: no alert, no new state).
uint64_t allocations_of_a_run(const std::vector<RuleInfo>& rules, StreamEngine& engine, const fs::path& state,
                              const fs::path& events, const fs::path& work, unsigned threads) {
  const fs::path copy = work / ("state-" + std::to_string(threads) + "-" + events.filename().string());
  fs::remove_all(copy);
  fs::copy(state, copy, fs::copy_options::recursive);
  DetectorOptions options;
  options.state_dir = copy.string();
  options.alert_time_event = true;
  const uint64_t before = g_allocations.load();
  std::string error, recovered;
  auto det = Detector::create(rules, options, (copy / "alerts.ndjson").string(), error, recovered);
  EXPECT_TRUE(det) << error;
  if (!det) return 0;
  EventReader reader({events.string()});
  LoopOptions lo;
  lo.threads = threads;
  const LoopResult res = run_detection(reader, *det, &engine, nullptr, lo);
  EXPECT_TRUE(res.ok) << det->error();
  EXPECT_EQ(det->counters()[0].alerts, 0u) << "the history knows every term";
  return g_allocations.load() - before;
}

// WORK/large.ndjson: 4,000 events of the web scenario; WORK/small.ndjson: the first 2,000 of them.
void write_events(const fs::path& work) {
  std::ofstream small(work / "small.ndjson"), large(work / "large.ndjson");
  gen::WebScenario web;
  web.events = 4000;
  size_t n = 0;
  gen::generate_web(web, [&](std::string_view line) {
    if (n++ < 2000) small << line << '\n';
    large << line << '\n';
  });
}

// Runs over 2,000 and over 4,000 events (the first 2,000 the same) differ by what 2,000 more
// events allocate: nothing but a few buffers' growth.
TEST(LoopNoAlloc, TheWholeLoopAllocatesNothingPerEvent) {
  const fs::path work = fs::temp_directory_path() / ("rulec-loop-noalloc-" + std::to_string(::getpid()));
  fs::create_directories(work);
  write_events(work);
  const Schema schema = testing::load_builtin_schema();
  pipeline::LoadedRules loaded;
  loaded.quiet = true;
  ASSERT_TRUE(pipeline::load_runnable({std::string(RULEC_SOURCE_DIR) + "/rules"}, schema, loaded));
  std::string error;
  auto built = pipeline::build(loaded.plan_rules(), schema, error);
  ASSERT_TRUE(built) << error;
  ASSERT_NE(built->engine->line_prefilter(), nullptr);

  // The history: every term of the events learned.
  {
    DetectorOptions options;
    options.state_dir = (work / "state").string();
    options.learn = true;
    std::string recovered;
    auto det = Detector::create(loaded.infos, options, (work / "learn.ndjson").string(), error, recovered);
    ASSERT_TRUE(det) << error;
    EventReader reader({(work / "large.ndjson").string()});
    ASSERT_TRUE(run_detection(reader, *det, built->engine.get()).ok) << det->error();
  }
  for (unsigned threads : {1u, 2u}) {
    SCOPED_TRACE(threads);
    // Warm-up runs first (the reader's buffer, the batches, the allocator's caches).
    allocations_of_a_run(loaded.infos, *built->engine, work / "state", work / "large.ndjson", work, threads);
    const uint64_t small = allocations_of_a_run(loaded.infos, *built->engine, work / "state", work / "small.ndjson", work, threads);
    const uint64_t large = allocations_of_a_run(loaded.infos, *built->engine, work / "state", work / "large.ndjson", work, threads);
    EXPECT_GT(small, 0u);
    EXPECT_LT(large, small + 64) << "2,000 more events allocated " << large - small << " times";
  }
  fs::remove_all(work);
}

// Indicator lookups (a threat_match rule whose query matches every event; misses in a feed of
// 1,000 indicators) and value-list exceptions (`is not in list` on a keyword and a text list whose
// values no event has: every event excluded after both lookups) cost no allocation per event either.
TEST(LoopNoAlloc, IndicatorLookupsAndValueListsAllocateNothingPerEvent) {
  const fs::path work = fs::temp_directory_path() / ("rulec-loop-noalloc-ti-" + std::to_string(::getpid()));
  fs::create_directories(work / "rules");
  {
    write_events(work);
    std::ofstream feed(work / "feed.ndjson"), names(work / "names.txt"), words(work / "words.txt");
    for (int i = 0; i < 1000; ++i) {
      feed << R"({"threat":{"indicator":{"process":{"name":"implant-)" << i << R"(.bin","executable":"/opt/x/implant-)" << i
           << R"("}}}})" << '\n';
      names << "nobody-" << i << '\n';
      words << "never seen words " << i << '\n';
    }
    // One record per line (the raw strings below are written over several for reading).
    auto one_line = [](std::string r) {
      r.erase(std::remove(r.begin(), r.end(), '\n'), r.end());
      return r + "\n";
    };
    std::ofstream(work / "rules" / "rules.ndjson")
        << one_line(R"({"rule_id":"tm","name":"tm","type":"threat_match","language":"kuery","severity":"low","risk_score":1,
              "query":"process.name:*","threat_query":"threat.indicator.process.name:*","max_signals":1000000,
              "threat_mapping":[{"entries":[{"field":"process.name","type":"mapping","value":"threat.indicator.process.name"}]},
                                {"entries":[{"field":"process.executable","type":"mapping","value":"threat.indicator.process.executable"},
                                            {"field":"process.name","type":"mapping","value":"threat.indicator.process.name"}]}]})")
        << one_line(R"({"rule_id":"vl","name":"vl","type":"query","language":"kuery","severity":"low","risk_score":1,"query":"process.name:*",
              "max_signals":1,"exceptions_list":[{"id":"so-L","list_id":"L","type":"detection","namespace_type":"single"}]})")
        << one_line(R"({"id":"so-L","list_id":"L","type":"detection","namespace_type":"single","name":"L"})")
        << one_line(R"({"id":"i1","item_id":"i1","list_id":"L","type":"simple","name":"users","namespace_type":"single",
              "entries":[{"type":"list","field":"user.name","operator":"excluded","list":{"id":"names","type":"keyword"}},
                         {"type":"list","field":"process.command_line","operator":"excluded","list":{"id":"words","type":"text"}}]})");
  }
  const Schema schema = testing::load_builtin_schema();
  pipeline::LoadedRules loaded;
  loaded.quiet = true;
  loaded.value_lists = {"names", "words"};
  ASSERT_TRUE(pipeline::load_runnable({(work / "rules").string()}, schema, loaded));
  ASSERT_EQ(loaded.infos.size(), 2u);
  std::string error;
  auto built = pipeline::build(loaded.plan_rules(), schema, error);
  ASSERT_TRUE(built) << error;
  auto run = [&](const fs::path& events) {
    DetectorOptions options;
    options.indicators = {(work / "feed.ndjson").string()};
    options.value_lists = {{"names", (work / "names.txt").string()}, {"words", (work / "words.txt").string()}};
    options.alert_time_event = true;
    const uint64_t before = g_allocations.load();
    std::string recovered;
    auto det = Detector::create(loaded.infos, options, "/dev/null", error, recovered);
    EXPECT_TRUE(det) << error;
    if (!det) return uint64_t{0};
    EventReader reader({events.string()});
    EXPECT_TRUE(run_detection(reader, *det, built->engine.get()).ok) << det->error();
    EXPECT_GT(det->counters()[0].matched, 1000u) << "every event is looked up";
    EXPECT_EQ(det->counters()[0].alerts, 0u) << "and misses";
    EXPECT_EQ(det->counters()[1].alerts, 0u) << "every event excluded by the value lists";
    return g_allocations.load() - before;
  };
  run(work / "large.ndjson");  // warm-up
  const uint64_t small = run(work / "small.ndjson");
  const uint64_t large = run(work / "large.ndjson");
  EXPECT_GT(small, 0u);
  EXPECT_LT(large, small + 64) << "2,000 more events allocated " << large - small << " times";
  fs::remove_all(work);
}

}  // namespace loop_no_alloc_test
}  // namespace
}  // namespace rulec::rt
