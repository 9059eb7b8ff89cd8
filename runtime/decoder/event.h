// A decoded event: every leaf value of one JSON document under its flattened dotted path.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace rulec::rt {

enum class ValueKind : uint8_t { String, Number, True, False, Null };

// Leaf::slot of a leaf whose path is not listed in the decoder's FieldFilter (or without one).
inline constexpr uint32_t kNoSlot = 0xFFFFFFFF;

// One scalar of the document. Nested objects, dotted keys and mixed forms flatten to the same
// `path` ({"a":{"b":1}}, {"a.b":1} and {"a":{"b":..}} all give "a.b"). Arrays give one leaf per
// element (arrays of arrays flatten too). Empty arrays and empty objects give no leaf.
struct Leaf {
  std::string_view path;  // flattened dotted path, valid until the next decode into this Event
  std::string_view text;  // unescaped UTF-8 string; the number's JSON text as written; "true",
                          // "false" or "null" for the other kinds
  ValueKind kind = ValueKind::Null;
  uint32_t scope = 0;     // innermost enclosing array-of-objects element (0: the document root)
  uint32_t slot = kNoSlot;  // index of `path` in the FieldFilter's listed paths (see field_filter.h)
};

// An element of an array of objects: `{"a":[{"b":1},{"b":2}]}` has two scopes with path "a",
// whose leaves "a.b" point at them. Nested queries (`a:{ b:1 and c:2 }`) test each element on its
// own by looking at the leaves inside one such scope (and its descendants).
struct Scope {
  uint32_t parent = 0;    // enclosing scope (the root is its own parent)
  std::string_view path;  // flattened path of the array holding this element ("" for the root)
};

// With a FieldFilter (Decoder::set_filter), `leaves` holds only the kept leaves, in document order,
// each under the same chain of scope paths as without the filter (scopes are numbered in the order
// the decoder met them; parts of the document it skipped have none). Paths may then point into the
// filter, which must outlive the Event's use.
struct Event {
  std::string_view raw;       // the original JSON text of the document
  uint64_t line = 0;          // 1-based line number in its input
  uint32_t input = 0;         // index of the input file it came from
  std::vector<Leaf> leaves;   // in document order
  std::vector<Scope> scopes;  // scopes[0] is the root
  const void* filter = nullptr;  // the FieldFilter that decoded it (nullptr: none, every leaf kept)
  // What the reader made of `raw`: Decoded; PassedOver: its prefilter found no rule's literal, not
  // decoded (no leaf, no scope), no rule can match it (EventReader::set_prefilter); Raw: left for
  // another thread to decode (EventReader::set_raw).
  enum class Form : uint8_t { Decoded, PassedOver, Raw };
  Form form = Form::Decoded;
};

}  // namespace rulec::rt
