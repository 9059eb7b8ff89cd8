// The shared-state scripts on a real Redis: new-terms and threshold decisions, their owners asking again after the fleet moved on, and values of an older rulec.
#include <gtest/gtest.h>

#include "common/redis_server.h"
#include "runtime/shared/fleet_scripts.h"
#include "runtime/shared/redis_client.h"

using namespace rulec::testing;
using rulec::rt::RedisClient;
using rulec::rt::RedisCommand;
using rulec::rt::RedisEndpoint;
using rulec::rt::RedisReply;

namespace {
namespace fleet_scripts_test {

// A script run on one key, its reply rendered compactly: 1, "20", [2,0], (nil), ERR...
struct Scripts {
  TempDir d;
  RedisServer server{d.path() / "redis"};
  std::unique_ptr<RedisClient> client;
  bool start() {
    if (!server.start()) return false;
    std::string e;
    client = RedisClient::connect(RedisEndpoint{"127.0.0.1", static_cast<uint16_t>(server.port())}, {}, {}, e);
    return client != nullptr;
  }
  static std::string render(const RedisReply& r) {
    switch (r.type) {
      case RedisReply::Type::Integer: return std::to_string(r.integer);
      case RedisReply::Type::String: return "\"" + r.str + "\"";
      case RedisReply::Type::Array: {
        std::string s = "[";
        for (size_t i = 0; i < r.elements.size(); ++i) s += (i ? "," : "") + render(r.elements[i]);
        return s + "]";
      }
      case RedisReply::Type::Nil: return "(nil)";
      default: return r.str.substr(0, r.str.find(' '));
    }
  }
  std::string eval(const std::string& script, const std::string& key, std::vector<std::string> args) {
    std::vector<std::string> argv{"EVAL", script, "1", key};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<RedisCommand> cmds{RedisCommand{argv, key}};
    std::vector<RedisReply> replies;
    std::string e;
    if (!client->execute(cmds, replies, e)) return "failed: " + e;
    return render(replies.at(0));
  }
  std::string get(const std::string& key) { return redis_cli(server.port(), "get " + key).out; }
};

// window 100, horizon 1000, watermark 0; then (t, owner) pairs.
std::vector<std::string> nt(std::vector<std::string> occurrences) {
  std::vector<std::string> a{"100", "1000", "0"};
  a.insert(a.end(), occurrences.begin(), occurrences.end());
  return a;
}

TEST(FleetScripts, NewTermsOwnersAskingAgainAreNewHoweverFarTheFleetMovedOn) {
  Scripts s;
  ASSERT_TRUE(s.start());
  const std::string k = rulec::rt::fleet_scripts::source(rulec::rt::fleet_scripts::kNewTerms);
  // First seen at 10: new, owned by A; at 50 (within the window): not new.
  EXPECT_EQ(s.eval(k, "t", nt({"10", "A", "50", "B"})), "[1,0,\"50\",\"10\"]");
  // The fleet sees it much later (a refresh at 500 without an owner, then C after a quiet window).
  EXPECT_EQ(s.eval(k, "t", nt({"500", ""})), "[1,\"500\",\"10\"]") << "new to the fleet, but nobody's alert";
  EXPECT_EQ(s.eval(k, "t", nt({"700", "C"})), "[1,\"700\",\"700\",\"10\"]");
  // A process killed after asking re-reads its events: A and C are new again, B is not, and a
  // new occurrence in the past is history.
  EXPECT_EQ(s.eval(k, "t", nt({"10", "A", "50", "B", "700", "C", "20", "D"})), "[1,0,1,0,\"700\",\"700\",\"10\"]");
  EXPECT_EQ(s.get("t"), "700|A|10|C|700\n");
  // The owners kept are the last 16.
  for (int i = 0; i < 20; ++i) {
    const std::string t = std::to_string(1000 + 200 * i);
    EXPECT_EQ(s.eval(k, "t", nt({t, "O" + std::to_string(i)})).substr(0, 2), "[1");
  }
  EXPECT_EQ(s.eval(k, "t", nt({"700", "C"})).substr(0, 2), "[0") << "C is no longer remembered";
  EXPECT_EQ(s.eval(k, "t", nt({"1800", "O4"})).substr(0, 2), "[1");
}

TEST(FleetScripts, NewTermsReadTheValueAnOlderRulecWrote) {
  Scripts s;
  ASSERT_TRUE(s.start());
  const std::string k = rulec::rt::fleet_scripts::source(rulec::rt::fleet_scripts::kNewTerms);
  redis_cli(s.server.port(), "set old '300|A'");
  // A, asking again, is new; its time is unknown ("").
  EXPECT_EQ(s.eval(k, "old", nt({"250", "A", "260", "B"})), "[1,0,\"300\",\"\"]");
  // A new owner replaces the one of unknown time.
  EXPECT_EQ(s.eval(k, "old", nt({"900", "C"})), "[1,\"900\",\"900\"]");
  EXPECT_EQ(s.get("old"), "900|C|900\n");
  redis_cli(s.server.port(), "set none '300|'");
  EXPECT_EQ(s.eval(k, "none", nt({"350", "A"})), "[0,\"350\"]");
  for (const char* bad : {"'garbage'", "'300|A|x'", "'300|A|1|B'", "'x|A'"}) {
    redis_cli(s.server.port(), std::string("set bad ") + bad);
    EXPECT_EQ(s.eval(k, "bad", nt({"350", "A"})), "RULEC_BAD_VALUE") << bad;
  }
}

// threshold 2, no cardinality, ttl 60 s; then (id, t, 0 values) per event.
std::vector<std::string> th(std::vector<std::string> events) {
  std::vector<std::string> a{"2", "0", "60000"};
  for (size_t i = 0; i + 1 < events.size(); i += 2) a.insert(a.end(), {events[i], events[i + 1], "0"});
  return a;
}

TEST(FleetScripts, ThresholdAnswersWhenTheBucketsAlertWasRaised) {
  Scripts s;
  ASSERT_TRUE(s.start());
  const std::string k = rulec::rt::fleet_scripts::source(rulec::rt::fleet_scripts::kThreshold);
  EXPECT_EQ(s.eval(k, "b", th({"e1", "10"})), "[0]");
  // e2 crosses: the count, the distinct count, the bucket's earliest and latest event time.
  EXPECT_EQ(s.eval(k, "b", th({"e2", "20", "e3", "30"})), "[[2,0,10,20],\"20\"]");
  // Asked again after a restart, in stream order: e1 learns who crossed, e2 is still the one,
  // with what the bucket held when it crossed.
  EXPECT_EQ(s.eval(k, "b", th({"e1", "10", "e2", "20", "e3", "30"})), "[\"20\",[2,0,10,20],\"20\"]");
  // Out of order: the earliest is the least time, whatever came first.
  EXPECT_EQ(s.eval(k, "c", th({"e1", "50", "e2", "30"})), "[0,[2,0,30,50]]");
  // Buckets an older rulec raised: the crossing event's time unknown, or known without the times.
  redis_cli(s.server.port(), "hset old a 'x|3|1' n 3 d 1");
  EXPECT_EQ(s.eval(k, "old", th({"e9", "5", "x", "7"})), "[\"\",[3,1]]");
  redis_cli(s.server.port(), "hset old4 a 'x|3|1|7' n 3 d 1");
  EXPECT_EQ(s.eval(k, "old4", th({"e9", "5", "x", "7"})), "[\"7\",[3,1]]");
  for (const char* bad : {"'x'", "'x|1|z'", "'x|1|2|3|4'"}) {
    redis_cli(s.server.port(), std::string("hset bad a ") + bad);
    EXPECT_EQ(s.eval(k, "bad", th({"x", "5"})), "RULEC_BAD_VALUE") << bad;
  }
}

}  // namespace fleet_scripts_test
}  // namespace
