// The reference evaluator's entry points: matches() and the Interpreter behind the Evaluator interface.
#include "compiler/interp/interp.h"

#include <new>

#include "compiler/interp/matcher.h"

namespace rulec::interp {

namespace {

bool rule_matches(Matcher& m, const RuleTrees& r) {
  if (!r.query || !m.eval(*r.query)) return false;
  if (r.filters && !m.eval(*r.filters)) return false;
  for (const kql::Node* e : r.exceptions)
    if (e && m.eval(*e)) return false;
  return true;
}

}  // namespace

bool matches(const kql::Node& ast, const rt::Event& ev, const Schema& schema, int64_t now_ms) {
  try {
    Matcher m(schema);
    m.reset(ev, now_ms);
    return m.eval(ast);
  } catch (const std::exception&) {
    return false;
  }
}

bool matches(const RuleTrees& rule, const rt::Event& ev, const Schema& schema, int64_t now_ms) {
  try {
    Matcher m(schema);
    m.reset(ev, now_ms);
    return rule_matches(m, rule);
  } catch (const std::exception&) {
    return false;
  }
}

Interpreter::Interpreter(std::vector<RuleTrees> rules, const Schema& schema)
    : rules_(std::move(rules)), schema_(schema), matcher_(std::make_unique<Matcher>(schema)) {}

Interpreter::~Interpreter() = default;

void Interpreter::evaluate(const rt::Event& ev, rt::RuleBits& matched) {
  if (matched.size() != rules_.size())
    matched.resize(rules_.size());
  else
    matched.clear();
  try {
    matcher_->reset(ev, now_ms_);
    for (size_t i = 0; i < rules_.size(); ++i)
      if (rule_matches(*matcher_, rules_[i])) matched.set(i);
  } catch (const std::exception&) {
    matched.clear();  // only allocation failure gets here: report no match rather than throw
  }
}

}  // namespace rulec::interp
