// Event decoding: one JSON document into flattened leaves and array-of-object scopes (simdjson On-Demand).
//
// Why On-Demand: measured with bench/decoder/decoder_bench.cpp on 10k generated Elastic Defend
// process events (1.6-1.9 KB, 61 leaves each), Release (-O3), simdjson 3.0.1 (stage 1 dispatched to
// its icelake kernel), 2-vCPU AMD EPYC VM shared with other builds; best of 10 interleaved runs:
//   On-Demand iterate + visit every token (ceiling)   622 ns/event  1.61 M events/s  2.7 GB/s
//   DOM parse only (ceiling)                          688 ns/event  1.45 M events/s  2.5 GB/s
//   DOM parse + walk into Event (numbers re-printed) 1700 ns/event  0.59 M events/s  1.0 GB/s
//   On-Demand decode into Event (this file)          1326 ns/event  0.75 M events/s  1.3 GB/s
//   ... filtered (filtered_walk.cpp), 8 paths         970 ns/event  1.03 M events/s  1.8 GB/s  (10 leaves)
//   ... filtered, 300 paths                          1209 ns/event  0.83 M events/s  1.4 GB/s  (61 leaves)
//   ... filtered, no path (validation only)           740 ns/event  1.35 M events/s  2.3 GB/s
// Only On-Demand keeps a number's text as written (DOM gives doubles and int64s: `1.0`, `-0`, `1e3`
// and integers beyond 64 bits would be lost), and its ceiling is the higher. Before the filter work
// this file decoded at 1687 ns/event on the same build and machine (1735 in RelWithDebInfo): keys
// are now measured backwards from their value instead of scanned, and strings are searched for
// backslashes only when they overlap the span between the document's first and last backslash.
// A filter of 8 paths costs 1.56x the ceiling: 1.19x is the validation every skipped token still
// needs (numbers, literals, escapes: On-Demand checks none of them when not asked to parse), the
// rest is mostly the lookup of each key of the objects on the filter's paths (~3 ns per key).
//
// How: stage 1 (structural indexing, UTF-8 validation) runs in the library with runtime dispatch to
// the best SIMD kernel. The walk then only looks at raw tokens: a number keeps its JSON text as
// written (raw_json_token, validated against the JSON grammar here, as On-Demand does not validate
// what it is not asked to parse); a string without a backslash is a view into the input, without
// copy; only strings and keys with escapes are unescaped (into the parser's string buffer);
// true/false/null are checked literally. Each member's path is written once into a reused arena
// and shared by its leaves and children; nothing allocates once the buffers have grown to the
// largest document seen. (The On-Demand walking code itself is compiled here for generic x86-64,
// simdjson's "fallback" kernel; only stage 1 uses SIMD.) With a FieldFilter the walk follows its
// trie instead (filtered_walk.cpp), with the same checks on every token.
// Recursion is bounded by DecoderLimits::max_depth: one level per JSON nesting level, 250 to 400
// bytes of stack per object level (Release), so ~100 KB at the default limit of 256.
#include "runtime/decoder/decoder.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include "runtime/decoder/decoder_impl.h"

