// libFuzzer target: the event decoder, full and field-filtered; both must accept and refuse the same lines.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/decoder/decoder.h"
#include "runtime/decoder/field_filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rulec::rt;
  static Decoder full, filtered;
  static const FieldFilter filter({"process.name", "process.args", "@timestamp", "user.name"}, {"host"}, false);
  static const bool init = (filtered.set_filter(&filter), true);
  (void)init;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  Event a, b;
  const DecodeError ea = full.decode(json, a);
  const DecodeError eb = filtered.decode(json, b);
  if ((ea == DecodeError::None) != (eb == DecodeError::None)) std::abort();  // the filter changed acceptance
  if (ea == DecodeError::None)
    for (const Leaf& l : b.leaves)
      if (l.path.empty() && l.kind != ValueKind::Null) std::abort();
  return 0;
}
