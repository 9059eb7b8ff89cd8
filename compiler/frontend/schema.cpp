// Field schema: loading ECS flat JSON, ES mappings and fields.yml; lookups, field-name expansion, glob matching.
#include "compiler/frontend/schema.h"

#include "runtime/common/utf8.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>
#include <zlib.h>

#include "compiler/frontend/builtin_schema.h"


namespace rulec {

namespace {

struct TypeName {
  FieldType type;
  const char* name;
};

constexpr TypeName kTypeNames[] = {
    {FieldType::Keyword, "keyword"},       {FieldType::ConstantKeyword, "constant_keyword"},
    {FieldType::Wildcard, "wildcard"},     {FieldType::Text, "text"},
    {FieldType::MatchOnlyText, "match_only_text"}, {FieldType::Long, "long"},
    {FieldType::Integer, "integer"},       {FieldType::Short, "short"},
    {FieldType::Byte, "byte"},             {FieldType::Double, "double"},
    {FieldType::Float, "float"},           {FieldType::HalfFloat, "half_float"},
    {FieldType::ScaledFloat, "scaled_float"}, {FieldType::UnsignedLong, "unsigned_long"},
    {FieldType::Boolean, "boolean"},       {FieldType::Ip, "ip"},
    {FieldType::Date, "date"},             {FieldType::DateNanos, "date_nanos"},
    {FieldType::Object, "object"},         {FieldType::Nested, "nested"},
    {FieldType::Flattened, "flattened"},   {FieldType::GeoPoint, "geo_point"},
    {FieldType::Binary, "binary"},         {FieldType::Other, "other"},
};

Diagnostic schema_error(const std::string& path, const std::string& why) {
  Diagnostic d;
  d.severity = Severity::Error;
  d.code = std::string(diag::kSchemaFile);
  d.message = fmt::format("cannot load schema file '{}': {}", path, why);
  d.offending = path;
  return d;
}

// `raw` as it is, or gunzipped when it starts with the gzip magic bytes.
bool gunzip_if_gzip(std::string raw, std::string& out, std::string& why) {
  if (raw.size() < 2 || static_cast<unsigned char>(raw[0]) != 0x1f || static_cast<unsigned char>(raw[1]) != 0x8b) {
    out = std::move(raw);
    return true;
  }
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    why = "cannot initialise zlib";
    return false;
  }
  zs.next_in = reinterpret_cast<Bytef*>(raw.data());
  zs.avail_in = static_cast<uInt>(raw.size());
  out.clear();
  char buf[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      why = fmt::format("bad gzip data ({})", zs.msg ? zs.msg : (rc == Z_BUF_ERROR ? "truncated" : "inflate failed"));
      inflateEnd(&zs);
      return false;
    }
    out.append(buf, sizeof buf - zs.avail_out);
  }
  inflateEnd(&zs);
  return true;
}

// The whole file, gunzipped when it starts with the gzip magic bytes.
bool read_file(const std::string& path, std::string& out, std::string& why) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    why = "it is a directory";
    return false;
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = std::strerror(errno ? errno : ENOENT);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    why = "read error";
    return false;
  }
  return gunzip_if_gzip(std::move(ss).str(), out, why);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

uint32_t to_u32(int64_t v) { return v <= 0 ? 0 : static_cast<uint32_t>(std::min<int64_t>(v, UINT32_MAX)); }

// ---- JSON shapes

struct JsonLoader {
  Schema& schema;
  std::string error;

  // Reads type/ignore_above/normalizer of one field object; false (with error) when it has no type.
  bool info_of(const std::string& name, const nlohmann::json& v, FieldInfo& info) {
    info = FieldInfo{};
    info.known = true;
    if (v.is_string()) {
      info.type = field_type_from(v.get<std::string>());
      return true;
    }
    auto t = v.find("type");
    if (t == v.end() || !t->is_string()) {
      error = fmt::format("field '{}' has no \"type\"", name);
      return false;
    }
    info.type = field_type_from(t->get<std::string>());
    if (auto ia = v.find("ignore_above"); ia != v.end() && ia->is_number_integer()) info.ignore_above = to_u32(ia->get<int64_t>());
    if (auto n = v.find("normalizer"); n != v.end() && n->is_string()) info.lowercase = n->get<std::string>() == "lowercase";
    return true;
  }

