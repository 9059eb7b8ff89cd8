// libFuzzer target: the redis:// and redis-stream:// URL parsers; an accepted URL names a host, a port and plain names.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/shared/redis_url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rulec::rt;
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  std::string error;
  SharedStateUrl s;
  if (parse_shared_state_url(url, s, error)) {
    if (s.node.host.empty() || s.node.port == 0 || s.prefix.empty()) std::abort();
  } else if (error.empty()) {
    std::abort();  // a refusal always says why
  }
  StreamUrl t;
  error.clear();
  if (parse_stream_url(url, t, error)) {
    if (t.node.host.empty() || t.node.port == 0 || t.stream.empty() || t.group.empty() || t.consumer.empty()) std::abort();
    if (!is_stream_url(url)) std::abort();
  } else if (error.empty()) {
    std::abort();
  }
  return 0;
}
