// The Redis URL forms, key slots, and the client against real servers: pipelining, AUTH, Redis Cluster routing, ASK and MOVED.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "common/redis_server.h"
#include "runtime/shared/fleet_state.h"
#include "runtime/shared/redis_client.h"
#include "runtime/shared/redis_url.h"
#include "runtime/shared/stream_source.h"

using namespace rulec::testing;
using rulec::rt::RedisClient;
using rulec::rt::RedisCommand;
using rulec::rt::RedisEndpoint;
using rulec::rt::RedisReply;

namespace {
namespace redis_client_test {

RedisEndpoint local(int port) { return RedisEndpoint{"127.0.0.1", static_cast<uint16_t>(port)}; }

std::unique_ptr<RedisClient> connect(int port, std::string& error, rulec::rt::RedisCredentials creds = {}) {
  return RedisClient::connect(local(port), creds, {}, error);
}

TEST(RedisUrl, SharedStateFormsAndTheirErrors) {
  rulec::rt::SharedStateUrl u;
  std::string e;
  ASSERT_TRUE(parse_shared_state_url("redis://10.0.0.5:7000/fleet-a", u, e)) << e;
  EXPECT_EQ(u.node.host, "10.0.0.5");
  EXPECT_EQ(u.node.port, 7000);
  EXPECT_EQ(u.prefix, "fleet-a");
  ASSERT_TRUE(parse_shared_state_url("redis://cache.internal", u, e)) << e;
  EXPECT_EQ(u.node.port, 6379);
  EXPECT_EQ(u.prefix, "rulec");
  EXPECT_FALSE(parse_shared_state_url("redis://user:secret@host:6379/p", u, e));
  EXPECT_NE(e.find("RULEC_REDIS_PASSWORD"), std::string::npos) << e;
  EXPECT_EQ(e.find("secret"), std::string::npos) << "the password is not repeated: " << e;
  EXPECT_FALSE(parse_shared_state_url("redis://host:99999/p", u, e));
  EXPECT_FALSE(parse_shared_state_url("redis://host:6379/a{b}", u, e));
  EXPECT_NE(e.find("braces"), std::string::npos) << e;
  EXPECT_FALSE(parse_shared_state_url("http://host:6379", u, e));
}

TEST(RedisUrl, StreamFormsNeedAGroupAndAConsumer) {
  rulec::rt::StreamUrl s;
  std::string e;
  ASSERT_TRUE(parse_stream_url("redis-stream://127.0.0.1:7001/events?group=det&consumer=s1", s, e)) << e;
  EXPECT_EQ(s.stream, "events");
  EXPECT_EQ(s.group, "det");
  EXPECT_EQ(s.consumer, "s1");
  EXPECT_FALSE(parse_stream_url("redis-stream://127.0.0.1:7001/events?group=det", s, e));
  EXPECT_NE(e.find("consumer="), std::string::npos) << e;
  EXPECT_FALSE(parse_stream_url("redis-stream://127.0.0.1:7001/events?group=det&consumer=s1&x=1", s, e));
  EXPECT_NE(e.find("unknown parameter 'x'"), std::string::npos) << e;
}

TEST(RedisUrl, CredentialsComeFromTheEnvironmentOrAFile) {
  TempDir d;
  rulec::rt::RedisCredentials c;
  std::string e;
  ::unsetenv("RULEC_REDIS_USER");
  ::unsetenv("RULEC_REDIS_PASSWORD");
  ::unsetenv("RULEC_REDIS_PASSWORD_FILE");
  ASSERT_TRUE(credentials_from_environment(c, e));
  EXPECT_TRUE(c.password.empty());
  d.write("pw", "s3cret\n");
  ::setenv("RULEC_REDIS_PASSWORD_FILE", d.str("pw").c_str(), 1);
  ::setenv("RULEC_REDIS_USER", "sensor", 1);
  ASSERT_TRUE(credentials_from_environment(c, e)) << e;
  EXPECT_EQ(c.user, "sensor");
  EXPECT_EQ(c.password, "s3cret");
  ::setenv("RULEC_REDIS_PASSWORD", "other", 1);
  EXPECT_FALSE(credentials_from_environment(c, e));  // two sources: which one was meant?
  ::unsetenv("RULEC_REDIS_PASSWORD_FILE");
  ::unsetenv("RULEC_REDIS_PASSWORD");
  EXPECT_FALSE(credentials_from_environment(c, e));  // a user without a password
  ::unsetenv("RULEC_REDIS_USER");
}

// Values from the Redis Cluster specification: CRC16 of "123456789" is 0x31C3; keys with the same
// hash tag share a slot.
// A killed sensor restarted with the same --state is the same writer, so the alerts it claimed
// before the kill are still its own: a relative --state that the first run had yet to create
// names the same writer as the directory that exists at the restart (it once did not).
TEST(FleetWriter, SameStateDirIsTheSameWriterBeforeAndAfterItExists) {
  namespace fs = std::filesystem;
  using rulec::rt::FleetState;
  const fs::path old_cwd = fs::current_path();
  const fs::path dir = fs::temp_directory_path() / ("rulec_writer_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  fs::current_path(dir);
  const std::string before = FleetState::default_writer("st");
  fs::create_directory("st");
  EXPECT_EQ(FleetState::default_writer("st"), before);
  EXPECT_EQ(FleetState::default_writer("st/"), before);
  EXPECT_EQ(FleetState::default_writer("./sub/../st"), before);
  EXPECT_EQ(FleetState::default_writer((dir / "st").string()), before);
  fs::current_path(dir / "sub");
  EXPECT_EQ(FleetState::default_writer("../st"), before);
  EXPECT_NE(FleetState::default_writer("st"), before) << "another directory is another writer";
  EXPECT_NE(FleetState::default_writer(""), FleetState::default_writer("")) << "no --state: a random name";
  fs::current_path(old_cwd);
  fs::remove_all(dir);
}

TEST(RedisSlots, MatchTheClusterSpecification) {
  EXPECT_EQ(rulec::rt::redis_key_slot("123456789"), 0x31C3 % 16384);
  EXPECT_EQ(rulec::rt::redis_key_slot("{user1000}.following"), rulec::rt::redis_key_slot("{user1000}.followers"));
  EXPECT_EQ(rulec::rt::redis_key_slot("foo{}{bar}"), rulec::rt::redis_key_slot("foo{}{bar}"));
  EXPECT_NE(rulec::rt::redis_key_slot("foo{}{bar}"), rulec::rt::redis_key_slot("bar"));  // an empty tag is no tag
  EXPECT_EQ(rulec::rt::redis_key_slot("foo{{bar}}zap"), rulec::rt::redis_key_slot("{bar"));
}

TEST(RedisClientStandalone, PipelinesInOrderAndKeepsCommandErrorsAsReplies) {
  TempDir d;
  RedisServer server(d.path() / "redis");
  ASSERT_TRUE(server.start());
  std::string e;
  auto c = connect(server.port(), e);
  ASSERT_TRUE(c) << e;
  EXPECT_FALSE(c->is_cluster());
  std::vector<RedisCommand> cmds;
  for (int i = 0; i < 200; ++i) cmds.push_back(RedisCommand{{"INCR", "n"}, "n"});
  cmds.push_back(RedisCommand{{"LPUSH", "n", "x"}, "n"});  // the wrong type: its reply, not a failure
  std::vector<RedisReply> replies;
  const uint64_t before = c->round_trips();
  ASSERT_TRUE(c->execute(cmds, replies, e)) << e;
  EXPECT_EQ(c->round_trips() - before, 1u);
  ASSERT_EQ(replies.size(), 201u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(replies[static_cast<size_t>(i)].integer, i + 1);
  EXPECT_TRUE(replies[200].is_error());
  EXPECT_NE(replies[200].str.find("WRONGTYPE"), std::string::npos);
}

TEST(RedisClientStandalone, UnreachableAndRefusedCredentialsSayWhy) {
  TempDir d;
  std::string e;
  EXPECT_FALSE(connect(free_port(), e));
  EXPECT_NE(e.find("cannot connect to Redis at 127.0.0.1:"), std::string::npos) << e;
  RedisServer server(d.path() / "redis", {"--requirepass s3cret"});
  ASSERT_TRUE(server.start());
  EXPECT_FALSE(connect(server.port(), e, {"", "wrong"}));
  EXPECT_NE(e.find("refused the credentials"), std::string::npos) << e;
  EXPECT_FALSE(connect(server.port(), e));  // no password: the first command is refused
  EXPECT_NE(e.find("NOAUTH"), std::string::npos) << e;
  auto c = connect(server.port(), e, {"", "s3cret"});
  ASSERT_TRUE(c) << e;
  RedisReply r;
  ASSERT_TRUE(c->command(RedisCommand{{"PING"}, {}}, r, e)) << e;
  EXPECT_EQ(r.str, "PONG");
}

TEST(RedisClientCluster, RoutesEveryKeyToItsMasterAndFollowsAskAndMoved) {
  TempDir d;
  RedisCluster cluster(d.path());
  ASSERT_TRUE(cluster.start()) << cluster.error();
  std::string e;
  auto c = connect(cluster.node(1).port(), e);  // any node will do
  ASSERT_TRUE(c) << e;
  EXPECT_TRUE(c->is_cluster());
  EXPECT_EQ(c->masters().size(), 3u);
  std::vector<RedisCommand> cmds;
  for (int i = 0; i < 300; ++i) {
    const std::string k = "k" + std::to_string(i);
    cmds.push_back(RedisCommand{{"SET", k, std::to_string(i)}, k});
  }
  std::vector<RedisReply> replies;
  const uint64_t before = c->round_trips();
  ASSERT_TRUE(c->execute(cmds, replies, e)) << e;
  EXPECT_EQ(c->round_trips() - before, 3u) << "one round trip per master";
  for (const auto& r : replies) ASSERT_EQ(r.str, "OK") << r.str;
  // Each key is on the node redis-cli -c finds it on (its own routing).
  for (int i = 0; i < 300; i += 37)
    EXPECT_EQ(run_shell(fmt::format("redis-cli -c -p {} get k{}", cluster.node(0).port(), i)).out, std::to_string(i) + "\n");

  // Move the slot of "moving" from its master A to another master B, by hand: while it migrates,
  // A answers ASK for keys it does not hold; once B owns it, A answers MOVED to the stale map.
  const int slot = rulec::rt::redis_key_slot("moving");
  auto id_of = [&](int port) { return redis_cli(port, "cluster myid").out.substr(0, 40); };
  int a = 0, b = 0;
  for (size_t i = 0; i < cluster.size(); ++i) {
    if (RedisCluster::owns_slot(cluster.node(i), slot)) a = cluster.node(i).port();
    else if (!b) b = cluster.node(i).port();
  }
  ASSERT_TRUE(a && b);
  ASSERT_EQ(redis_cli(b, fmt::format("cluster setslot {} importing {}", slot, id_of(a))).out, "OK\n");
  ASSERT_EQ(redis_cli(a, fmt::format("cluster setslot {} migrating {}", slot, id_of(b))).out, "OK\n");
  RedisReply r;
  ASSERT_TRUE(c->command(RedisCommand{{"SET", "moving", "1"}, "moving"}, r, e)) << e;  // ASK -> B
  EXPECT_EQ(r.str, "OK");
  EXPECT_EQ(redis_cli(a, "exists moving").out.rfind("ASK", 0), 0u) << "written on the importing node, not the old one";
  for (size_t i = 0; i < cluster.size(); ++i) redis_cli(cluster.node(i).port(), fmt::format("cluster setslot {} node {}", slot, id_of(b)));
  ASSERT_TRUE(c->command(RedisCommand{{"GET", "moving"}, "moving"}, r, e)) << e;  // MOVED -> B, map updated
  EXPECT_EQ(r.str, "1");
  const uint64_t trips = c->round_trips();
  ASSERT_TRUE(c->command(RedisCommand{{"GET", "moving"}, "moving"}, r, e)) << e;
  EXPECT_EQ(c->round_trips() - trips, 1u) << "the slot map learned where the slot went";
}

// A batch is done once the master's replica has it, however long the replica lags: what the
// client was told is written survives a failover.
TEST(RedisClientCluster, ABatchIsDoneOnceTheReplicaHasIt) {
  TempDir d;
  RedisCluster cluster(d.path(), 3, 1);
  ASSERT_TRUE(cluster.start()) << cluster.error();
  std::string e;
  auto c = connect(cluster.node(0).port(), e);
  ASSERT_TRUE(c) << e;
  const int slot = rulec::rt::redis_key_slot("lagging");
  int master = 0, replica_port = 0;
  for (size_t i = 0; i < cluster.size(); ++i) {
    if (cluster.node(i).cli("role").out.rfind("master", 0) != 0 || !RedisCluster::owns_slot(cluster.node(i), slot)) continue;
    master = cluster.node(i).port();
    const std::string info = cluster.node(i).cli("info replication").out;  // slave0:ip=...,port=N,...
    const size_t at = info.find(",port=");
    ASSERT_NE(at, std::string::npos) << info;
    replica_port = std::atoi(info.c_str() + at + 6);
  }
  RedisServer* replica = nullptr;
  for (size_t i = 0; i < cluster.size(); ++i)
    if (cluster.node(i).port() == replica_port) replica = &cluster.node(i);
  ASSERT_TRUE(master && replica);
  // The replica stalls for three seconds (longer than one WAIT) while the batch is written.
  replica->pause(true);
  std::thread stall([&] {
    std::this_thread::sleep_for(std::chrono::seconds(3));
    replica->pause(false);
  });
  std::vector<RedisReply> replies;
  ASSERT_TRUE(c->execute({RedisCommand{{"SET", "lagging", std::string(20000, 'x')}, "lagging"}}, replies, e)) << e;
  // The master's view: how far its replication stream goes, and how far the replica acknowledged
  // it (behind by the 20 kB write had the batch not waited; the master's pings are a few bytes).
  const std::string info = redis_cli(master, "info replication").out;
  const size_t m = info.find("master_repl_offset:"), r = info.find(",offset=");
  ASSERT_TRUE(m != std::string::npos && r != std::string::npos) << info;
  EXPECT_GE(std::atoll(info.c_str() + r + 8) + 1000, std::atoll(info.c_str() + m + 19)) << info;
  stall.join();
}

// A consumer whose acknowledgements lag (a batch that takes long, a slow checkpoint) keeps the
// entries it works on from looking idle, so no other consumer claims them while it reads on.
TEST(RedisStream, EntriesWaitingForAnAcknowledgementStayFresh) {
  TempDir d;
  RedisServer server(d.path() / "redis");
  ASSERT_TRUE(server.start());
  ASSERT_TRUE(xadd_events(server.port(), "ev", {"{\"a\":1}", "{\"a\":2}", "{\"a\":3}"}, d.path() / "push.resp"));
  rulec::rt::StreamSourceOptions options;
  options.claim_idle_ms = 2000;
  std::string error;
  auto source = rulec::rt::RedisStreamSource::open(
      fmt::format("redis-stream://127.0.0.1:{}/ev?group=g&consumer=c1", server.port()), options, "test", error);
  ASSERT_TRUE(source) << error;
  std::string_view doc;
  std::string why;
  ASSERT_EQ(source->next(doc, why, nullptr), rulec::rt::EntrySource::Status::Entry);
  EXPECT_EQ(doc, "{\"a\":1}");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // past claim_idle / 2, not acknowledged
  ASSERT_EQ(source->next(doc, why, nullptr), rulec::rt::EntrySource::Status::Entry);
  EXPECT_EQ(doc, "{\"a\":2}");
  // Nothing of c1's has been idle since before the second entry was handed out.
  EXPECT_TRUE(nonempty_lines(server.cli("xpending ev g IDLE 1100 - + 10").out).empty())
      << server.cli("xpending ev g - + 10").out;
  EXPECT_EQ(std::atol(server.cli("xpending ev g").out.c_str()), 3) << "read, none acknowledged";
  ASSERT_TRUE(source->acknowledge(error)) << error;
}

}  // namespace redis_client_test
}  // namespace
