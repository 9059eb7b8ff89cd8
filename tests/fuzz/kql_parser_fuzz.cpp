// libFuzzer target: the KQL parser. Any input parses or gives one diagnostic; a parsed query's printed
// form parses again to the same printed form.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "compiler/frontend/parser.h"
#include "compiler/frontend/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rulec::kql;
  const std::string_view q(reinterpret_cast<const char*>(data), size);
  ParseResult r = parse(q);
  if (!r) {
    if (!r.error) std::abort();  // no tree and no reason
    return 0;
  }
  const std::string printed = print(*r.ast);
  ParseResult again = parse(printed);
  if (!again || print(*again.ast) != printed) std::abort();  // the printer's output must round-trip
  return 0;
}