  // Multi-fields: ECS `multi_fields: [{flat_name, name, type, ...}]` or ES `fields: {name: {type}}`.
  bool multi_fields(const std::string& parent, const nlohmann::json& v) {
    if (!v.is_object()) return true;
    if (auto mf = v.find("multi_fields"); mf != v.end() && mf->is_array()) {
      for (const auto& m : *mf) {
        if (!m.is_object()) continue;
        std::string flat;
        if (auto f = m.find("flat_name"); f != m.end() && f->is_string()) flat = f->get<std::string>();
        else if (auto n = m.find("name"); n != m.end() && n->is_string()) flat = parent + "." + n->get<std::string>();
        else continue;
        FieldInfo info;
        if (!info_of(flat, m, info)) return false;
        schema.set(flat, info);
      }
    }
    if (auto fs = v.find("fields"); fs != v.end() && fs->is_object()) {
      for (const auto& [sub, m] : fs->items()) {
        FieldInfo info;
        const std::string flat = parent + "." + sub;
        if (!info_of(flat, m, info)) return false;
        schema.set(flat, info);
      }
    }
    return true;
  }

  bool flat(const nlohmann::json& root) {
    for (const auto& [name, v] : root.items()) {
      FieldInfo info;
      if (!v.is_string() && !v.is_object()) {
        error = fmt::format("field '{}' is neither a type name nor an object", name);
        return false;
      }
      if (!info_of(name, v, info)) return false;
      schema.set(name, info);
      if (!multi_fields(name, v)) return false;
    }
    return true;
  }

  // An Elasticsearch mapping: {"properties": {name: {type, properties, fields}}}.
  bool properties(const nlohmann::json& props, const std::string& prefix, int depth) {
    if (depth > 64) {
      error = "mapping nested deeper than 64 levels";
      return false;
    }
    for (const auto& [name, v] : props.items()) {
      if (!v.is_object()) continue;
      const std::string full = prefix + name;
      auto sub = v.find("properties");
      auto t = v.find("type");
      if (t != v.end() && t->is_string()) {
        FieldInfo info;
        if (!info_of(full, v, info)) return false;
        schema.set(full, info);
        if (!multi_fields(full, v)) return false;
      } else if (sub != v.end()) {
        schema.set(full, FieldInfo{FieldType::Object, 0, false, true});
      }
      if (sub != v.end() && sub->is_object() && !properties(*sub, full + ".", depth + 1)) return false;
    }
    return true;
  }

  bool load(const nlohmann::json& root) {
    if (!root.is_object()) {
      error = "expected a JSON object of fields";
      return false;
    }
    if (auto m = root.find("mappings"); m != root.end() && m->is_object()) {
      auto p = m->find("properties");
      return p == m->end() || !p->is_object() || properties(*p, "", 0);
    }
    if (auto p = root.find("properties"); p != root.end() && p->is_object() && !p->contains("type"))
      return properties(*p, "", 0);
    // A GET _mapping response: {index: {mappings: {...}}}.
    const bool by_index = !root.empty() && std::all_of(root.begin(), root.end(), [](const nlohmann::json& v) {
      return v.is_object() && v.contains("mappings") && !v.contains("type");
    });
    if (by_index) {
      for (const auto& v : root) {
        if (!load(v)) return false;
      }
      return true;
    }
    return flat(root);
  }
};

// ---- fields.yml

struct YamlLoader {
  Schema& schema;
  std::string error;

  static std::string scalar(const YAML::Node& n, const char* key) {
    const YAML::Node v = n[key];
    return v && v.IsScalar() ? v.Scalar() : std::string();
  }

  FieldInfo info_of(const YAML::Node& n, const std::string& type) {
    FieldInfo info;
    info.known = true;
    info.type = field_type_from(type.empty() ? "keyword" : type);  // fields.yml: keyword by default
    const std::string ia = scalar(n, "ignore_above");
    if (!ia.empty()) info.ignore_above = to_u32(std::strtoll(ia.c_str(), nullptr, 10));
    info.lowercase = scalar(n, "normalizer") == "lowercase";
    return info;
  }

