// Events wrapped as Elasticsearch search hits ({"_index":..,"_id":..,"_source":{..}}) decode as their _source.
//
// Only documents whose first key starts with '_' take this path (an ECS event's never does), so
// other events pay one byte comparison. The hit is walked once to validate it whole and find its
// members, then its _source object is parsed again on its own and decoded as the event: the
// leaves are the source's (`process.name`, not `_source.process.name`). The alert builder reads
// the hit's _id and _index from the raw line for the alert's ancestors.
#include "runtime/decoder/decoder_impl.h"

namespace rulec::rt {

bool Decoder::Impl::looks_like_hit(size_t first) const {
  size_t p = first + 1;
  while (p < json.size() && decoder_detail::is_ws(json[p])) ++p;
  return p + 1 < json.size() && json[p] == '"' && json[p + 1] == '_';
}

bool Decoder::Impl::decode_hit(od::document& d) {
  od::object root;
  if (auto code = d.get_object().get(root)) return fail_simdjson(code);
  const char* source = nullptr;
  bool named = false;
  for (auto member : root) {
    if (auto e = member.error()) return fail_simdjson(e);
    od::field& field = member.value_unsafe();
    const char* raw = field.key().raw();
    last = raw - 1;
    od::value& v = field.value();
    const std::string_view tok = v.raw_json_token();
    std::string_view key;
    bool escaped;
    if (!key_text(field, raw, tok.data(), key, escaped)) return false;
    if (key == "_source" && !tok.empty() && tok[0] == '{') source = tok.data();
    if ((key == "_id" || key == "_index") && !tok.empty() && tok[0] == '"') named = true;
    if (!skip_value(v, tok, 1)) return false;
  }
  if (!at_end(d)) return false;
  // A hit: its _source alone; else (keys starting with '_' that make no hit) the whole document.
  std::string_view text = json;
  if (source && named) {
    const size_t at = static_cast<size_t>(source - json.data());
    const size_t end = json_scan::container_end(json, at);
    if (end == std::string_view::npos) return fail(DecodeError::BadJson, source, "unclosed _source");
    text = json.substr(at, end - at);  // the rest of the hit and the padding follow it
  }
  od::document inner;
  if (auto code = parser.iterate(text.data(), text.size(), text.size() + kPadding).get(inner)) return fail_simdjson(code);
  doc = &inner;
  od::object obj;
  bool ok = false;
  if (auto code = inner.get_object().get(obj)) {
    fail_simdjson(code);
  } else {
    ok = filter ? trie_object(obj, 1, 0, filter->root()) : walk_object(obj, 1, 0, {});
  }
  doc = nullptr;
  return ok;
}

}  // namespace rulec::rt
