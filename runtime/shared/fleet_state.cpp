// Fleet state: connecting, loading the scripts, and running batches through outages with backoff.
#include "runtime/shared/fleet_state.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "runtime/common/hash128.h"
#include "runtime/shared/fleet_scripts.h"
#include "runtime/shared/redis_retry.h"

namespace rulec::rt {

namespace {

std::string script_text(FleetState::Script s) {
  switch (s) {
    case FleetState::kNewTerms: return fleet_scripts::source(fleet_scripts::kNewTerms);
    case FleetState::kThreshold: return fleet_scripts::source(fleet_scripts::kThreshold);
    case FleetState::kSignals: return fleet_scripts::source(fleet_scripts::kSignals);
    case FleetState::kSettle: return fleet_scripts::source(fleet_scripts::kSettle);
    case FleetState::kSequencePut: return fleet_scripts::source(fleet_scripts::kSequencePut);
    default: return fleet_scripts::source(fleet_scripts::kSequenceClock);
  }
}


// Loads every script on `node` (SCRIPT LOAD is idempotent); fills `sha`.
bool load_scripts(RedisClient& c, const RedisEndpoint& node, std::string* sha, std::string& error) {
  std::vector<RedisCommand> cmds;
  for (int s = 0; s < FleetState::kScriptCount; ++s)
    cmds.push_back(RedisCommand{{"SCRIPT", "LOAD", script_text(static_cast<FleetState::Script>(s))}, {}});
  std::vector<RedisReply> replies;
  if (!c.execute_on(node, cmds, replies, error)) return false;
  for (int s = 0; s < FleetState::kScriptCount; ++s) {
    if (replies[static_cast<size_t>(s)].type != RedisReply::Type::String)
      return error = fmt::format("Redis at {} refused the shared-state scripts: {}", node.str(),
                                 replies[static_cast<size_t>(s)].str),
             false;
    sha[s] = replies[static_cast<size_t>(s)].str;
  }
  return true;
}

}  // namespace

std::string FleetState::default_writer(const std::string& state_dir) {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "host");
  if (!state_dir.empty()) {
    // absolute() first: weakly_canonical leaves a relative path that does not exist yet (the
    // first run creates it) relative, and the restart would then name another writer.
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path dir = fs::absolute(state_dir, ec);
    if (ec) dir = state_dir;
    fs::path canon = fs::weakly_canonical(dir, ec);
    if (!ec) dir = canon;
    dir = dir.lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path()) dir = dir.parent_path();  // "st/" is "st"
    return fmt::format("{}:{:016x}", host, Hash128().add(dir.string()).value().first);
  }
  std::random_device rd;
  return fmt::format("{}:{:08x}{:08x}", host, rd(), rd());
}

FleetState::~FleetState() = default;

std::unique_ptr<FleetState> FleetState::open(const std::string& url, std::string writer, std::string& error) {
  SharedStateUrl u;
  if (!parse_shared_state_url(url, u, error)) return nullptr;
  RedisCredentials creds;
  if (!credentials_from_environment(creds, error)) return nullptr;
  std::unique_ptr<FleetState> f(new FleetState());
  f->client_ = RedisClient::connect(u.node, creds, {}, error);
  if (!f->client_) return nullptr;
  f->prefix_ = u.prefix;
  f->writer_ = std::move(writer);
  f->url_ = url;
  for (const RedisEndpoint& m : f->client_->masters())
    if (!load_scripts(*f->client_, m, f->sha_, error)) return nullptr;
  return f;
}

std::string FleetState::describe() const {
  if (!client_->is_cluster()) return url_;
  return fmt::format("{} (cluster of {} masters)", url_, client_->masters().size());
}

std::string FleetState::key(std::string_view kind, std::string_view rule, std::string_view item) const {
  std::string k;
  k.reserve(prefix_.size() + kind.size() + rule.size() + item.size() + 3);
  k.append(prefix_).append(":").append(kind).append(":").append(rule).append(":").append(item);
  return k;
}

std::string FleetState::rule_key(std::string_view rule_id, uint64_t definition_hash) {
  const auto h = Hash128().add(rule_id).add(std::string_view(reinterpret_cast<const char*>(&definition_hash), 8)).value();
  return fmt::format("{:016x}", h.first);
}

RedisCommand FleetState::call(Script s, std::string k, std::vector<std::string> args) const {
  RedisCommand c;
  c.argv.reserve(args.size() + 4);
  c.argv.push_back("EVALSHA");
  c.argv.push_back(sha_[s]);
  c.argv.push_back("1");
  c.argv.push_back(k);
  for (auto& a : args) c.argv.push_back(std::move(a));
  c.key = std::move(k);
  return c;
}

bool FleetState::run(std::vector<RedisCommand>& cmds, std::vector<RedisReply>& replies, std::string& error) {
  commands_ += cmds.size();
  const RedisRetry how{"shared state " + url_, program_, stop_, stop_bits_};
  while (true) {
    if (!execute_retrying(*client_, cmds, replies, how, error)) return false;
    // A node that restarted (or a failover to a replica) forgot the scripts: load them, run the
    // batch again (a script's SHA1 is the same on every node, so the calls stand as they are).
    bool reload = false;
    for (const auto& r : replies) reload = reload || (r.is_error() && r.str.rfind("NOSCRIPT", 0) == 0);
    if (!reload) break;
    std::string why;
    for (const RedisEndpoint& m : client_->masters())
      if (!load_scripts(*client_, m, sha_, why)) break;
  }
  // What is left is an error retrying cannot mend (redirections, TRYAGAIN and LOADING are the
  // client's): a key of another type, a value the scripts did not write, a script that failed.
  for (size_t i = 0; i < replies.size(); ++i)
    if (replies[i].is_error()) {
      const std::string& key = i < cmds.size() ? cmds[i].key : std::string();
      // The scripts' own errors name the key; Redis's (WRONGTYPE) do not.
      error = key.empty() || replies[i].str.find(key) != std::string::npos
                  ? fmt::format("shared state {}: {}", url_, replies[i].str)
                  : fmt::format("shared state {}: {}: {}", url_, key, replies[i].str);
      return false;
    }
  return true;
}

}  // namespace rulec::rt
