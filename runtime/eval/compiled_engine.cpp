// The compiled engine's per-event loop: slot values through the string matcher, then generated code.
#include "runtime/eval/compiled_engine.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

namespace rulec::rt {

namespace {
size_t words(size_t bits) { return (bits + 63) / 64; }
}  // namespace

std::unique_ptr<CompiledEngine> CompiledEngine::create(CompiledProgram program, std::string& error) {
  auto source = std::make_shared<const CompiledProgram>(program);
  auto e = create(std::move(program), std::move(source), error, nullptr);
  if (e && e->rebuilt_) {
    // Clones (--threads) load the databases rebuilt here instead of rebuilding them again.
    auto fresh = std::make_shared<CompiledProgram>(*e->source_);
    fresh->groups = e->strings_->groups();
    e->source_ = std::move(fresh);
  }
  return e;
}

std::unique_ptr<StreamEngine> CompiledEngine::clone(std::string& error) const {
  return create(*source_, source_, error, prefilter_.get());
}

std::unique_ptr<CompiledEngine> CompiledEngine::create(CompiledProgram program, std::shared_ptr<const CompiledProgram> source,
                                                       std::string& error, const LinePrefilter* share) {
  std::unique_ptr<CompiledEngine> e(new CompiledEngine());
  e->source_ = std::move(source);
  if (!program.fn) {
    error = "no evaluation function";
    return nullptr;
  }
  for (const auto& g : program.groups) {
    auto bad = [&](uint32_t a) { return a >= program.atom_count; };
    if (std::any_of(g.exact.begin(), g.exact.end(), [&](const auto& x) { return bad(x.atom); }) ||
        std::any_of(g.patterns.begin(), g.patterns.end(), [&](const auto& x) { return bad(x.atom); }) ||
        std::any_of(g.any.begin(), g.any.end(), bad)) {
      error = "string test names an atom out of range";
      return nullptr;
    }
  }
  if (std::any_of(program.typed.begin(), program.typed.end(), [&](const TypedTestSpec& t) { return t.atom >= program.atom_count; })) {
    error = "typed test names an atom out of range";
    return nullptr;
  }
  // Every atom is answered by some test: a string group, a typed test or an on-demand test.
  std::vector<uint8_t> answered(program.atom_count, 0);
  for (const auto& g : program.groups) {
    for (const auto& x : g.exact) answered[x.atom] = 1;
    for (const auto& x : g.patterns) answered[x.atom] = 1;
    for (uint32_t a : g.any) answered[a] = 1;
  }
  for (const auto& t : program.typed) answered[t.atom] = 1;
  for (uint32_t a = 0; a < program.atom_count; ++a) {
    if (answered[a] || program.generic.has(a)) continue;
    error = fmt::format("atom {} is answered by no test", a);
    return nullptr;
  }
  if (program.prefilter.enabled && program.prefilter.rule_count != program.rule_count) {
    error = fmt::format("the prefilter names {} rules of {}", program.prefilter.rule_count, program.rule_count);
    return nullptr;
  }
  if (share) {
    if (!(e->prefilter_ = share->share(error))) return nullptr;
  } else if (program.prefilter.enabled && !(e->prefilter_ = LinePrefilter::create(program.prefilter, error))) {
    return nullptr;
  }
  e->typed_ = TypedTests::create(std::move(program.typed), program.slot_paths.size(), error);
  if (!e->typed_) return nullptr;
  e->filter_ = std::make_unique<FieldFilter>(program.slot_paths, program.subtrees, program.read_all);
  e->strings_ = StringMatcher::create(std::move(program.groups), program.slot_paths.size(), error, &e->rebuilt_);
  if (!e->strings_) return nullptr;
  if (!program.generic.empty()) {
    e->needs_now_ = program.generic.needs_now();
    e->on_demand_ = make_on_demand_atoms(std::move(program.generic), program.atom_count, error);
    if (!e->on_demand_) return nullptr;
  }
  e->p_ = std::move(program);
  for (size_t i = 0; i < e->p_.slot_paths.size(); ++i) e->slot_of_.emplace(e->p_.slot_paths[i], static_cast<uint32_t>(i));
  e->atoms_.assign(words(e->p_.atom_count), 0);
  e->known_.assign(words(e->p_.atom_count), 0);
  e->value_.assign(words(e->p_.atom_count), 0);
  e->memo_.assign(e->p_.memo_count, 0);
  e->pattern_group_.assign(e->p_.atom_count, -1);
  const auto& groups = e->strings_->groups();
  for (size_t g = 0; g < groups.size(); ++g)
    for (const auto& pat : groups[g].patterns) e->pattern_group_[pat.atom] = static_cast<int32_t>(g);
  e->group_scanned_.assign(words(groups.size()), 0);
  return e;
}

CompiledEngine::~CompiledEngine() = default;

void CompiledEngine::scan_patterns(uint32_t g) {
  group_scanned_[g >> 6] |= uint64_t{1} << (g & 63);
  const uint32_t slot = strings_->groups()[g].slot;
  for (const auto& [s, leaf] : slot_leaves_)
    if (s == slot) strings_->scan_patterns(g, ev_->leaves[leaf].text, atoms_.data());
}

uint32_t CompiledEngine::lazy_atom(EvalFrame* frame, uint32_t atom) {
  auto* e = static_cast<CompiledEngine*>(frame->engine);
  if (const int32_t g = e->pattern_group_[atom]; g >= 0) {
    if (!((e->group_scanned_[g >> 6] >> (g & 63)) & 1)) e->scan_patterns(static_cast<uint32_t>(g));
    return (e->atoms_[atom >> 6] >> (atom & 63)) & 1;
  }
  const uint64_t bit = uint64_t{1} << (atom & 63);
  uint64_t& known = e->known_[atom >> 6];
  uint64_t& value = e->value_[atom >> 6];
  if (!(known & bit)) {
    bool v = false;
    if (e->on_demand_) {
      if (!e->on_demand_ready_) {
        e->on_demand_->reset(*e->ev_, e->now_ms_);
        e->on_demand_ready_ = true;
      }
      v = e->on_demand_->eval(atom);
    }
    known |= bit;
    if (v) value |= bit;
  }
  return (value & bit) ? 1 : 0;
}

void CompiledEngine::begin(const Event& ev, double* group_ns) {
  std::fill(atoms_.begin(), atoms_.end(), 0);
  std::fill(known_.begin(), known_.end(), 0);
  std::fill(value_.begin(), value_.end(), 0);
  if (!memo_.empty()) std::memset(memo_.data(), 0, memo_.size());
  std::fill(group_scanned_.begin(), group_scanned_.end(), 0);
  slot_leaves_.clear();
  ev_ = &ev;
  on_demand_ready_ = false;
  const bool fast = ev.filter == filter_.get();
  for (size_t i = 0; i < ev.leaves.size(); ++i) {
    const Leaf& l = ev.leaves[i];
    if (l.kind == ValueKind::Null) continue;
    uint32_t slot = l.slot;
    if (!fast) {
      auto it = slot_of_.find(l.path);
      if (it == slot_of_.end()) continue;
      slot = it->second;
    }
    if (slot == kNoSlot) continue;
    if (strings_->reads(slot)) {
      for (uint32_t g : strings_->groups_of(slot)) {
        if (!group_ns) {
          strings_->scan_exact(g, l.text, atoms_.data());
          continue;
        }
        const auto t0 = std::chrono::steady_clock::now();
        strings_->scan_exact(g, l.text, atoms_.data());
        group_ns[g] += std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
      }
      slot_leaves_.emplace_back(slot, static_cast<uint32_t>(i));
    }
    if (typed_->reads(slot)) typed_->scan(slot, l, atoms_.data());
  }
}

void CompiledEngine::evaluate(const Event& ev, RuleBits& matched) {
  if (matched.size() != p_.rule_count) matched.resize(p_.rule_count);
  else matched.clear();
  begin(ev);
  EvalFrame frame{atoms_.data(), memo_.data(), &CompiledEngine::lazy_atom, this};
  p_.fn(&frame, matched.words());
}

void CompiledEngine::profile(const Event& ev, const std::vector<RuleFn>& rule_fns, std::vector<double>& rule_ns,
                             std::vector<double>& group_ns) {
  using Clock = std::chrono::steady_clock;
  rule_ns.resize(p_.rule_count, 0.0);
  group_ns.resize(strings_->groups().size(), 0.0);
  begin(ev, group_ns.data());  // pattern scans are charged to the rule that first needs them
  EvalFrame frame{atoms_.data(), memo_.data(), &CompiledEngine::lazy_atom, this};
  for (size_t r = 0; r < rule_fns.size() && r < p_.rule_count; ++r) {
    const auto t0 = Clock::now();
    (void)rule_fns[r](&frame);
    rule_ns[r] += std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
  }
}

}  // namespace rulec::rt
