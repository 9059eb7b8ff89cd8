// Fleet-wide detection end to end: rulec run processes sharing state in a real Redis (standalone and Cluster), with restarts and failures.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"
#include "common/redis_server.h"
#include "shared/fleet_fixture.h"

using namespace rulec::testing;

namespace {
namespace fleet_cli_test {

// Sequential chunks of one stream, each read by a fresh process with no local state.
void expect_chunks_equal_one_process(Fleet& f, const std::string& url) {
  const std::string one = f.one_process();
  const size_t n = f.events.size();
  std::string all;
  for (int i = 0; i < 3; ++i) {
    const std::string in = f.part(fmt::format("chunk{}.ndjson", i), n * i / 3, n * (i + 1) / 3);
    const CmdResult r = f.run(in, fmt::format("chunk{}.alerts", i), "--shared-state " + url);
    ASSERT_EQ(r.status, 0) << r.out;
    all += read_file(f.d.str(fmt::format("chunk{}.alerts", i)));
  }
  const auto rules = per_rule(one);
  ASSERT_EQ(rules.size(), std::filesystem::exists(f.d.path() / "rules/seq_git.toml") ? 5u : 3u) << "every rule alerts: " << one.size();
  EXPECT_GT(rules.at("fleet-query"), 0u);
  expect_same_alerts(one, all);
}

TEST(FleetStandalone, SequentialChunksWriteExactlyWhatOneProcessWrites) {
  Fleet f;
  RedisServer redis(f.d.path() / "redis");
  ASSERT_TRUE(redis.start());
  expect_chunks_equal_one_process(f, redis.url("chunks"));
  // Keys expire with their windows: every key has a time to live.
  const std::string count = redis.cli(
      "eval \"local n, m = 0, 0 for _, k in ipairs(redis.call('keys', ARGV[1])) do n = n + 1 "
      "if redis.call('pttl', k) < 0 then m = m + 1 end end return {n, m}\" 0 'chunks:*'").out;
  const auto nm = nonempty_lines(count);
  ASSERT_EQ(nm.size(), 2u) << count;
  EXPECT_GT(std::atol(nm[0].c_str()), 100) << "keys";
  EXPECT_EQ(nm[1], "0") << "keys without a time to live";
}

TEST(FleetStandalone, ConcurrentProcessesRaiseOneAlertPerTermAndBucket) {
  Fleet f;
  RedisServer redis(f.d.path() / "redis");
  ASSERT_TRUE(redis.start());
  const std::string one = f.one_process();
  const std::string all = f.run_interleaved(redis.url("split"));
  // One alert per new term and per threshold bucket, as one process. The query rule's alerts per
  // interval stay within max_signals, as many in all as one process writes.
  expect_as_one_process(one, all);
  std::map<std::string, int> per_interval;
  for (const auto& l : nonempty_lines(all)) {
    const auto a = nlohmann::json::parse(l);
    if (a["kibana.alert.rule.rule_id"] != "fleet-query") continue;
    const std::string ts = a["kibana.alert.original_time"];
    const int minute = std::atoi(ts.substr(14, 2).c_str());
    EXPECT_LE(++per_interval[ts.substr(0, 14) + std::to_string(minute / 5)], 2) << ts;
  }
}

TEST(FleetStandalone, UnreachableRedisAtStartExitsOneWithTheReason) {
  Fleet f;
  const CmdResult r = f.run(f.d.str("all.ndjson"), "a.ndjson", fmt::format("--shared-state redis://127.0.0.1:{}/x", free_port()));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("cannot connect to Redis at 127.0.0.1:"), std::string::npos) << r.out;
  const CmdResult creds = f.run(f.d.str("all.ndjson"), "a.ndjson", "--shared-state redis://u:pw@127.0.0.1:1/x");
  EXPECT_EQ(creds.status, 1) << creds.out;
  EXPECT_NE(creds.out.find("RULEC_REDIS_PASSWORD"), std::string::npos) << creds.out;
}

TEST(FleetStandalone, PasswordFromAFileOrTheEnvironment) {
  Fleet f;
  RedisServer redis(f.d.path() / "redis", {"--requirepass pw-of-the-fleet"});
  ASSERT_TRUE(redis.start());
  f.d.write("pw", "pw-of-the-fleet\n");
  const std::string in = f.part("few.ndjson", 0, 2000);
  CmdResult r = f.run(in, "a.ndjson", "--shared-state " + redis.url("auth"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("NOAUTH"), std::string::npos) << r.out;
  r = run_shell("RULEC_REDIS_PASSWORD_FILE=" + f.d.str("pw") + " " + bin("rulec") + " run " + f.rules() + " -e " + in +
                " --alert-time event --alerts " + f.d.str("a.ndjson") + " --shared-state " + redis.url("auth") + " 2>&1");
  EXPECT_EQ(r.status, 0) << r.out;
  r = run_shell("RULEC_REDIS_PASSWORD=wrong " + bin("rulec") + " run " + f.rules() + " -e " + in + " --alert-time event --alerts " +
                f.d.str("a.ndjson") + " --shared-state " + redis.url("auth") + " 2>&1");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("refused the credentials"), std::string::npos) << r.out;
}

TEST(FleetStandalone, WrongTypedKeysAndForeignValuesAreErrorsNotAlerts) {
  Fleet f;
  RedisServer redis(f.d.path() / "redis");
  ASSERT_TRUE(redis.start());
  const std::string in = f.part("few.ndjson", 0, 3000);
  // Fill the state once, then replace every new-terms entry with garbage.
  CmdResult r;
  ASSERT_EQ(f.run(in, "b.ndjson", "--shared-state " + redis.url("bad2")).status, 0);
  auto set_all = [&](const std::string& pattern, const std::string& lua_action) {
    redis.cli("eval \"for _, k in ipairs(redis.call('keys', ARGV[1])) do " + lua_action + " end\" 0 '" + pattern + "'");
  };
  set_all("bad2:nt:*", "redis.call('set', k, 'garbage')");
  r = f.run(in, "c.ndjson", "--shared-state " + redis.url("bad2"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("does not hold a new-terms entry"), std::string::npos) << r.out;
  set_all("bad2:th:*", "redis.call('set', k, '12')");
  set_all("bad2:nt:*", "redis.call('del', k)");
  r = f.run(in, "d.ndjson", "--shared-state " + redis.url("bad2"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("WRONGTYPE"), std::string::npos) << r.out;
}

// A process reading a FIFO is killed (-9) after its first checkpoint, then started again on the
// whole input with the same --state: the alerts file holds exactly one process's alerts.
void kill_nine_then_restart(bool sequences) {
  Fleet f(sequences);
  RedisServer redis(f.d.path() / "redis");
  ASSERT_TRUE(redis.start());
  const std::string one = f.one_process();
  const std::string state = f.d.str("st");
  const std::string args = "--checkpoint-events 1000 --state " + state + " --alert-time event --alerts " + f.d.str("a.ndjson") +
                           " --shared-state " + redis.url("k9");
  FifoRun run(f, args);
  run.feed(0, 6000);
  std::error_code ec;
  EXPECT_TRUE(wait_until([&] { return std::filesystem::file_size(state + "/state.log", ec) > 0 && !ec; }));
  ::kill(run.pid(), SIGKILL);
  EXPECT_EQ(run.finish().status, -1);
  const CmdResult again = run_rulec("run " + f.rules() + " -e " + f.d.str("all.ndjson") + " " + args);
  ASSERT_EQ(again.status, 0) << again.out;
  expect_same_alerts(one, read_file(f.d.str("a.ndjson")));
}

TEST(FleetStandalone, KillNineThenRestartLosesAndDuplicatesNothing) { kill_nine_then_restart(false); }
TEST(FleetStandalone, KillNineThenRestartWithSequences) { kill_nine_then_restart(true); }

// What a kill -9 leaves, made exact: the state of a checkpoint at event C, and Redis holding the
// decisions of a run that went on to event K. The restart (checkpointing often, so what Redis says
// of one event lands in the cache before a later event of the same term or bucket is read) writes
// exactly one process's alerts: an event that raised an alert before the kill raises it again,
// although the fleet has since seen its term later, or counted its bucket past the threshold.
TEST(FleetStandalone, RestartAfterTheFleetMovedOnLosesAndDuplicatesNothing) {
  Fleet f;
  // A term is new again after two quiet hours: it finds terms new twice between C and K.
  f.d.write("rules/short.toml", R"([rule]
rule_id = "fleet-short-window"
name = "A program new on its host for two hours"
description = "new terms with a short history window"
type = "new_terms"
language = "kuery"
query = "event.category:process"
index = ["logs-*"]
from = "now-6m"
interval = "5m"
risk_score = 21
severity = "low"

[rule.new_terms]
field = "new_terms_fields"
value = ["host.name", "process.name"]

[[rule.new_terms.history_window_start]]
field = "history_window_start"
value = "now-2h"
)");
  RedisServer redis(f.d.path() / "redis");
  ASSERT_TRUE(redis.start());
  const std::string one = f.one_process();
  const auto rules_alerting = per_rule(one);
  ASSERT_GT(rules_alerting.count("fleet-short-window") ? rules_alerting.at("fleet-short-window") : 0, 50u);
  const std::string state = f.d.str("st");
  struct Case {
    size_t c, k;
  };
  for (const Case& cs : {Case{1000, 3000}, Case{3000, 4500}, Case{6000, 8000}}) {
    const std::string prefix = "mv" + std::to_string(cs.c) + "-" + std::to_string(cs.k);
    const std::string args = "--checkpoint-events 200 --state " + state + " --shared-state " + redis.url(prefix);
    std::filesystem::remove_all(state);
    std::filesystem::remove(f.d.str("a.ndjson"));
    ASSERT_EQ(f.run(f.part("c.ndjson", 0, cs.c), "a.ndjson", args).status, 0);
    std::filesystem::copy(state, state + ".c", std::filesystem::copy_options::recursive);
    ASSERT_EQ(f.run(f.part("k.ndjson", 0, cs.k), "a.ndjson", args).status, 0);
    std::filesystem::remove_all(state);
    std::filesystem::rename(state + ".c", state);
    const CmdResult again = f.run(f.d.str("all.ndjson"), "a.ndjson", args);
    ASSERT_EQ(again.status, 0) << again.out;
    const std::string got = read_file(f.d.str("a.ndjson"));
    EXPECT_EQ(per_rule(got), rules_alerting) << prefix;
    EXPECT_TRUE(got == one) << prefix << ": the alerts differ from one process's";
  }
}

// Redis is killed mid-stream and started again (its append-only file keeps what it acknowledged):
// the process holds its events, says so, and goes on where it was.
void redis_restart_mid_stream(bool sequences) {
  Fleet f(sequences);
  RedisServer redis(f.d.path() / "redis", {"--appendonly yes", "--appendfsync always"});
  ASSERT_TRUE(redis.start());
  const std::string one = f.one_process();
  FifoRun run(f, "--alert-time event --alerts " + f.d.str("a.ndjson") + " --shared-state " + redis.url("rs"));
  run.feed(0, 5000);
  // The first batches reached Redis (decisions are sent every 200 ms while input is idle).
  EXPECT_TRUE(wait_until([&] { return !nonempty_lines(redis.cli("--scan --pattern 'rs:nt:*'").out).empty(); }));
  redis.kill9();
  // The process stops reading while Redis is away: the pipe fills, so the rest is fed meanwhile.
  std::thread feeder([&] { run.feed(5000, f.events.size()); });
  EXPECT_TRUE(wait_until([&] { return run.err().find("unreachable") != std::string::npos; })) << run.err();
  EXPECT_TRUE(redis.start());
  feeder.join();
  const Finished r = run.finish();
  EXPECT_EQ(r.status, 0) << run.err();
  EXPECT_NE(run.err().find("reachable again"), std::string::npos) << run.err();
  expect_same_alerts(one, read_file(f.d.str("a.ndjson")));
}

TEST(FleetStandalone, RedisRestartMidStreamLosesAndDuplicatesNothing) { redis_restart_mid_stream(false); }
TEST(FleetStandalone, RedisRestartMidStreamWithSequences) { redis_restart_mid_stream(true); }

// With the sequence rules: their keys, sets and clock spread over the masters too.
TEST(FleetCluster, SequentialChunksAndAFailoverMidStream) {
  Fleet f(true);
  RedisCluster cluster(f.d.path() / "cluster", 3, 1);
  ASSERT_TRUE(cluster.start()) << cluster.error();
  expect_chunks_equal_one_process(f, cluster.url("chunks"));
  // Keys are spread over the three masters.
  size_t masters_with_keys = 0;
  for (size_t i = 0; i < cluster.size(); ++i)
    if (cluster.node(i).cli("role").out.rfind("master", 0) == 0 && std::atol(cluster.node(i).cli("dbsize").out.c_str()) > 0)
      ++masters_with_keys;
  EXPECT_EQ(masters_with_keys, 3u);

  // A master fails while a process reads: its replica takes over, nothing is lost or twice.
  SCOPED_TRACE("a master fails mid-stream");
  const std::string one = read_file(f.d.str("one.ndjson"));
  FifoRun run(f, "--alert-time event --alerts " + f.d.str("fo.ndjson") + " --shared-state " + cluster.url("fo"));
  run.feed(0, 5000);
  // The first batches reached Redis (decisions are sent every 200 ms while input is idle); then
  // the master of one of their keys fails.
  std::string key;
  EXPECT_TRUE(wait_until([&] {
    for (size_t i = 0; i < cluster.size() && key.empty(); ++i) {
      const auto keys = nonempty_lines(cluster.node(i).cli("--scan --pattern 'fo:nt:*'").out);
      if (!keys.empty()) key = keys[0];
    }
    return !key.empty();
  }));
  ASSERT_TRUE(cluster.fail_master_of(key)) << cluster.logs();
  run.feed(5000, f.events.size());
  const Finished r = run.finish();
  EXPECT_EQ(r.status, 0) << run.err();
  expect_same_alerts(one, read_file(f.d.str("fo.ndjson")));
  EXPECT_EQ(r.status, 0) << run.err();
}

}  // namespace fleet_cli_test
}  // namespace
