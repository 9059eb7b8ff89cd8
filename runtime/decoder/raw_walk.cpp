// The raw-parse baseline: every token of the document visited through simdjson On-Demand.
#include "runtime/decoder/raw_walk.h"

#include <simdjson.h>

#include "runtime/decoder/decoder.h"

namespace rulec::rt {

namespace od = simdjson::ondemand;

namespace {

// Results are used in place, not moved out: those copies cost store-forwarding stalls.
size_t walk(od::value& v) {
  const std::string_view tok = v.raw_json_token();
  size_t n = 1;
  if (tok[0] == '{') {
    od::object o;
    if (v.get_object().get(o)) return 0;
    for (auto f : o) {
      if (f.error()) return 0;
      n += walk(f.value_unsafe().value());
    }
  } else if (tok[0] == '[') {
    od::array a;
    if (v.get_array().get(a)) return 0;
    for (auto e : a) {
      if (e.error()) return 0;
      n += walk(e.value_unsafe());
    }
  }
  return n;
}

}  // namespace

size_t raw_walk(od::parser& parser, std::string_view json) {
  od::document doc;
  if (parser.iterate(json.data(), json.size(), json.size() + Decoder::kPadding).get(doc)) return 0;
  od::object root;
  if (doc.get_object().get(root)) return 0;
  size_t n = 0;
  for (auto f : root) {
    if (f.error()) return 0;
    n += walk(f.value_unsafe().value());
  }
  return n;
}

}  // namespace rulec::rt
