// Redis addresses as users write them (shared state, event streams) and the credentials, read from the environment.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rulec::rt {

struct RedisEndpoint {
  std::string host;
  uint16_t port = 6379;
  std::string str() const;  // "host:port" ("[v6]:port" for an IPv6 address)
  bool operator==(const RedisEndpoint&) const = default;
};

// `redis://HOST:PORT[/PREFIX]`: the server (any node of a cluster) and the prefix of every key.
struct SharedStateUrl {
  RedisEndpoint node;
  std::string prefix = "rulec";
};

// `redis-stream://HOST:PORT/STREAM?group=G&consumer=C`: a stream read through a consumer group.
struct StreamUrl {
  RedisEndpoint node;
  std::string stream, group, consumer;
};

// The user (ACL) and password, never from the command line (it shows in `ps`): the environment
// variables RULEC_REDIS_USER and RULEC_REDIS_PASSWORD, or RULEC_REDIS_PASSWORD_FILE naming a file
// that holds the password (its first line). Empty password: no AUTH.
struct RedisCredentials {
  std::string user, password;
};

// False with the reason (which part of the URL, what was expected). A URL holding a user or a
// password (`redis://user:pass@host`) is refused: credentials come from the environment.
[[nodiscard]] bool parse_shared_state_url(std::string_view url, SharedStateUrl& out, std::string& error);
[[nodiscard]] bool parse_stream_url(std::string_view url, StreamUrl& out, std::string& error);
// Is `path` (an --events argument) a Redis stream URL?
inline bool is_stream_url(std::string_view path) { return path.substr(0, 15) == "redis-stream://"; }

[[nodiscard]] bool credentials_from_environment(RedisCredentials& out, std::string& error);

}  // namespace rulec::rt
