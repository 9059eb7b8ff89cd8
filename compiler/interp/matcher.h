// The reference evaluator's tree walk: fields, nesting, exists and free text over one indexed event.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/schema.h"
#include "compiler/interp/regex_predicate.h"
#include "compiler/semantics/field_resolution.h"
#include "compiler/semantics/query_values.h"
#include "runtime/decoder/event.h"
#include "runtime/eval/eql_script.h"
#include "runtime/eval/field_walk.h"

namespace rulec::interp {

// Evaluates KQL trees (kql.md §2) on one event at a time. Per-node work (query values parsed for a
// field type, field-name pattern expansions) is cached by node address, so the trees must outlive
// the Matcher and stay unchanged. After warm-up, evaluation does not allocate.
//
// The field-level semantics (lookup, multi-fields, exists on object paths, nested elements, free
// text) are runtime/eval/field_walk.h, shared with the runtime's on-demand tests.
// Field names with `*` expand to the schema's fields AND the event's own leaf paths that match.
// A nested path with a wildcard matches nothing (Elasticsearch's nested query takes a literal path).
// Free text (no field): Kibana sends multi_match (query_string for wildcards) over every field,
// lenient. Approximated as: the value tested as `f:value` on every leaf path of the event and on
// the schema's multi-fields of those paths; a field whose type cannot take the value is skipped.
using rt::is_leaf_type;
using semantics::FieldRef;
using semantics::Prepared;
using semantics::has_subfields;
using semantics::prepare;
using semantics::resolve_field;

class Matcher final : private rt::FieldFacts {
 public:
  explicit Matcher(const Schema& schema);
  ~Matcher() override;
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Indexes `ev` (kept by reference until the next reset) and sets the time date math uses.
  void reset(const rt::Event& ev, int64_t now_ms);
  // Evaluates `n` on the current event. May throw only std::bad_alloc.
  bool eval(const kql::Node& n) { return eval(n, 0); }

 private:
  struct PrepKey {
    const kql::Node* node;
    FieldType type;
    bool lower;
    bool operator==(const PrepKey&) const = default;
  };
  struct PrepKeyHash {
    size_t operator()(const PrepKey& k) const {
      return std::hash<const void*>()(k.node) ^ (static_cast<size_t>(k.type) << 1) ^ static_cast<size_t>(k.lower);
    }
  };
  // A field-name pattern with its enclosing nested prefix, and its schema expansion.
  struct Expansion {
    Glob glob;
    std::vector<std::string> schema_fields;
  };

  bool eval(const kql::Node& n, uint32_t elem);
  bool field_test(const kql::Node& n, uint32_t elem);
  bool exists_test(const kql::Node& n, uint32_t elem);
  bool nested_test(const kql::Node& n, uint32_t elem);
  bool free_text(const kql::Node& n, uint32_t elem);

  // The test of node `n` (Is, Range, FreeText) on the field named `name`.
  bool test_field(const kql::Node& n, std::string_view name, uint32_t elem);

  const Prepared& prepared(const kql::Node& n, const FieldInfo& info);
  void prepare_regexp(Prepared& p, const kql::Node& n, const FieldInfo& info);
  bool script_test(const kql::Node& n);  // an EQL script leaf on the whole event
  const Expansion& expansion(const kql::Node& n);
  // rt::FieldFacts over the schema.
  FieldInfo lookup(std::string_view name) const override { return schema_.lookup(name); }
  std::span<const std::string_view> multi_fields(std::string_view parent) override;

  const Schema& schema_;
  rt::FieldWalk walk_;
  int64_t now_ms_ = 0;
  std::string prefix_;  // enclosing nested paths, each followed by '.'
  std::string name_;    // scratch: a full field name
  std::unordered_map<PrepKey, Prepared, PrepKeyHash> prepared_;
  std::unordered_map<const kql::Node*, Expansion> expansions_;
  std::unordered_map<const kql::Node*, std::unique_ptr<RegexPredicate>> regexes_;
  std::unordered_map<const kql::Node*, std::unique_ptr<rt::EqlScript>> scripts_;
  bool multi_built_ = false;
  std::vector<std::string> multi_names_;                                        // every multi-field
  std::map<std::string, std::vector<std::string_view>, std::less<>> multi_;  // parent -> its multi-fields
};

}  // namespace rulec::interp
