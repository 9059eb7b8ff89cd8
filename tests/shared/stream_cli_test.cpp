// Stream workers end to end: rulec run and rulesensor reading a real Redis Stream through a consumer group, alone, three at once, and with a worker killed.
#include <gtest/gtest.h>

#include <signal.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"
#include "common/redis_server.h"
#include "shared/fleet_fixture.h"

using namespace rulec::testing;

namespace {
namespace stream_cli_test {

// A Redis server with the fleet's week of events in a stream, and worker processes reading it.
struct StreamFleet {
  explicit StreamFleet(bool sequences = false) : f(sequences) {}
  Fleet f;
  RedisServer redis{f.d.path() / "redis"};

  bool push(size_t from, size_t to, const std::string& stream = "ev") {
    const std::vector<std::string> docs(f.events.begin() + static_cast<std::ptrdiff_t>(from),
                                        f.events.begin() + static_cast<std::ptrdiff_t>(std::min(to, f.events.size())));
    return xadd_events(redis.port(), stream, docs, f.d.path() / "push.resp");
  }
  std::string stream_url(const std::string& consumer, const std::string& stream = "ev") const {
    return fmt::format("'redis-stream://127.0.0.1:{}/{}?group=g&consumer={}'", redis.port(), stream, consumer);
  }
  // `rulec run` as consumer `c` of group g, its alerts in C.ndjson.
  std::string worker(const std::string& c, const std::string& extra, const std::string& stream = "ev") const {
    return bin("rulec") + " run " + f.rules() + " -e " + stream_url(c, stream) + " --alert-time event --alerts " + f.d.str(c + ".ndjson") +
           " " + extra;
  }
  // Entries of the group not acknowledged (all consumers), or of one consumer.
  long pending(const std::string& consumer = "", const std::string& stream = "ev") const {
    const std::string out = redis.cli("xpending " + stream + " g").out;
    if (consumer.empty()) return std::atol(out.c_str());
    const auto l = nonempty_lines(out);
    for (size_t i = 0; i + 1 < l.size(); ++i)
      if (l[i] == consumer) return std::atol(l[i + 1].c_str());
    return 0;
  }
};

// One worker reads the whole stream: the alerts `rulec run` writes for the same events in a file,
// byte for byte, and every entry acknowledged. rulesensor reads a stream the same way.
TEST(StreamWorkers, OneWorkerWritesWhatAFileRunWritesAndAcknowledgesEverything) {
  StreamFleet s;
  ASSERT_TRUE(s.redis.start());
  const std::string one = s.f.one_process();
  ASSERT_TRUE(s.push(0, s.f.events.size()));
  CmdResult r = run_shell(s.worker("c1", "--idle-exit-ms 300") + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("as consumer c1 of group g"), std::string::npos) << r.out;
  EXPECT_EQ(read_file(s.f.d.str("c1.ndjson")), one);
  EXPECT_EQ(s.pending(), 0);

  // The group has read everything: another consumer of it gets nothing.
  r = run_shell(s.worker("c2", "--idle-exit-ms 300") + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(read_file(s.f.d.str("c2.ndjson")), "");

  const std::string bundle = s.f.d.str("rules.rbundle");
  ASSERT_EQ(run_rulec("compile " + s.f.rules() + " -o " + quote(bundle)).status, 0);
  ASSERT_TRUE(s.push(0, s.f.events.size(), "ev2"));
  r = run_shell(bin("rulesensor") + " " + quote(bundle) + " --allow-unsigned -e " + s.stream_url("s1", "ev2") +
                " --idle-exit-ms 300 --alert-time event --alerts " + s.f.d.str("sensor.ndjson") + " --shared-state " + s.redis.url("sensor") +
                " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(read_file(s.f.d.str("sensor.ndjson")), one);
  EXPECT_EQ(s.pending("", "ev2"), 0);
}

// Three workers of one group at once, sharing state: exactly one alert per new term and
// threshold bucket, each sequence once, the fleet's max_signals, no alert twice, everything
// acknowledged.
TEST(StreamWorkers, ThreeConcurrentWorkersRaiseWhatOneProcessRaises) {
  StreamFleet s(true);
  ASSERT_TRUE(s.redis.start());
  const std::string one = s.f.one_process();
  ASSERT_TRUE(s.push(0, s.f.events.size()));
  std::vector<std::pair<pid_t, int>> procs;
  for (int i = 0; i < 3; ++i) {
    int out = -1;
    const pid_t pid = spawn_shell(
        s.worker(fmt::format("w{}", i), "--idle-exit-ms 1000 --shared-state " + s.redis.url("fleet")) + " 2>&1", &out);
    procs.emplace_back(pid, out);
  }
  std::string all;
  size_t busy = 0;
  for (int i = 0; i < 3; ++i) {
    const Finished r = finish(procs[static_cast<size_t>(i)].first, procs[static_cast<size_t>(i)].second);
    EXPECT_EQ(r.status, 0) << r.out;
    const std::string mine = read_file(s.f.d.str(fmt::format("w{}.ndjson", i)));
    busy += !mine.empty();
    all += mine;
  }
  EXPECT_GE(busy, 2u) << "the group spread the entries";
  expect_as_one_process(one, all);
  EXPECT_EQ(s.pending(), 0);
}

// Entries that hold no event are reported with their id, skipped and acknowledged; the rest is read.
TEST(StreamWorkers, EntriesWithoutAnEventAreReportedAndAcknowledged) {
  StreamFleet s;
  ASSERT_TRUE(s.redis.start());
  ASSERT_TRUE(s.push(0, 10));
  s.redis.cli("xadd ev '*' other field");
  s.redis.cli("xadd ev '*' event '{\"@timestamp\": '");
  ASSERT_TRUE(s.push(10, 20));
  const CmdResult r = run_shell(s.worker("c1", "--idle-exit-ms 300") + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("no field 'event'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("entry "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("20 events read, 2 lines skipped"), std::string::npos) << r.out;
  EXPECT_EQ(s.pending(), 0);
}

TEST(StreamWorkers, BadUrlsAndAnUnreachableServerAreErrors) {
  StreamFleet s;
  CmdResult r = run_rulec("run " + s.f.rules() + fmt::format(" -e 'redis-stream://127.0.0.1:{}/ev?group=g&consumer=c1'", free_port()));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("cannot connect to Redis at 127.0.0.1:"), std::string::npos) << r.out;
  r = run_rulec("run " + s.f.rules() + " -e 'redis-stream://127.0.0.1:1/ev?group=g'");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("consumer="), std::string::npos) << r.out;
  r = run_rulec("run " + s.f.rules() + " -e " + s.stream_url("c") + " -e " + s.f.d.str("all.ndjson"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("must be the only --events"), std::string::npos) << r.out;
  r = run_rulec("run " + s.f.rules() + " -e " + s.f.d.str("all.ndjson") + " --idle-exit-ms 10");
  EXPECT_EQ(r.status, 2) << r.out;
}

// A worker whose acknowledgement fails after its checkpoint (an ACL user without XACK: the state a
// kill between checkpoint and acknowledgement leaves) holds alerts in its file whose entries
// another worker then takes over and writes again. At its restart the worker settles its last
// checkpoint with the fleet: the alerts taken over are cut from its file, its earlier ones stay.
// With `crash`, the restart is taken as one cut short in the middle of rewriting the file (the
// alerts of the checkpoint kept, none here, in the state directory's settle.tmp; the file cut back
// to the checkpoint's start and a piece of a line written again): it is finished.
static void takeover_after_a_failed_acknowledgement(bool crash) {
  StreamFleet s;
  ASSERT_TRUE(s.redis.start());
  ASSERT_TRUE(s.redis.cli("acl setuser noack on '>pw' '~*' '&*' +@all -xack").out.find("OK") != std::string::npos);
  const std::string one = s.f.one_process();
  const size_t half = s.f.events.size() / 2;
  auto w1 = [&](const std::string& env) {
    return run_shell(env + " " +
                     s.worker("w1", "--idle-exit-ms 300 --claim-idle-ms 86400000 --checkpoint-events 100000000 --state " +
                                        s.f.d.str("state1") + " --shared-state " + s.redis.url("fleet")) +
                     " 2>&1");
  };
  // w1 reads and acknowledges the first half.
  ASSERT_TRUE(s.push(0, half));
  CmdResult r = w1("");
  ASSERT_EQ(r.status, 0) << r.out;
  const std::string first = read_file(s.f.d.str("w1.ndjson"));
  ASSERT_FALSE(first.empty());
  // w1 reads the second half, checkpoints it, and cannot acknowledge it.
  ASSERT_TRUE(s.push(half, s.f.events.size()));
  r = w1("RULEC_REDIS_USER=noack RULEC_REDIS_PASSWORD=pw");
  ASSERT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("XACK"), std::string::npos) << r.out;
  EXPECT_GT(s.pending("w1"), 0);
  const std::string held = read_file(s.f.d.str("w1.ndjson"));
  ASSERT_GT(held.size(), first.size()) << "the second half raised alerts";
  // w2 takes the entries over and writes their alerts: now twice, in two files.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  r = run_shell(s.worker("w2", "--idle-exit-ms 1000 --claim-idle-ms 100 --state " + s.f.d.str("state2") +
                                   " --shared-state " + s.redis.url("fleet")) +
                " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(s.pending(), 0);
  const std::string taken = read_file(s.f.d.str("w2.ndjson"));
  EXPECT_EQ(nonempty_lines(taken).size(), nonempty_lines(held).size() - nonempty_lines(first).size());
  // w1 comes back: what w2 took over is cut, the first half's alerts stay.
  if (crash) {
    s.f.d.write("state1/settle.tmp", "");
    std::filesystem::resize_file(s.f.d.str("w1.ndjson"), first.size() + 7);
  }
  r = w1("");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find(crash ? "finished cutting from" : "alerts of the last checkpoint were written by another stream worker"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(std::filesystem::exists(s.f.d.str("state1/settle.tmp")));
  EXPECT_EQ(read_file(s.f.d.str("w1.ndjson")), first);
  expect_as_one_process(one, first + taken);
  // Settled: a second restart keeps the file as it is.
  r = w1("");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(read_file(s.f.d.str("w1.ndjson")), first);
}

TEST(StreamWorkers, AlertsTakenOverAfterAFailedAcknowledgementAreCutAtTheRestart) {
  takeover_after_a_failed_acknowledgement(false);
}

TEST(StreamWorkers, ASettlementCutShortIsFinishedAtTheNextStart) { takeover_after_a_failed_acknowledgement(true); }

// Three workers with their own --state read a stream as it is written; one is killed (-9) after
// its first checkpoint. The others claim its pending entries once they are idle past
// --claim-idle-ms, and it comes back later with its state (a kill that fell between a checkpoint
// and its acknowledgement is settled then): no alert is lost or written twice.
TEST(StreamWorkers, KillNineOfAWorkerMidStreamThenItsRestart) {
  StreamFleet s(true);
  ASSERT_TRUE(s.redis.start());
  const std::string one = s.f.one_process();
  auto cmd = [&](int i) {
    return s.worker(fmt::format("w{}", i), fmt::format("--claim-idle-ms 5000 --idle-exit-ms 8000 --checkpoint-events 500 "
                                                       "--state {} --shared-state {}",
                                                       s.f.d.str(fmt::format("state{}", i)), s.redis.url("fleet"))) +
           " 2>>" + s.f.d.str(fmt::format("w{}.err", i));
  };
  ASSERT_TRUE(s.push(0, 1));  // the stream exists before the workers start reading it
  std::vector<std::pair<pid_t, int>> procs;
  for (int i = 0; i < 3; ++i) {
    int out = -1;
    procs.emplace_back(spawn_shell(cmd(i), &out), out);
  }
  // The writer: 300 entries every 100 ms.
  std::thread writer([&] {
    for (size_t i = 1; i < s.f.events.size(); i += 300) {
      EXPECT_TRUE(s.push(i, i + 300));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::error_code ec;
  EXPECT_TRUE(wait_until([&] { return std::filesystem::file_size(s.f.d.str("state1/state.log"), ec) > 0 && !ec; }));
  ::kill(procs[1].first, SIGKILL);
  EXPECT_EQ(finish(procs[1].first, procs[1].second).status, -1);
  // Its entries are taken over by the other two...
  EXPECT_TRUE(wait_until([&] { return s.pending("w1") == 0; }, std::chrono::seconds(60)));
  // ...and it comes back: it cuts its alerts back to its checkpoint, and reads on.
  int out = -1;
  procs[1] = {spawn_shell(cmd(1), &out), out};
  writer.join();
  std::string all;
  for (int i = 0; i < 3; ++i) {
    const Finished r = finish(procs[static_cast<size_t>(i)].first, procs[static_cast<size_t>(i)].second);
    EXPECT_EQ(r.status, 0) << read_file(s.f.d.str(fmt::format("w{}.err", i)));
    all += read_file(s.f.d.str(fmt::format("w{}.ndjson", i)));
  }
  expect_as_one_process(one, all);
  EXPECT_EQ(s.pending(), 0);
}

}  // namespace stream_cli_test
}  // namespace
