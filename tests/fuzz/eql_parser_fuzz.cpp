// libFuzzer target: the EQL front end. Any input parses or gives one diagnostic; a parsed query's printed form parses again to the same printed form; its filters lower against the built-in schema and its string constants go through the Lucene regex translation, never crashing.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "compiler/frontend/eql_lower.h"
#include "compiler/frontend/eql_parser.h"
#include "compiler/frontend/eql_printer.h"
#include "compiler/frontend/lucene_regex.h"
#include "compiler/frontend/schema.h"
#include "compiler/interp/regex_predicate.h"

namespace {

using namespace rulec;

const Schema& builtin_schema() {
  static const Schema schema = [] {
    Diagnostic err;
    auto s = Schema::builtin(err);
    if (!s) std::abort();
    return std::move(*s);
  }();
  return schema;
}

struct Strings {
  std::vector<const std::string*> all;    // every string constant
  std::vector<const std::string*> regex;  // the operands of regex / regex~
};

void strings_of(const eql::Expr& e, Strings& out) {
  if (e.kind == eql::ExprKind::Literal && e.lit.type == eql::LitType::String) out.all.push_back(&e.lit.s);
  if (e.kind == eql::ExprKind::Match && e.match == eql::MatchOp::Regex)
    for (size_t i = 1; i < e.kids.size(); ++i)
      if (e.kids[i] && e.kids[i]->kind == eql::ExprKind::Literal && e.kids[i]->lit.type == eql::LitType::String)
        out.regex.push_back(&e.kids[i]->lit.s);
  for (const auto& k : e.kids)
    if (k) strings_of(*k, out);
}

void check_filter(const eql::EventFilter& f, Strings& strings) {
  if (!f.condition) std::abort();  // every filter has a condition
  strings_of(*f.condition, strings);
  // A fresh copy: the lowering records inferred field types in the schema it is given.
  const Schema schema = builtin_schema();
  eql::LoweredFilter low = eql::lower_filter(f, schema, "event.category");
  bool error = false;
  for (const auto& d : low.diagnostics) {
    if (d.code.empty()) std::abort();
    error = error || d.severity == Severity::Error;
  }
  // A tree exactly when lowering neither failed nor stopped at a script leaf.
  if (!low.unsupported.empty() || error) {
    if (low.tree) std::abort();
  } else if (!low.tree) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view q(reinterpret_cast<const char*>(data), size);
  eql::ParseResult r = eql::parse(q);
  if (!r) {
    if (!r.error || r.error->code.empty()) std::abort();  // no tree and no reason
    return 0;
  }
  const std::string printed = eql::print(*r.query);
  eql::ParseResult again = eql::parse(printed);
  if (!again || eql::print(*again.query) != printed) std::abort();  // the printer's output must round-trip

  Strings strings;
  const eql::Query& query = *r.query;
  if (query.kind == eql::QueryKind::Event) check_filter(query.event, strings);
  for (const auto& t : query.terms) check_filter(t.filter, strings);
  if (query.until) check_filter(query.until->filter, strings);
  // String constants through the translation (16 per input: one with `&` or `~` builds an
  // automaton, up to its caps); the regex operands, a few per input (a Hyperscan compile each),
  // also compiled and run as the reference evaluator does.
  for (size_t i = 0; i < strings.all.size() && i < 16; ++i) {
    const RegexTranslation t = lucene_regex_to_hyperscan(*strings.all[i], i % 2 == 1);
    if (!t.error.empty() && !t.unsupported.empty()) std::abort();  // one reason at most
    if (t.ok() && !t.never && t.expression.empty()) std::abort();   // a translation is never empty
    if (t.never && !t.expression.empty()) std::abort();
  }
  for (size_t i = 0; i < strings.regex.size() && i < 4; ++i) {
    const std::string& s = *strings.regex[i];
    if (!lucene_regex_to_hyperscan(s).ok()) continue;
    if (auto p = interp::RegexPredicate::make(s, false)) (void)p->match(s);
  }
  return 0;
}
