// Filtered event decoding: walks along the FieldFilter's trie, validates the parts no kept leaf can be in.
//
// Three walks share the scalar checks of decoder_impl.h, and every one of them visits every token
// in document order, so a document is accepted or refused (with the same error at the same byte)
// whatever the filter:
//  - trie_*: the value's path is a trie node. No path is built: leaves and scopes take the node's
//    path (owned by the filter). Each key is looked up in the node's children (FieldFilter::step:
//    one table slot; dotted keys step segment by segment).
//  - walk_* (decoder.cpp): an unlisted path inside a kept subtree, or a kept node with nothing
//    listed below it: the unfiltered walk, paths built in the arena.
//  - skip_*: nothing below can be kept. Validation only: no path, no leaf, no scope; a key is
//    looked at only when it may hold a backslash (between the document's first and last one).
#include "runtime/decoder/decoder_impl.h"

namespace rulec::rt {

using Node = FieldFilter::Node;

bool Decoder::Impl::trie_object(od::object& obj, size_t depth, uint32_t scope, const Node* node) {
  const Node* const miss = filter->miss();
  for (auto member : obj) {
    if (auto e = member.error()) return fail_simdjson(e);
    od::field& field = member.value_unsafe();
    const char* raw = field.key().raw();
    last = raw - 1;
    od::value& v = field.value();
    const std::string_view tok = v.raw_json_token();
    std::string_view key;
    bool escaped;
    if (!key_text(field, raw, tok.data(), key, escaped)) return false;
    bool kept = false;
    const Node* next = filter->step(node, key, !escaped, kept);
    const char c = tok.empty() ? '\0' : tok[0];
    last = tok.data();
    if (c != '{' && c != '[') {  // a scalar: checked whatever the filter, then kept if its node wants it
      std::string_view text;
      ValueKind kind;
      if (!scalar(v, tok, c, text, kind)) return false;
      if (kept && next == miss) [[unlikely]] {  // an unlisted path in a kept subtree
        emit(join_path(node->path, key), text, kind, scope, kNoSlot);
      } else if (next->wants_leaf) {
        emit(next->path, text, kind, scope, next->slot);
      }
    } else if (next != miss) {
      if (!(next->plain ? walk_value(v, tok, depth, scope, next->path, false)
                        : trie_value(v, tok, depth, scope, next, false)))
        return false;
    } else if (!kept) {
      if (!skip_container(v, tok, depth)) return false;
    } else if (!walk_value(v, tok, depth, scope, join_path(node->path, key), false)) {
      return false;
    }
  }
  return true;
}


bool Decoder::Impl::trie_value(od::value& v, std::string_view tok, size_t depth, uint32_t scope, const Node* node,
                               bool in_array) {
  last = tok.data();
  const char c = tok.empty() ? '\0' : tok[0];
  if (c == '{') {
    if (depth >= limits.max_depth) return fail(DecodeError::TooDeep, tok.data(), "nesting deeper than the limit");
    od::object obj;
    if (auto e = v.get_object().get(obj)) return fail_simdjson(e);
    if (!node->wants_object) return skip_object(obj, depth + 1);
    uint32_t s = scope;
    if (in_array) {
      s = static_cast<uint32_t>(ev->scopes.size());
      ev->scopes.push_back(Scope{scope, node->path});
    }
    return trie_object(obj, depth + 1, s, node);
  }
  if (c == '[') {
    if (depth >= limits.max_depth) return fail(DecodeError::TooDeep, tok.data(), "nesting deeper than the limit");
    od::array arr;
    if (auto e = v.get_array().get(arr)) return fail_simdjson(e);
    const bool wanted = node->wants_leaf || node->wants_object;
    for (auto element : arr) {  // arrays of arrays flatten: same node
      if (auto e = element.error()) return fail_simdjson(e);
      od::value& el = element.value_unsafe();
      const std::string_view el_tok = el.raw_json_token();
      if (!(wanted ? trie_value(el, el_tok, depth + 1, scope, node, true) : skip_value(el, el_tok, depth + 1)))
        return false;
    }
    return true;
  }
  std::string_view text;
  ValueKind kind;
  if (!scalar(v, tok, c, text, kind)) return false;
  if (node->wants_leaf) emit(node->path, text, kind, scope, node->slot);
  return true;
}

bool Decoder::Impl::skip_object(od::object& obj, size_t depth) {
  for (auto member : obj) {
    if (auto e = member.error()) return fail_simdjson(e);
    od::field& field = member.value_unsafe();
    const char* raw = field.key().raw();
    last = raw - 1;
    od::value& v = field.value();
    const std::string_view tok = v.raw_json_token();
    if (may_escape(raw, tok.data())) {  // the key lies before its value
      std::string_view key;
      bool escaped;
      if (!key_text(field, raw, tok.data(), key, escaped)) return false;
    }
    if (!skip_value(v, tok, depth)) return false;
  }
  return true;
}

bool Decoder::Impl::skip_container(od::value& v, std::string_view tok, size_t depth) {
  if (depth >= limits.max_depth) return fail(DecodeError::TooDeep, tok.data(), "nesting deeper than the limit");
  if (tok[0] == '{') {
    od::object obj;
    if (auto e = v.get_object().get(obj)) return fail_simdjson(e);
    return skip_object(obj, depth + 1);
  }
  od::array arr;
  if (auto e = v.get_array().get(arr)) return fail_simdjson(e);
  for (auto element : arr) {
    if (auto e = element.error()) return fail_simdjson(e);
    od::value& el = element.value_unsafe();
    if (!skip_value(el, el.raw_json_token(), depth + 1)) return false;
  }
  return true;
}

}  // namespace rulec::rt
