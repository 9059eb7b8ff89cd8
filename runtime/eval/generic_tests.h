// On-demand atoms answered natively: the serializable GenericProgram (text analysis, dates, nested, object exists, field-name wildcards, free text) and its evaluator.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/common/byte_io.h"
#include "runtime/common/field_types.h"
#include "runtime/common/text_analysis.h"
#include "runtime/eval/field_walk.h"
#include "runtime/eval/value_tests.h"

namespace rulec::rt {


// One schema field as the on-demand tests know it.
struct GenericField {
  std::string name;
  FieldInfo info;
};

// One query value prepared for the fields of one type (and lowercase normalizer).
struct GenericValue {
  FieldType type = FieldType::Keyword;
  bool lower = false;
  Prepared test;
};

// One node of an on-demand test tree. Field names are full (the enclosing nested paths included).
struct GenericNode {
  enum class Kind : uint8_t {
    And,       // every kid (none: true)
    Or,        // some kid (none: false)
    Not,       // kids[0] is false
    Test,      // `field` (or, when wildcard, every field matching `glob`) satisfies one of `values`
    Exists,    // `field` (or every field matching `glob`) has an indexed value, object paths included
    Nested,    // one element of the nested path `field` satisfies kids[0]
    FreeText,  // some leaf path of the event (or one of its multi-fields) satisfies one of `values`
    Script,    // an EQL script leaf (eql_script.h), encoded in `field`, is true
  };
  static constexpr uint8_t kKindCount = 8;

  Kind kind = Kind::And;
  std::vector<uint32_t> kids;       // node indexes, each below this node's own index
  std::string field;                // literal full field name; Nested: the full nested path; Script: the program
  bool wildcard = false;            // Test/Exists: a field-name pattern (glob, expansion)
  Glob glob;                        // the full field-name pattern (matched against event paths)
  std::vector<uint32_t> expansion;  // the schema fields matching it (indexes into fields)
  std::vector<uint32_t> values;     // Test/FreeText: the value per field type (indexes into values)
};

// Everything needed to evaluate the on-demand atoms of a rule set, as plain data (no pointers):
// what the compiler lowers a rule set's on-demand atoms into and a bundle carries.
struct GenericProgram {
  static constexpr uint32_t kNoNode = UINT32_MAX;

  // The schema facts the tests may look up (a name absent here is an unknown keyword field),
  // sorted by name, unique. Holds every field a test names, their parents, every field below an
  // object path tested for existence and below a field-name pattern's literal prefix, and the
  // whole schema when some test is free text.
  std::vector<GenericField> fields;
  std::vector<GenericValue> values;
  std::vector<GenericNode> nodes;  // kids before parents
  // Per atom of the rule set: the root node of its test, or kNoNode (answered by a string group
  // or a typed test).
  std::vector<uint32_t> roots;

  bool empty() const;
  // Does some test read `now` (date math)?
  bool needs_now() const;
  // Is atom `atom` answered by this program?
  bool has(uint32_t atom) const { return atom < roots.size() && roots[atom] != kNoNode; }
};

// Deepest nesting of test trees a decoded program may have (the evaluator recurses per level).
inline constexpr uint32_t kMaxGenericDepth = 512;

void encode_generic(ByteWriter& w, const GenericProgram& p);
// Reads what encode_generic wrote for a rule set of `atom_count` atoms. false with `error` on any
// inconsistency (truncation, an index out of range, unsorted fields, a tree too deep...).
[[nodiscard]] bool decode_generic(ByteReader& r, GenericProgram& p, uint32_t atom_count, std::string& error);

// Checks the invariants decode_generic guarantees (also for programs built in memory).
[[nodiscard]] bool validate_generic(const GenericProgram& p, uint32_t atom_count, std::string& error);

// The on-demand atoms of one event, as the compiled engine asks for them.
class OnDemandAtoms {
 public:
  virtual ~OnDemandAtoms() = default;
  // A new event (called at most once per event, before the first eval of that event).
  virtual void reset(const Event& ev, int64_t now_ms) = 0;
  virtual bool eval(uint32_t atom) = 0;
};

// The native evaluator of a GenericProgram. After warm-up, evaluation neither allocates nor logs.
// nullptr with `error` when the program is inconsistent (validate_generic).
std::unique_ptr<OnDemandAtoms> make_on_demand_atoms(GenericProgram program, uint32_t atom_count, std::string& error);

}  // namespace rulec::rt