namespace rulec::rt {

using namespace decoder_detail;
static_assert(Decoder::kPadding == simdjson::SIMDJSON_PADDING);

namespace {

const char* json_type_name(char first) {
  switch (first) {
    case '[': return "an array";
    case '"': return "a string";
    case 't': case 'f': return "a boolean";
    case 'n': return "null";
    default: return "a number";
  }
}

}  // namespace

bool Decoder::Impl::fail_simdjson(simdjson::error_code code) {
  const char* at = last;
  auto loc = doc ? doc->current_location() : simdjson::simdjson_result<const char*>(simdjson::OUT_OF_BOUNDS);
  if (!loc.error() && loc.value_unsafe() >= json.data() && loc.value_unsafe() <= json.data() + json.size())
    at = loc.value_unsafe();
  switch (code) {
    case simdjson::UTF8_ERROR: return fail(DecodeError::BadUtf8, at, "invalid UTF-8");
    case simdjson::DEPTH_ERROR: return fail(DecodeError::TooDeep, at, "nesting deeper than the limit");
    case simdjson::TAPE_ERROR:  // a structural character where another was expected
      if (at == json.data() + json.size()) return fail(DecodeError::BadJson, at, "unexpected end of the document");
      fail(DecodeError::BadJson, at, "unexpected");
      error_char = static_cast<unsigned char>(*at);
      return false;
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT: {  // the root's brackets do not balance
      size_t first = 0;
      while (first < json.size() && is_ws(json[first])) ++first;
      const size_t end = json_scan::container_end(json, first);
      if (end == std::string_view::npos) return fail(DecodeError::BadJson, nullptr, "unexpected end of the document");
      size_t next = end;
      while (next < json.size() && is_ws(json[next])) ++next;
      return fail(DecodeError::BadJson, json.data() + next, "unexpected content after the document");
    }
    default: return fail(DecodeError::BadJson, at, simdjson::error_message(code));
  }
}

// Each member's path (prefix.key) is written once into the arena; leaves and children share it.
bool Decoder::Impl::walk_object(od::object& obj, size_t depth, uint32_t scope, std::string_view prefix) {
  for (auto member : obj) {
    if (auto e = member.error()) return fail_simdjson(e);
    od::field& field = member.value_unsafe();  // not moved out: that copy stalls (measured)
    const char* raw = field.key().raw();  // just after the opening quote; the string is closed
    last = raw - 1;
    od::value& v = field.value();
    const std::string_view tok = v.raw_json_token();
    std::string_view key;
    bool escaped;
    if (!key_text(field, raw, tok.data(), key, escaped)) return false;
    if (!walk_value(v, tok, depth, scope, join_path(prefix, key), false)) return false;
  }
  return true;
}

// `path` is the value's flattened path. Array elements share the array's path and scope; objects
// inside arrays open a new scope.
bool Decoder::Impl::walk_value(od::value& v, std::string_view tok, size_t depth, uint32_t scope, std::string_view path,
                               bool in_array) {
  last = tok.data();
  const char c = tok.empty() ? '\0' : tok[0];
  std::string_view text;
  // Tested most frequent first: cheaper than a jump table, whose target is hard to predict.
  if (c == '"') {
    if (!string_text(v, tok, text)) return false;
    emit(path, text, ValueKind::String, scope, kNoSlot);
    return true;
  }
  if ((c >= '0' && c <= '9') || c == '-') {
    if (!number_text(tok, text)) return false;
    emit(path, text, ValueKind::Number, scope, kNoSlot);
    return true;
  }
  if (c == '{') {
    if (depth >= limits.max_depth) return fail(DecodeError::TooDeep, tok.data(), "nesting deeper than the limit");
    od::object obj;
    if (auto e = v.get_object().get(obj)) return fail_simdjson(e);
    uint32_t s = scope;
    if (in_array) {
      s = static_cast<uint32_t>(ev->scopes.size());
      ev->scopes.push_back(Scope{scope, path});
    }
    return walk_object(obj, depth + 1, s, path);
  }
  if (c == '[') {
    if (depth >= limits.max_depth) return fail(DecodeError::TooDeep, tok.data(), "nesting deeper than the limit");
    od::array arr;
    if (auto e = v.get_array().get(arr)) return fail_simdjson(e);
    for (auto element : arr) {  // arrays of arrays flatten: same path
      if (auto e = element.error()) return fail_simdjson(e);
      od::value& el = element.value_unsafe();
      if (!walk_value(el, el.raw_json_token(), depth + 1, scope, path, true)) return false;
    }
    return true;
  }
  ValueKind kind;
  if (!literal(tok, c, text, kind)) return false;
  emit(path, text, kind, scope, kNoSlot);
  return true;
}

// A document that is not an object: NotObject when it is valid JSON, else BadJson.
bool Decoder::Impl::valid_non_object(od::document& d, size_t first) {
  if (json[first] == '[') {
    if (limits.max_depth < 1) return fail(DecodeError::TooDeep, json.data() + first, "nesting deeper than the limit");
    od::array arr;
    if (auto code = d.get_array().get(arr)) return fail_simdjson(code);
    for (auto element : arr) {
      od::value el;
      if (auto code = std::move(element).get(el)) return fail_simdjson(code);
      if (!walk_value(el, el.raw_json_token(), 1, 0, {}, true)) return false;
    }
    return at_end(d);
  }
  std::string_view tok;
  if (auto code = d.raw_json_token().get(tok)) return fail_simdjson(code);
  tok = trim_right(tok);
  bool ok = false;
  switch (json[first]) {
    case '"': {
      std::string_view text;
      ok = tok.size() >= 2 && tok.back() == '"' && d.get_string().get(text) == simdjson::SUCCESS;
      break;
    }
    case 't': ok = tok == kTrue; break;
    case 'f': ok = tok == kFalse; break;
    case 'n': ok = tok == kNull; break;
    default: ok = json_scan::is_json_number(tok);
  }
  if (!ok) return fail(DecodeError::BadJson, tok.data(), "expected a JSON object");
  for (const char* p = tok.data() + tok.size(); p < json.data() + json.size(); ++p)
    if (!is_ws(*p)) return fail(DecodeError::BadJson, p, "unexpected content after the document");
  return true;
}

DecodeError Decoder::Impl::run(std::string_view padded_json, Event& e, std::string* message) {
  ev = &e;
  json = padded_json;
  doc = nullptr;
  last = json.data();
  error = DecodeError::None;
  error_char = -1;
  e.raw = json;
  e.filter = filter;
  e.leaves.clear();
  e.scopes.clear();
  e.scopes.push_back(Scope{0, {}});
  arena.reset();

  if (json.size() > limits.max_line_bytes) {
    if (message) *message = fmt::format("document of {} bytes is longer than the limit of {} bytes", json.size(), limits.max_line_bytes);
    return DecodeError::TooLong;
  }
  size_t first = 0;
  while (first < json.size() && is_ws(json[first])) ++first;
  if (first == json.size()) {
    if (message) *message = "blank line";
    return DecodeError::Empty;
  }

  // One SIMD scan of the document spares a scan of every string for escapes (most events have none;
  // the others mostly have them in one field or two).
  const void* bs = std::memchr(json.data(), '\\', json.size());
  first_backslash = last_backslash = json.data() + json.size();
  if (bs) {
    first_backslash = static_cast<const char*>(bs);
    last_backslash = static_cast<const char*>(memrchr(json.data(), '\\', json.size()));
  }

  od::document d;
  if (auto code = parser.iterate(json.data(), json.size(), json.size() + kPadding).get(d)) {
    // Stage 1 failed: simdjson gives no position, find it.
    if (code == simdjson::UTF8_ERROR) {
      fail(DecodeError::BadUtf8, json.data() + json_scan::first_invalid_utf8(json), "invalid UTF-8");
    } else if (code == simdjson::UNCLOSED_STRING || code == simdjson::UNESCAPED_CHARS) {
      const auto issue = json_scan::find_string_issue(json);
      fail(DecodeError::BadJson, issue.offset == std::string_view::npos ? nullptr : json.data() + issue.offset,
           issue.unclosed ? "unclosed string" : "unescaped control character in a string");
    } else if (code == simdjson::EMPTY) {
      error = DecodeError::Empty;
      error_at = 0;
      error_what = "blank line";
    } else {
      fail(DecodeError::BadJson, json.data() + first, simdjson::error_message(code));
    }
  } else {
    doc = &d;
    if (json[first] != '{') {
      if (valid_non_object(d, first)) {  // else BadJson, with its position
        error = DecodeError::NotObject;
        error_at = first;
        error_what = json_type_name(json[first]);
      }
    } else if (limits.max_depth < 1) {
      fail(DecodeError::TooDeep, json.data() + first, "nesting deeper than the limit");
    } else if (looks_like_hit(first)) {
      decode_hit(d);
    } else {
      od::object root;
      if (auto code2 = d.get_object().get(root)) {
        fail_simdjson(code2);
      } else if (filter ? trie_object(root, 1, 0, filter->root()) : walk_object(root, 1, 0, {})) {
        at_end(d);
      }
    }
  }
  if (error == DecodeError::None) return DecodeError::None;

  e.leaves.clear();
  e.scopes.resize(1);
  if (message) {
    if (error == DecodeError::NotObject) {
      *message = fmt::format("the document is {}, not an object (byte {})", error_what, error_at);
    } else if (error == DecodeError::TooDeep) {
      *message = fmt::format("nesting deeper than {} levels at byte {}", limits.max_depth, error_at);
    } else if (error == DecodeError::Empty) {
      *message = "blank line";
    } else if (error_char >= 0x20 && error_char < 0x7f) {
      *message = fmt::format("{} '{}' at byte {}", error_what, static_cast<char>(error_char), error_at);
    } else if (error_char >= 0) {
      *message = fmt::format("{} byte 0x{:02x} at byte {}", error_what, error_char, error_at);
    } else {
      *message = fmt::format("{} at byte {}", error_what, error_at);
    }
  }
  return error;
}

Decoder::Decoder(DecoderLimits limits) : impl_(std::make_unique<Impl>(limits)) {}
Decoder::~Decoder() = default;

DecodeError Decoder::decode(std::string_view json, Event& ev, std::string* message) {
  Impl& m = *impl_;
  if (json.size() + kPadding > m.copy_cap) {
    m.copy_cap = std::max({json.size() + kPadding, m.copy_cap * 2, size_t{4096}});
    m.copy = std::make_unique_for_overwrite<char[]>(m.copy_cap);
  }
  if (!json.empty()) std::memcpy(m.copy.get(), json.data(), json.size());
  std::memset(m.copy.get() + json.size(), 0, kPadding);
  return m.run(std::string_view(m.copy.get(), json.size()), ev, message);
}

DecodeError Decoder::decode_padded(std::string_view json, Event& ev, std::string* message) {
  return impl_->run(json, ev, message);
}

void Decoder::set_filter(const FieldFilter* filter) { impl_->filter = filter; }
const FieldFilter* Decoder::filter() const { return impl_->filter; }

}  // namespace rulec::rt
