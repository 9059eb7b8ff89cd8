// Field schema: each field's Elasticsearch type, normalizer and ignore_above (unknown = keyword).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/diagnostic.h"
#include "runtime/common/field_types.h"

namespace rulec {

const char* to_string(FieldType t);
// Parses an Elasticsearch mapping type name ("keyword", "match_only_text", ...); unknown -> Other.
FieldType field_type_from(std::string_view es_type);

class Schema {
 public:
  // An empty schema: every field is an unknown keyword.
  Schema() = default;

  // A JSON schema file, optionally gzip-compressed: ECS flat JSON (ecs_flat-*.json: {"a.b":
  // {"type":.., "ignore_above":.., "multi_fields":[{"flat_name":..,"type":..,"normalizer":..}]}}
  // or {"a.b": "type"}), an Elasticsearch mapping ({"properties": ...}, {"mappings": ...}) or a
  // GET _mapping response.
  // Later definitions of a field override earlier ones. Returns false and fills `error` on failure.
  [[nodiscard]] bool load_flat_json(const std::string& path, Diagnostic& error);
  // ECS/Elastic Defend fields.yml (nested `fields:` groups, `multi_fields`).
  [[nodiscard]] bool load_fields_yml(const std::string& path, Diagnostic& error);
  // Either of the above by file name (.yml/.yaml vs .json/.json.gz).
  [[nodiscard]] bool load_file(const std::string& path, Diagnostic& error);

  // The default schema: ECS 9.5.0 flat + Elastic Defend process fields, as embedded in the binary
  // (builtin_schema.h), or the ECS flat and fields.yml files of `dir` when given. Fails only when
  // those files are unreadable.
  [[nodiscard]] static std::optional<Schema> builtin(Diagnostic& error, const std::string& dir = "");

  // The field's facts; unknown fields are keyword (known = false).
  FieldInfo lookup(std::string_view field) const;
  // Every known field name matching a field-name pattern (`process.*`: `*` also crosses dots).
  std::vector<std::string> expand(const kql::Pattern& pattern) const;
  size_t size() const { return fields_.size(); }
  // Every known field name, in order (for suggestions).
  const std::map<std::string, FieldInfo, std::less<>>& fields() const { return fields_; }
  void set(std::string name, FieldInfo info);
  // A type for a field in no loaded schema, inferred from how a rule uses it: an EQL rule compares
  // it with a number or a boolean, which Elasticsearch refuses on a keyword, so the rule's indices
  // map it that way. Later lookups of the name return the type (with known = false: it is still
  // reported as unmapped). Const because rules are analysed against the shared schema; where rules
  // disagree, a number wins over a boolean. infer_field_types (analyze.h) infers from a whole rule
  // set before any rule is analysed, so that no rule's meaning depends on the order of the files.
  void infer(std::string name, FieldType type) const;
  // While set, lookups ignore the inferred types (infer_field_types collects them from every rule
  // as if no other rule had been seen, so the outcome does not depend on the rules' order).
  void set_inferring(bool on) const { inferring_ = on; }

 private:
  // The two loaders on a file's text; `name` says where it came from in errors.
  [[nodiscard]] bool load_flat_json_text(const std::string& name, const std::string& text, Diagnostic& error);
  [[nodiscard]] bool load_fields_yml_text(const std::string& name, const std::string& text, Diagnostic& error);

  std::map<std::string, FieldInfo, std::less<>> fields_;
  mutable std::map<std::string, FieldInfo, std::less<>> inferred_;
  mutable bool inferring_ = false;
};

// Glob match of a whole string against a pattern ('*' any sequence, '?' one code point;
// case-insensitive patterns compare lowercase ASCII and Unicode simple case folding).
bool glob_match(const kql::Pattern& pattern, std::string_view text);

}  // namespace rulec
