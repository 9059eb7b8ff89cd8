// Parsing redis:// and redis-stream:// URLs, and reading Redis credentials from the environment.
#include "runtime/shared/redis_url.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

namespace rulec::rt {

namespace {

// HOST:PORT (or [V6]:PORT); the port defaults to 6379.
bool parse_endpoint(std::string_view s, RedisEndpoint& out, std::string_view url, std::string& error) {
  if (const size_t at = s.rfind('@'); at != std::string_view::npos)  // the URL is not repeated: it holds a secret
    return error = fmt::format("the Redis URL for {}: credentials do not go in the URL (they would show in `ps`); "
                               "set RULEC_REDIS_USER and RULEC_REDIS_PASSWORD or RULEC_REDIS_PASSWORD_FILE",
                               s.substr(at + 1)),
           false;
  std::string_view host = s, port;
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos) return error = fmt::format("{}: unclosed '[' in the host", url), false;
    host = s.substr(1, close - 1);
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return error = fmt::format("{}: expected ':PORT' after ']'", url), false;
      port = rest.substr(1);
    }
  } else if (const size_t colon = s.rfind(':'); colon != std::string_view::npos) {
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  if (host.empty()) return error = fmt::format("{}: no host", url), false;
  out.host = std::string(host);
  out.port = 6379;
  if (!port.empty()) {
    unsigned long p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || p > 65535) return error = fmt::format("{}: port '{}' is not a number from 1 to 65535", url, port), false;
      p = p * 10 + static_cast<unsigned long>(c - '0');
    }
    if (p == 0 || p > 65535) return error = fmt::format("{}: port '{}' is not a number from 1 to 65535", url, port), false;
    out.port = static_cast<uint16_t>(p);
  }
  return true;
}

// Key prefixes and stream names: printable, no spaces or braces (braces are Redis Cluster hash tags).
bool plain_name(std::string_view s) {
  if (s.empty() || s.size() > 200) return false;
  for (unsigned char c : s)
    if (c <= ' ' || c == 0x7f || c == '{' || c == '}' || c == '?' || c == '&' || c == '#') return false;
  return true;
}

}  // namespace

std::string RedisEndpoint::str() const {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

bool parse_shared_state_url(std::string_view url, SharedStateUrl& out, std::string& error) {
  constexpr std::string_view scheme = "redis://";
  if (url.substr(0, scheme.size()) != scheme)
    return error = fmt::format("{}: expected redis://HOST:PORT[/PREFIX]", url), false;
  std::string_view rest = url.substr(scheme.size());
  const size_t slash = rest.find('/');
  if (!parse_endpoint(rest.substr(0, slash), out.node, url, error)) return false;
  out.prefix = "rulec";
  if (slash != std::string_view::npos) {
    std::string_view prefix = rest.substr(slash + 1);
    if (!prefix.empty()) {
      if (!plain_name(prefix))
        return error = fmt::format("{}: the prefix '{}' must be 1 to 200 printable characters without spaces, "
                                   "braces, '?', '&' or '#'", url, prefix),
               false;
      out.prefix = std::string(prefix);
    }
  }
  return true;
}

bool parse_stream_url(std::string_view url, StreamUrl& out, std::string& error) {
  constexpr std::string_view scheme = "redis-stream://";
  if (url.substr(0, scheme.size()) != scheme)
    return error = fmt::format("{}: expected redis-stream://HOST:PORT/STREAM?group=G&consumer=C", url), false;
  std::string_view rest = url.substr(scheme.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos)
    return error = fmt::format("{}: no stream name (redis-stream://HOST:PORT/STREAM?group=G&consumer=C)", url), false;
  if (!parse_endpoint(rest.substr(0, slash), out.node, url, error)) return false;
  std::string_view path = rest.substr(slash + 1), query;
  if (const size_t q = path.find('?'); q != std::string_view::npos) {
    query = path.substr(q + 1);
    path = path.substr(0, q);
  }
  if (!plain_name(path)) return error = fmt::format("{}: the stream name '{}' is not a plain name", url, path), false;
  out.stream = std::string(path);
  out.group.clear();
  out.consumer.clear();
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = kv.find('=');
    std::string_view k = kv.substr(0, eq), v = eq == std::string_view::npos ? std::string_view() : kv.substr(eq + 1);
    if (k != "group" && k != "consumer")
      return error = fmt::format("{}: unknown parameter '{}' (group and consumer are)", url, k), false;
    if (!plain_name(v)) return error = fmt::format("{}: {} '{}' is not a plain name", url, k, v), false;
    (k == "group" ? out.group : out.consumer) = std::string(v);
  }
  if (out.group.empty() || out.consumer.empty())
    return error = fmt::format("{}: both group= and consumer= are needed (a consumer group reads the stream)", url), false;
  return true;
}

bool credentials_from_environment(RedisCredentials& out, std::string& error) {
  out = RedisCredentials{};
  if (const char* u = std::getenv("RULEC_REDIS_USER")) out.user = u;
  const char* file = std::getenv("RULEC_REDIS_PASSWORD_FILE");
  const char* pass = std::getenv("RULEC_REDIS_PASSWORD");
  if (file && *file) {
    if (pass && *pass)
      return error = "both RULEC_REDIS_PASSWORD and RULEC_REDIS_PASSWORD_FILE are set: set one", false;
    std::ifstream in(file);
    if (!in) return error = fmt::format("RULEC_REDIS_PASSWORD_FILE {}: {}", file, std::strerror(errno)), false;
    std::getline(in, out.password);
    if (!out.password.empty() && out.password.back() == '\r') out.password.pop_back();
    if (out.password.empty()) return error = fmt::format("RULEC_REDIS_PASSWORD_FILE {}: the file is empty", file), false;
  } else if (pass) {
    out.password = pass;
  }
  if (!out.user.empty() && out.password.empty())
    return error = "RULEC_REDIS_USER is set without a password (RULEC_REDIS_PASSWORD or RULEC_REDIS_PASSWORD_FILE)", false;
  return true;
}

}  // namespace rulec::rt
