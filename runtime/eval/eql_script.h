// EQL script leaves (what Elasticsearch runs as Painless): a compact expression program with SQL null logic over every combination of field values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/common/byte_io.h"
#include "runtime/decoder/event.h"

namespace rulec::rt {

// Semantics (../shared/spec/eql.md §2, §3): a missing field is null; any null operand gives null
// (and null is no match, `not null` included); the leaf is true when some combination of the
// referenced fields' values (one value per field, at most kMaxCombinations) makes it true.
// Values: strings, longs, doubles, booleans as the field's type reads them (a numeric field's
// values are numbers, a keyword field's strings). Functions as eql.md §3 lists them; a runtime
// error of Elasticsearch's (number("x"), a division by zero) is null here.
struct ScriptNode {
  enum class Op : uint8_t {
    Null, Bool, Long, Double, String,  // constants (b, i, d, s)
    Field,                             // field `i` of the program's fields
    Not, And, Or,                      // three-valued logic over kids
    Compare,                           // kids[0] <sub> kids[1]: 0 ==, 1 !=, 2 <, 3 <=, 4 >, 5 >=
    In,                                // kids[0] in kids[1..] (negated: not in; insensitive: in~)
    Match,                             // kids[0] matches kids[1..]: sub 0 `:`, 1 like, 2 regex (insensitive: ~);
                                       // a regex's items are Hyperscan expressions (lucene_regex.h's), or null
    Function,                          // function `sub` (FunctionId) of kids
    Arith,                             // kids[0] <sub> kids[1]: 0 + 1 - 2 * 3 / 4 %
    Neg,                               // -kids[0]
  };
  enum FunctionId : uint8_t {
    kAdd, kBetween, kCidrMatch, kConcat, kDivide, kEndsWith, kIndexOf, kLength, kModulo, kMultiply, kNumber,
    kStartsWith, kString, kStringContains, kSubstring, kSubtract, kFunctionCount
  };
  Op op = Op::Null;
  uint8_t sub = 0;
  bool insensitive = false;
  bool negated = false;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
  std::vector<uint32_t> kids;  // node indexes, each below this node's own
};

// A field a script reads, and how its values are typed.
struct ScriptField {
  enum class Class : uint8_t { String, Number, Bool };
  std::string path;
  Class cls = Class::String;
};

class ValueRegex;

struct EqlScript {
  static constexpr uint32_t kMaxCombinations = 4096;
  std::vector<ScriptField> fields;
  std::vector<ScriptNode> nodes;  // the last one is the root
  // Per node: a regex item compiled when the script is decoded (shared by copies).
  std::vector<std::shared_ptr<const ValueRegex>> regexes;

  void encode(ByteWriter& w) const;
  // false with `error` on any inconsistency (indexes, ops, arities, sizes).
  [[nodiscard]] bool decode(ByteReader& r, std::string& error);
  std::string bytes() const;
  // Is the leaf true for `ev`?
  bool eval(const Event& ev) const;
};

// The function's id by its canonical EQL name ("startsWith"), or kFunctionCount.
uint8_t script_function_id(std::string_view name);

}  // namespace rulec::rt
