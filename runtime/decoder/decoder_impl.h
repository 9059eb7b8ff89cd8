// Decoder internals shared by the full walk (decoder.cpp) and the filtered walks (filtered_walk.cpp).
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/decoder/arena.h"
#include "runtime/decoder/decoder.h"
#include "runtime/decoder/field_filter.h"
#include "runtime/decoder/json_scan.h"

namespace rulec::rt {

namespace od = simdjson::ondemand;

namespace decoder_detail {

inline constexpr std::string_view kTrue = "true", kFalse = "false", kNull = "null";

inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A raw token runs up to the next structural character: drop the whitespace before it.
inline std::string_view trim_right(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && is_ws(s[n - 1])) --n;
  return s.substr(0, n);
}

}  // namespace decoder_detail

struct Decoder::Impl {
  DecoderLimits limits;
  od::parser parser;
  std::unique_ptr<char[]> copy;  // padded copy of unpadded input
  size_t copy_cap = 0;
  Arena arena;  // the paths of this document
  const FieldFilter* filter = nullptr;

  // Per decode.
  Event* ev = nullptr;
  std::string_view json;
  // The first and last backslash in json (both its end when none): strings and keys outside
  // [first_backslash, last_backslash] have no escape, without looking at them.
  const char* first_backslash = nullptr;
  const char* last_backslash = nullptr;
  od::document* doc = nullptr;
  const char* last = nullptr;  // start of the last token looked at, to place simdjson errors
  DecodeError error = DecodeError::None;
  size_t error_at = 0;
  std::string_view error_what;
  int error_char = -1;  // the offending character, when error_what names one

  explicit Impl(DecoderLimits l) : limits(l) {}

  bool fail(DecodeError e, const char* at, std::string_view what) {
    error = e;
    error_at = at ? std::min<size_t>(static_cast<size_t>(at - json.data()), json.size()) : json.size();
    error_what = what;
    return false;
  }
  bool fail_simdjson(simdjson::error_code code);

  // Fields are stored one by one: building a Leaf first costs store-forwarding stalls (measured).
  [[gnu::always_inline]] void emit(std::string_view path, std::string_view text, ValueKind kind, uint32_t scope,
                                   uint32_t slot) {
    Leaf& leaf = ev->leaves.emplace_back();
    leaf.path = path;
    leaf.text = text;
    leaf.kind = kind;
    leaf.scope = scope;
    leaf.slot = slot;
  }

  bool may_escape(const char* begin, const char* end) const { return end > first_backslash && begin <= last_backslash; }

  // ---- Scalars: the same checks in every walk, so that every walk accepts the same documents ----

  // A string value (tok starts with '"'): its unescaped text.
  [[gnu::always_inline]] bool string_text(od::value& v, std::string_view tok, std::string_view& text) {
    const std::string_view s = decoder_detail::trim_right(tok);
    if (s.size() < 2 || s.back() != '"') return fail(DecodeError::BadJson, tok.data(), "malformed string");
    text = s.substr(1, s.size() - 2);
    if (may_escape(s.data(), s.data() + s.size()) && std::memchr(text.data(), '\\', text.size()) != nullptr &&
        v.get_string().get(text) != simdjson::SUCCESS)
      return fail(DecodeError::BadJson, tok.data(), "invalid escape in a string");
    return true;
  }
  // A number (tok starts with a digit or '-'): its text as written.
  [[gnu::always_inline]] bool number_text(std::string_view tok, std::string_view& text) {
    text = decoder_detail::trim_right(tok);
    if (!json_scan::is_json_number(text)) return fail(DecodeError::BadJson, tok.data(), "invalid number");
    return true;
  }
  // Anything else but a container: true, false or null.
  [[gnu::always_inline]] bool literal(std::string_view tok, char c, std::string_view& text, ValueKind& kind) {
    using namespace decoder_detail;
    const std::string_view word = trim_right(tok);
    if (word == kTrue) {
      text = kTrue;
      kind = ValueKind::True;
    } else if (word == kFalse) {
      text = kFalse;
      kind = ValueKind::False;
    } else if (word == kNull) {
      text = kNull;
      kind = ValueKind::Null;
    } else {
      return fail(DecodeError::BadJson, tok.data(),
                  c == 't' || c == 'f' || c == 'n' ? "invalid literal" : "expected a value");
    }
    return true;
  }
  // Any scalar (c = tok[0], not '{' or '[').
  [[gnu::always_inline]] bool scalar(od::value& v, std::string_view tok, char c, std::string_view& text, ValueKind& kind) {
    if (c == '"') {
      kind = ValueKind::String;
      return string_text(v, tok, text);
    }
    if ((c >= '0' && c <= '9') || c == '-') {
      kind = ValueKind::Number;
      return number_text(tok, text);
    }
    return literal(tok, c, text, kind);
  }
  // A member's key: `raw` is just after its opening quote, `value` the first byte of its value.
  // simdjson has checked that the key is a closed string followed by a ':' with only whitespace
  // around it, so the key ends at the last quote before `value` (found without scanning the key).
  // Unescaped into the parser's buffer when it has an escape (`escaped` then says so).
  [[gnu::always_inline]] bool key_text(od::field& field, const char* raw, const char* value, std::string_view& key,
                                       bool& escaped) {
    const char* q = value - 1;
    while (q > raw && *q != '"') --q;
    key = std::string_view(raw, static_cast<size_t>(q - raw));
    escaped = may_escape(raw, q) && std::memchr(raw, '\\', key.size()) != nullptr;
    if (escaped && field.unescaped_key().get(key) != simdjson::SUCCESS)
      return fail(DecodeError::BadJson, raw - 1, "invalid escape in a key");
    return true;
  }

