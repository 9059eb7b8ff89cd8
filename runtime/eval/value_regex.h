// One Hyperscan expression matched against whole values (EQL regex tests): built for this host, scanned through hs_block_scan.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct hs_database;
struct hs_scratch;

namespace rulec::rt {

// The expression is a translated Lucene regex (anchored \A...\z, UTF-8 mode, DOTALL): the
// compiler's lucene_regex_to_hyperscan writes it, the interpreter and script leaves run it.
class ValueRegex {
 public:
  // nullptr with Hyperscan's reason when it refuses the expression.
  static std::unique_ptr<ValueRegex> compile(const std::string& expression, bool caseless, std::string& error);
  ~ValueRegex();
  ValueRegex(const ValueRegex&) = delete;
  ValueRegex& operator=(const ValueRegex&) = delete;

  // Does the whole value match? `scratch` is the caller's (one per thread), grown to fit.
  bool matches(std::string_view value, hs_scratch*& scratch) const;

 private:
  ValueRegex() = default;
  hs_database* db_ = nullptr;
};

}  // namespace rulec::rt