  bool fields(const YAML::Node& list, const std::string& prefix, int depth) {
    if (depth > 64) {
      error = "field groups nested deeper than 64 levels";
      return false;
    }
    if (!list.IsSequence()) {
      error = fmt::format("expected a list of fields{}", prefix.empty() ? "" : " under '" + prefix + "'");
      return false;
    }
    for (const auto& f : list) {
      if (!f.IsMap()) continue;
      const std::string name = scalar(f, "name");
      if (name.empty()) {
        error = fmt::format("a field{} has no name", prefix.empty() ? "" : " under '" + prefix + "'");
        return false;
      }
      const std::string full = prefix + name;
      const std::string type = scalar(f, "type");
      const YAML::Node children = f["fields"];
      const bool group = type == "group" || (type.empty() && children);
      if (!group) {
        schema.set(full, info_of(f, type));
        const YAML::Node mf = f["multi_fields"];
        if (mf && mf.IsSequence()) {
          for (const auto& m : mf) {
            const std::string sub = m.IsMap() ? scalar(m, "name") : std::string();
            if (!sub.empty()) schema.set(full + "." + sub, info_of(m, scalar(m, "type")));
          }
        }
      }
      if (children && !fields(children, full + ".", depth + 1)) return false;
    }
    return true;
  }
};

std::string to_lower(std::string_view s) {
  std::string out;
  utf8_lower(s, out);
  return out;
}

// Length of the UTF-8 sequence at s[i] (1 for an invalid byte, which counts as one character).
size_t utf8_len(std::string_view s, size_t i) {
  size_t n;
  utf8_decode(s, i, n);
  return n;
}

}  // namespace

const char* to_string(FieldType t) {
  for (const auto& tn : kTypeNames)
    if (tn.type == t) return tn.name;
  return "other";
}

FieldType field_type_from(std::string_view es_type) {
  for (const auto& tn : kTypeNames)
    if (es_type == tn.name) return tn.type;
  return FieldType::Other;
}

bool Schema::load_flat_json(const std::string& path, Diagnostic& error) {
  std::string text, why;
  if (!read_file(path, text, why)) {
    error = schema_error(path, why);
    return false;
  }
  return load_flat_json_text(path, text, error);
}

bool Schema::load_flat_json_text(const std::string& name, const std::string& text, Diagnostic& error) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    error = schema_error(name, fmt::format("invalid JSON: {}", e.what()));
    return false;
  }
  JsonLoader loader{*this, {}};
  try {
    if (!loader.load(root)) {
      error = schema_error(name, loader.error);
      return false;
    }
  } catch (const std::exception& e) {
    error = schema_error(name, e.what());
    return false;
  }
  return true;
}

bool Schema::load_fields_yml(const std::string& path, Diagnostic& error) {
  std::string text, why;
  if (!read_file(path, text, why)) {
    error = schema_error(path, why);
    return false;
  }
  return load_fields_yml_text(path, text, error);
}

bool Schema::load_fields_yml_text(const std::string& name, const std::string& text, Diagnostic& error) {
  YamlLoader loader{*this, {}};
  try {
    const YAML::Node root = YAML::Load(text);
    if (!loader.fields(root, "", 0)) {
      error = schema_error(name, loader.error);
      return false;
    }
  } catch (const std::exception& e) {
    error = schema_error(name, fmt::format("invalid YAML: {}", e.what()));
    return false;
  }
  return true;
}

bool Schema::load_file(const std::string& path, Diagnostic& error) {
  if (ends_with(path, ".yml") || ends_with(path, ".yaml")) return load_fields_yml(path, error);
  return load_flat_json(path, error);
}

