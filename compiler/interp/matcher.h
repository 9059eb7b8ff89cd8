// The reference evaluator's tree walk: fields, nesting, exists and free text over one indexed event.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/schema.h"
#include "compiler/interp/field_lookup.h"
#include "compiler/interp/typed_match.h"
#include "runtime/decoder/event.h"

namespace rulec::interp {

// Evaluates KQL trees (kql.md §2) on one event at a time. Per-node work (query values parsed for a
// field type, field-name pattern expansions) is cached by node address, so the trees must outlive
// the Matcher and stay unchanged. After warm-up, evaluation does not allocate.
//
// Field lookup: a field's values are the leaves whose path equals its name (nulls ignored). A
// multi-field in the schema (`X.caseless`, `X.text`: a known field whose parent is a known leaf
// field) reads X's values and indexes them its own way (normalizer, analyzer, ignore_above).
// Field names with `*` expand to the schema's fields AND the event's own leaf paths that match.
// A flattened field's root also reads every leaf below it, as keywords.
//
// Exists (`f:*`): some value of f is indexed (not null, within ignore_above, valid for the type).
// On an object path (a name the schema does not map as a leaf field, e.g. `process:*`) it is true
// when any sub-field has an indexed value, as Elasticsearch's exists query rewrites an object
// field to all of `f.*` (ExistsQueryBuilder.newObjectFieldExistsQuery).
//
// Nested (`p:{ q }`): true when one element of p satisfies q using only that element's leaves (its
// scope and the scopes inside it). Elements are the array-of-objects scopes with path p inside the
// current element; when p is a single object (no such scope), that object is the one element, if
// any leaf lies below it. A nested path with a wildcard matches nothing (Elasticsearch's nested
// query takes a literal path).
//
// Free text (no field): Kibana sends multi_match (query_string for wildcards) over every field,
// lenient. Approximated as: the value tested as `f:value` on every leaf path of the event and on
// the schema's multi-fields of those paths; a field whose type cannot take the value is skipped.
// Where a field's values live and how they are indexed.
struct FieldRef {
  std::string_view source;  // the document path (the parent of a multi-field)
  FieldInfo info;           // the field's own facts
};
// Resolves a literal field name: a multi-field in the schema (`X.caseless`, `X.text`: a known field
// whose parent is a known leaf field) reads X's values; anything else reads its own path.
FieldRef resolve_field(const Schema& schema, std::string_view name);
// Types whose fields hold values (an object or nested field only holds sub-fields).
bool is_leaf_type(FieldType t);
// May the document hold this field's values below its path? Objects (and unknown names, which
// Elasticsearch maps dynamically as objects when the document has sub-fields there), and flattened
// fields, whose root field indexes every leaf below it as a keyword.
bool has_subfields(const FieldInfo& i);

class Matcher {
 public:
  explicit Matcher(const Schema& schema);
  ~Matcher();
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
  // Does the field named `name` have an indexed value inside `elem`?
  bool exists_field(std::string_view name, uint32_t elem);
  // Does leaf `i` (at `path`) give that path, or one of its multi-fields, an indexed value?
  bool leaf_indexed_anyhow(std::string_view path, uint32_t i);

  FieldRef resolve(std::string_view name) const;
  const Prepared& prepared(const kql::Node& n, const FieldInfo& info);
  const Expansion& expansion(const kql::Node& n);
  const std::vector<std::string>* multi_fields(std::string_view parent);

  const Schema& schema_;
  EventIndex index_;
  int64_t now_ms_ = 0;
  std::string prefix_;  // enclosing nested paths, each followed by '.'
  std::string name_;    // scratch: a full field name
  std::string sub_;     // scratch: an object path followed by '.'
  Scratch scratch_;
  std::unordered_map<PrepKey, Prepared, PrepKeyHash> prepared_;
  std::unordered_map<const kql::Node*, Expansion> expansions_;
  bool multi_built_ = false;
  std::map<std::string, std::vector<std::string>, std::less<>> multi_;  // parent -> its multi-fields
};

}  // namespace rulec::interp
