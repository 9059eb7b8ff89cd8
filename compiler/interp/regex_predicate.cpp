// The reference evaluator's Lucene regex test: translation (frontend/lucene_regex.h), then the runtime's whole-value regex.
#include "compiler/interp/regex_predicate.h"

#include <hs/hs.h>

#include "compiler/frontend/lucene_regex.h"
#include "runtime/eval/value_regex.h"

namespace rulec::interp {

struct RegexPredicate::Impl {
  std::unique_ptr<rt::ValueRegex> re;  // null: a regex whose language is empty
  mutable hs_scratch_t* scratch = nullptr;
  ~Impl() { hs_free_scratch(scratch); }
};

std::unique_ptr<RegexPredicate> RegexPredicate::make(std::string_view lucene_regex, bool case_insensitive) {
  const RegexTranslation t = lucene_regex_to_hyperscan(lucene_regex, case_insensitive);
  if (!t.ok()) return nullptr;
  std::unique_ptr<RegexPredicate> p(new RegexPredicate());
  p->impl_ = std::make_unique<Impl>();
  if (t.never) return p;
  std::string error;
  p->impl_->re = rt::ValueRegex::compile(t.expression, case_insensitive, error);
  if (!p->impl_->re) return nullptr;
  return p;
}

RegexPredicate::~RegexPredicate() = default;

bool RegexPredicate::match(std::string_view value) const {
  return impl_->re && impl_->re->matches(value, impl_->scratch);
}

}  // namespace rulec::interp
