// The reference evaluator's Lucene regex test: one translated regex compiled by Hyperscan, run on one value.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "runtime/eval/value_tests.h"

namespace rulec::interp {

// A Lucene regex (whole-value match) as a keyword predicate. make() returns null when the regex
// cannot be translated or Hyperscan refuses it (the front end has reported it already).
class RegexPredicate final : public rt::ValuePredicate {
 public:
  static std::unique_ptr<RegexPredicate> make(std::string_view lucene_regex, bool case_insensitive);
  ~RegexPredicate() override;
  bool match(std::string_view value) const override;

 private:
  RegexPredicate() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rulec::interp
