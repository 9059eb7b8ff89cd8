// The compiled engine: string scans per field slot, then the generated evaluation function.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/decoder/field_filter.h"
#include "runtime/eval/eval_abi.h"
#include "runtime/eval/evaluator.h"
#include "runtime/eval/generic_tests.h"
#include "runtime/eval/line_prefilter.h"
#include "runtime/eval/string_matcher.h"
#include "runtime/eval/typed_tests.h"

namespace rulec::rt {

// Pattern atoms are answered on first use in an event: the group's Hyperscan database scans every
// value of its field then (most rules fail on cheap exact tests before reaching a pattern). The
// atoms the string matcher and the typed tests cannot answer (dates, text analysis, nested queries,
// free text...) are evaluated on demand by the native evaluator of CompiledProgram::generic
// (generic_tests.h).

// Everything the engine runs, as the compiler (or a bundle loader) hands it over.
struct CompiledProgram {
  uint32_t rule_count = 0;
  uint32_t atom_count = 0;
  uint32_t memo_count = 0;
  std::vector<std::string> slot_paths;      // FieldFilter exact paths (slot = index)
  std::vector<std::string> subtrees;        // FieldFilter subtrees
  bool read_all = false;                    // the whole document is read
  std::vector<StringGroupSpec> groups;
  std::vector<TypedTestSpec> typed;
  EvalFn fn = nullptr;                      // generated code
  std::shared_ptr<void> code;               // keeps `fn`'s code alive
  GenericProgram generic;                   // the on-demand atoms
  PrefilterSpec prefilter;                  // the raw-line prefilter (not enabled: none)
};

class CompiledEngine final : public Evaluator, public StreamEngine {
 public:
  // nullptr with `error` when the program is inconsistent (an index out of range, an atom no test
  // answers) or a database does not build.
  static std::unique_ptr<CompiledEngine> create(CompiledProgram program, std::string& error);
  ~CompiledEngine() override;

  size_t rule_count() const override { return p_.rule_count; }
  // Events decoded with filter() take the fast path (slots come from the decoder); any other
  // event is looked up by path (slower, same answers).
  void evaluate(const Event& ev, RuleBits& matched) override;
  void set_now_ms(int64_t now_ms) override { now_ms_ = now_ms; }
  // Does any test depend on `now` (date math, evaluated on demand)? If not, set_now_ms can be skipped.
  bool needs_now() const override { return needs_now_; }
  const FieldFilter& filter() const { return *filter_; }
  const FieldFilter* decode_filter() const override { return filter_.get(); }
  Evaluator& evaluator() override { return *this; }
  // The raw-line prefilter (nullptr: none in the program).
  LinePrefilter* line_prefilter() override { return prefilter_.get(); }
  // Another engine of the same program (the code and the tables' source shared; its own per-event
  // state, string scratch and prefilter): one per thread.
  std::unique_ptr<StreamEngine> clone(std::string& error) const override;
  bool has_prefilter() const { return prefilter_ != nullptr; }

  // Profiling (benchmarks): evaluates `ev` rule by rule through `rule_fns` (one per rule), adding
  // each rule's time to `rule_ns` (with the pattern scans, shared sub-expressions and on-demand
  // atoms it is the first to need) and each string group's exact and presence probes to
  // `group_ns` (nanoseconds).
  void profile(const Event& ev, const std::vector<RuleFn>& rule_fns, std::vector<double>& rule_ns,
               std::vector<double>& group_ns);
  const StringMatcher& strings() const { return *strings_; }
  size_t databases_rebuilt() const { return rebuilt_; }
  // The string groups with their databases as loaded here (rebuilt ones serialized afresh).
  const std::vector<StringGroupSpec>& string_groups() const { return strings_->groups(); }

 private:
  CompiledEngine() = default;
  // `share`: the engine cloned's prefilter, whose database the new engine uses too.
  static std::unique_ptr<CompiledEngine> create(CompiledProgram program, std::shared_ptr<const CompiledProgram> source,
                                                std::string& error, const LinePrefilter* share);
  static uint32_t lazy_atom(EvalFrame* frame, uint32_t atom);
  // Resets the per-event state and runs the exact and typed tests of every slot value (timing each
  // string group's exact tests into group_ns when given).
  void begin(const Event& ev, double* group_ns = nullptr);

  CompiledProgram p_;
  std::shared_ptr<const CompiledProgram> source_;  // the program as given (for clone())
  std::unique_ptr<FieldFilter> filter_;
  std::unique_ptr<StringMatcher> strings_;
  std::unique_ptr<LinePrefilter> prefilter_;
  std::unique_ptr<TypedTests> typed_;
  std::unordered_map<std::string_view, uint32_t> slot_of_;  // slow path for foreign events
  size_t rebuilt_ = 0;
  int64_t now_ms_ = 0;
  bool needs_now_ = false;
  std::unique_ptr<OnDemandAtoms> on_demand_;  // built from p_.generic
  // Per event.
  const Event* ev_ = nullptr;
  bool on_demand_ready_ = false;
  std::vector<uint64_t> atoms_;
  std::vector<uint64_t> known_;   // on-demand atoms evaluated this event
  std::vector<uint64_t> value_;   // and their values
  std::vector<uint8_t> memo_;
  std::vector<int32_t> pattern_group_;          // atom -> its group when a pattern atom, else -1
  std::vector<std::pair<uint32_t, uint32_t>> slot_leaves_;  // this event's (slot, leaf) with string groups
  std::vector<uint64_t> group_scanned_;         // pattern groups scanned this event
  void scan_patterns(uint32_t group);
};

}  // namespace rulec::rt
