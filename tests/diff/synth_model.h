// The event synthesizer's document model: leaves and array-of-object elements, JSON output, and its own evaluator.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/schema.h"
#include "diff/synth_rng.h"
#include "diff/synth_values.h"

namespace rulec::diff {

// A document under construction: leaves (full dotted path, value) each inside an element; element
// 0 is the document root, the others are objects of an array of objects (what `p:{...}` tests).
struct Doc {
  struct Element {
    std::string path;  // full dotted path of the array holding this object ("" for the root)
    uint32_t parent = 0;
  };
  struct Entry {
    std::string path;  // full dotted path of the leaf
    JVal value;
    uint32_t elem = 0;
  };
  std::vector<Element> elems{Element{}};
  std::vector<Entry> entries;  // in document order (array values keep this order)

  uint32_t add_element(std::string path, uint32_t parent);
  void add(std::string path, JVal v, uint32_t elem = 0) { entries.push_back({std::move(path), std::move(v), elem}); }
  // Is element `e` the element `ancestor` or inside it?
  bool within(uint32_t e, uint32_t ancestor) const;
};

// The document as one line of JSON. Layout choices are random (nested objects or dotted keys, a
// single value or a one-element array, member order), the leaves are always the same.
std::string to_json(const Doc& doc, Rng& rng);
// A JSON string literal.
std::string json_quote(std::string_view s);

// Where a field's values live: a multi-field (`X.caseless`, `X.text`) reads its parent X.
struct FieldSource {
  std::string source;
  FieldInfo info;
};
FieldSource resolve_source(const Schema& schema, std::string_view name);
// May the field hold values below its path (objects, unknown names, flattened)?
bool may_have_subfields(const FieldInfo& info);

// The synthesizer's own evaluator of KQL trees over a Doc (its model of kql.md §2, close to the
// reference interpreter's but independent of it: it decides what the synthesizer believes).
class ModelEval {
 public:
  ModelEval(const Schema& schema, int64_t now_ms) : schema_(schema), now_ms_(now_ms) {}
  // Does `n` hold on `doc` inside element `elem`, field names relative to `prefix` ("" or "p.")?
  bool eval(const kql::Node& n, const Doc& doc, uint32_t elem = 0, const std::string& prefix = "");
  // Schema fields matching a field-name pattern (cached).
  const std::vector<std::string>& expand(const kql::Pattern& p);
  // The schema's multi-fields of `parent` (`parent.caseless`, `parent.text`, ...), cached.
  const std::vector<std::string>& multi_fields(const std::string& parent);

 private:
  bool field_test(const kql::Node& n, const Doc& doc, uint32_t elem, const std::string& name);
  bool atom(const kql::Node& n, const Doc& doc, uint32_t elem, const std::string& prefix);
  bool nested(const kql::Node& n, const Doc& doc, uint32_t elem, const std::string& prefix);

  const Schema& schema_;
  int64_t now_ms_;
  std::map<std::string, std::vector<std::string>> expansions_;
  std::map<std::string, std::vector<std::string>> multi_;
};

}  // namespace rulec::diff