  // ---- Walks: `tok` is the value's raw token (v.raw_json_token(), read once by the caller);
  // `depth` counts the containers around the value, as the limit does ----
  // Every leaf, paths built in the arena (decoder.cpp).
  bool walk_object(od::object& obj, size_t depth, uint32_t scope, std::string_view prefix);
  bool walk_value(od::value& v, std::string_view tok, size_t depth, uint32_t scope, std::string_view path, bool in_array);
  // Along the filter's trie: paths are the nodes' (filtered_walk.cpp).
  bool trie_object(od::object& obj, size_t depth, uint32_t scope, const FieldFilter::Node* node);
  bool trie_value(od::value& v, std::string_view tok, size_t depth, uint32_t scope, const FieldFilter::Node* node,
                  bool in_array);
  // prefix.key in the arena (key alone when prefix is empty): a member's flattened path.
  std::string_view join_path(std::string_view prefix, std::string_view key) {
    const size_t n = prefix.empty() ? key.size() : prefix.size() + 1 + key.size();
    char* dst = arena.alloc(n);
    if (!prefix.empty()) {
      std::memcpy(dst, prefix.data(), prefix.size());
      dst[prefix.size()] = '.';
      std::memcpy(dst + prefix.size() + 1, key.data(), key.size());
    } else if (!key.empty()) {
      std::memcpy(dst, key.data(), key.size());
    }
    return {dst, n};
  }
  // Validation only: no path, leaf or scope (filtered_walk.cpp). Scalars are checked inline.
  bool skip_object(od::object& obj, size_t depth);
  bool skip_container(od::value& v, std::string_view tok, size_t depth);  // tok starts with '{' or '['
  [[gnu::always_inline]] bool skip_value(od::value& v, std::string_view tok, size_t depth) {
    last = tok.data();
    const char c = tok.empty() ? '\0' : tok[0];
    std::string_view text;
    if (c == '"') return string_text(v, tok, text);
    if ((c >= '0' && c <= '9') || c == '-') return number_text(tok, text);
    if (c == '{' || c == '[') return skip_container(v, tok, depth);
    ValueKind kind;
    return literal(tok, c, text, kind);
  }

  // Search hits (hit_source.cpp): the first key starts with '_'; decode the hit's _source.
  bool looks_like_hit(size_t first) const;
  bool decode_hit(od::document& d);

  bool valid_non_object(od::document& d, size_t first);
  bool at_end(od::document& d) {  // after the root value: nothing but whitespace may follow
    auto loc = d.current_location();  // OUT_OF_BOUNDS once every token has been read
    if (loc.error()) return true;
    return fail(DecodeError::BadJson, loc.value_unsafe(), "unexpected content after the document");
  }
  DecodeError run(std::string_view padded_json, Event& ev, std::string* message);
};

}  // namespace rulec::rt