std::optional<Schema> Schema::builtin(Diagnostic& error, const std::string& dir_arg) {
  static std::mutex mu;
  static std::map<std::string, Schema> cache;
  const std::string& dir = dir_arg;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(dir); it != cache.end()) return it->second;
  if (dir.empty()) {  // the files embedded at build time
    Schema s;
    size_t count = 0;
    const BuiltinSchemaFile* files = builtin_schema_files(count);
    for (size_t i = 0; i < count; ++i) {
      const std::string name = "built-in " + std::string(files[i].name);
      std::string text, why;
      if (!gunzip_if_gzip(std::string(files[i].bytes), text, why)) {
        error = schema_error(name, why);
        return std::nullopt;
      }
      const bool yml = ends_with(files[i].name, ".yml");
      if (!(yml ? s.load_fields_yml_text(name, text, error) : s.load_flat_json_text(name, text, error))) return std::nullopt;
    }
    cache.emplace(dir, s);
    return s;
  }

  // The ECS flat file(s) first, then every fields.yml, each in name order (later ones override).
  std::vector<std::string> ecs, yml;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("ecs_flat", 0) == 0 && (ends_with(name, ".json") || ends_with(name, ".json.gz")))
      ecs.push_back(it->path().string());
    else if (ends_with(name, ".yml") || ends_with(name, ".yaml"))
      yml.push_back(it->path().string());
  }
  if (ec) {
    error = schema_error(dir, fmt::format("cannot read the schema directory ({})", ec.message()));
    return std::nullopt;
  }
  if (ecs.empty()) {
    error = schema_error(dir + "/ecs_flat-*.json.gz", "no ECS flat schema file in the schema directory");
    return std::nullopt;
  }
  std::sort(ecs.begin(), ecs.end());
  std::sort(yml.begin(), yml.end());
  Schema s;
  for (const auto& f : ecs)
    if (!s.load_flat_json(f, error)) return std::nullopt;
  for (const auto& f : yml)
    if (!s.load_fields_yml(f, error)) return std::nullopt;
  cache.emplace(dir, s);
  return s;
}

FieldInfo Schema::lookup(std::string_view field) const {
  auto it = fields_.find(field);
  if (it != fields_.end()) return it->second;
  if (inferring_) return FieldInfo{};  // while inferring, every rule sees unmapped fields as they are
  if (auto inf = inferred_.find(field); inf != inferred_.end()) return inf->second;
  return FieldInfo{};
}

void Schema::infer(std::string name, FieldType type) const {
  if (fields_.count(name)) return;
  FieldInfo info;
  info.type = type;
  // Two rules disagreeing (a number here, a boolean there): the number, whichever came first.
  auto [it, fresh] = inferred_.emplace(std::move(name), info);
  if (!fresh && it->second.type != type && type == FieldType::Double) it->second = info;
}

std::vector<std::string> Schema::expand(const kql::Pattern& pattern) const {
  std::vector<std::string> out;
  // Only names starting with the literal prefix can match (case-insensitive patterns scan all).
  const std::string& prefix = pattern.case_insensitive ? std::string() : pattern.segments.front();
  auto it = fields_.lower_bound(prefix);
  for (; it != fields_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    if (glob_match(pattern, it->first)) out.push_back(it->first);
  return out;
}

void Schema::set(std::string name, FieldInfo info) {
  info.known = true;
  fields_[std::move(name)] = info;
}

bool glob_match(const kql::Pattern& pattern, std::string_view text_in) {
  // Flatten the pattern into items: a literal byte (>= 0), or a wildcard (-1 '*', -2 '?').
  constexpr int kStar = -1, kOne = -2;
  std::string lowered_text;
  std::string_view text = text_in;
  if (pattern.case_insensitive) {
    lowered_text = to_lower(text_in);
    text = lowered_text;
  }
  std::vector<int> items;
  for (size_t s = 0; s < pattern.segments.size(); ++s) {
    const std::string seg = pattern.case_insensitive ? to_lower(pattern.segments[s]) : pattern.segments[s];
    for (char c : seg) items.push_back(static_cast<unsigned char>(c));
    if (s < pattern.wildcards.size()) items.push_back(pattern.wildcards[s] == '?' ? kOne : kStar);
  }
  // Greedy two-pointer match, backtracking only to the last star: O(|text| * |pattern|) worst case.
  size_t p = 0, t = 0, star = SIZE_MAX, mark = 0;
  while (t < text.size()) {
    if (p < items.size() && items[p] == kOne) {
      t += utf8_len(text, t);
      ++p;
    } else if (p < items.size() && items[p] >= 0 && items[p] == static_cast<unsigned char>(text[t])) {
      ++t;
      ++p;
    } else if (p < items.size() && items[p] == kStar) {
      star = p++;
      mark = t;
    } else if (star != SIZE_MAX) {
      p = star + 1;
      mark += utf8_len(text, mark);
      t = mark;
    } else {
      return false;
    }
  }
  while (p < items.size() && items[p] == kStar) ++p;
  return p == items.size();
}

}  // namespace rulec
