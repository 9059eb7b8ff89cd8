// EQL sequences through --shared-state: processes over chunks, interleaved splits and a kill -9 find the sequences one process finds, each once.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"
#include "common/redis_server.h"
#include "shared/fleet_fixture.h"

using namespace rulec::testing;

namespace {
namespace fleet_sequence_test {

// The sequence alerts of `text`: their ids (building blocks and shells), in a multiset.
std::multiset<std::string> sequence_alerts(const std::string& text) {
  std::multiset<std::string> out;
  for (const auto& l : nonempty_lines(text)) {
    const auto a = nlohmann::json::parse(l);
    if (is_sequence_alert(a)) out.insert(a["kibana.alert.uuid"]);
  }
  return out;
}

void expect_sequences_as_one_process(const std::string& one, const std::string& all) {
  const auto want = sequence_alerts(one);
  const auto rules = per_rule(one);
  ASSERT_GT(rules.count("seq-grep-ls") ? rules.at("seq-grep-ls") : 0, 30u) << "the stream holds sequences";
  ASSERT_GT(rules.count("seq-git") ? rules.at("seq-git") : 0, 3u) << "the stream holds sequences";
  EXPECT_EQ(sequence_alerts(all), want);
  expect_as_one_process(one, all);  // and the other rules' alerts, as the fleet tests check them
}

TEST(FleetSequences, SequentialChunksFindWhatOneProcessFinds) {
  Fleet f(true);
  RedisServer redis(f.d.path() / "redis");
  ASSERT_TRUE(redis.start());
  const std::string one = f.one_process();
  const size_t n = f.events.size();
  std::string all;
  for (int i = 0; i < 3; ++i) {
    const std::string in = f.part(fmt::format("chunk{}.ndjson", i), n * i / 3, n * (i + 1) / 3);
    const CmdResult r = f.run(in, fmt::format("chunk{}.alerts", i), "--shared-state " + redis.url("chunks"));
    ASSERT_EQ(r.status, 0) << r.out;
    all += read_file(f.d.str(fmt::format("chunk{}.alerts", i)));
  }
  expect_sequences_as_one_process(one, all);
  // Every key the sequences left has a time to live; the usage report counts them per rule.
  const auto keys = nonempty_lines(redis.cli("--scan --pattern 'chunks:seq:*'").out);
  EXPECT_GT(keys.size(), 5u);
  for (const auto& k : keys) EXPECT_GT(std::atol(redis.cli("pttl " + k).out.c_str()), 0) << k;
}

TEST(FleetSequences, ConcurrentProcessesOverAnInterleavedSplitFindEachSequenceOnce) {
  Fleet f(true);
  RedisServer redis(f.d.path() / "redis");
  ASSERT_TRUE(redis.start());
  const std::string one = f.one_process();
  const std::string all = f.run_interleaved(redis.url("split"));
  expect_sequences_as_one_process(one, all);
}

// A sequence key holding what rulec did not write, or of another type: exit 1 naming the key, no alert from it.
TEST(FleetSequences, ForeignValuesInASequenceKeyAreErrorsNotAlerts) {
  Fleet f(true);
  RedisServer redis(f.d.path() / "redis");
  ASSERT_TRUE(redis.start());
  const std::string in = f.part("first.ndjson", 0, 2000);
  ASSERT_EQ(f.run(in, "a.ndjson", "--shared-state " + redis.url("bad")).status, 0);
  const auto keys = nonempty_lines(redis.cli("--scan --pattern 'bad:seq:*'").out);
  ASSERT_GE(keys.size(), 2u);
  for (const auto& [key, how] : {std::pair{keys[0], "set " + keys[0] + " 'v|garbage'"}, std::pair{keys[1], "del " + keys[1]}}) {
    redis.cli(how);
    if (how.rfind("del", 0) == 0) redis.cli("rpush " + key + " x");  // a list where a string is expected
    const CmdResult r = f.run(f.d.str("all.ndjson"), "b.ndjson", "--shared-state " + redis.url("bad"));
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_NE(r.out.find(key), std::string::npos) << r.out;
    redis.cli("del " + key);
  }
}

// The first grep and ls of one host within ten minutes in the fixture's events: one sequence.
std::vector<std::string> one_sequence(const Fleet& f) {
  for (size_t i = 0; i < f.events.size(); ++i) {
    const auto a = nlohmann::json::parse(f.events[i]);
    if (a["process"]["name"] != "grep") continue;
    for (size_t j = i + 1; j < f.events.size() && j < i + 40; ++j) {
      const auto b = nlohmann::json::parse(f.events[j]);
      if (b["process"]["name"] == "ls" && b["host"]["name"] == a["host"]["name"] &&
          b["@timestamp"].get<std::string>().substr(0, 15) == a["@timestamp"].get<std::string>().substr(0, 15))
        return {f.events[i], f.events[j]};
    }
  }
  ADD_FAILURE() << "no grep then ls in the fixture";
  return {};
}

// The process found the sequence in Redis, then was killed before a checkpoint held its alerts:
// its restart writes them from the key, where the sequence waits with its writer.
TEST(FleetSequences, ASequenceFoundButNotCheckpointedIsWrittenAgainAtTheRestart) {
  Fleet f(true);
  f.events = one_sequence(f);
  ASSERT_EQ(f.events.size(), 2u);
  f.part("all.ndjson", 0, 2);
  f.d.write("none.ndjson", "");
  RedisServer redis(f.d.path() / "redis");
  ASSERT_TRUE(redis.start());
  const std::string one = f.one_process();
  ASSERT_EQ(per_rule(one).at("seq-grep-ls"), 3u) << one;
  const std::string alerts = f.d.str("a.ndjson");
  const std::string args = "--state " + f.d.str("st") + " --alert-time event --alerts " + alerts + " --shared-state " +
                           redis.url("outbox");
  {
    FifoRun run(f, args);
    run.feed(0, 2);
    // Idle input is checkpointed within a second; the sequence is decided once its events have
    // waited two seconds in Redis, after that checkpoint, and no event follows to checkpoint it:
    // its key waits in the writer's outbox, its alerts in the process's buffer.
    ASSERT_TRUE(wait_until([&] { return !redis.cli("--scan --pattern 'outbox:seqout:*'").out.empty(); }))
        << read_file(f.d.str("err.log"));
    ::kill(run.pid(), SIGKILL);
    EXPECT_EQ(run.finish().status, -1);
  }
  const CmdResult again = run_rulec("run " + f.rules() + " -e " + f.d.str("none.ndjson") + " " + args);
  ASSERT_EQ(again.status, 0) << again.out;
  EXPECT_EQ(sequence_alerts(read_file(alerts)), sequence_alerts(one));
  // Durable now: a third start writes nothing more.
  const CmdResult third = run_rulec("run " + f.rules() + " -e " + f.d.str("none.ndjson") + " " + args);
  ASSERT_EQ(third.status, 0) << third.out;
  EXPECT_EQ(sequence_alerts(read_file(alerts)), sequence_alerts(one));
}

}  // namespace fleet_sequence_test
}  // namespace
