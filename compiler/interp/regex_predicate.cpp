// The reference evaluator's Lucene regex test: translation (frontend/lucene_regex.h), then a Hyperscan block-mode scan.
#include "compiler/interp/regex_predicate.h"

#include <hs/hs.h>

#include "compiler/frontend/lucene_regex.h"
#include "runtime/eval/hs_block_scan.h"

namespace rulec::interp {

struct RegexPredicate::Impl {
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  ~Impl() {
    hs_free_scratch(scratch);
    hs_free_database(db);
  }
};

std::unique_ptr<RegexPredicate> RegexPredicate::make(std::string_view lucene_regex, bool case_insensitive) {
  const RegexTranslation t = lucene_regex_to_hyperscan(lucene_regex, case_insensitive);
  if (!t.ok()) return nullptr;
  std::unique_ptr<RegexPredicate> p(new RegexPredicate());
  p->impl_ = std::make_unique<Impl>();
  if (t.never) return p;  // no database: matches no value
  unsigned flags = HS_FLAG_DOTALL | HS_FLAG_ALLOWEMPTY | HS_FLAG_UTF8 | HS_FLAG_SINGLEMATCH;
  if (case_insensitive) flags |= HS_FLAG_CASELESS;
  hs_compile_error_t* err = nullptr;
  hs_platform_info_t platform{};
  rt::hs_build_platform(platform);
  if (hs_compile(t.expression.c_str(), flags, HS_MODE_BLOCK, &platform, &p->impl_->db, &err) != HS_SUCCESS) {
    hs_free_compile_error(err);
    return nullptr;
  }
  if (hs_alloc_scratch(p->impl_->db, &p->impl_->scratch) != HS_SUCCESS) return nullptr;
  return p;
}

RegexPredicate::~RegexPredicate() = default;

bool RegexPredicate::match(std::string_view value) const {
  if (!impl_->db) return false;  // a regex whose language is empty
  bool found = false;
  auto on_match = [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
    *static_cast<bool*>(ctx) = true;
    return 1;  // stop
  };
  // An empty value: Hyperscan scans zero bytes fine given a valid pointer.
  static const char kEmpty = 0;
  rt::hs_block_scan(impl_->db, value.empty() ? &kEmpty : value.data(), static_cast<unsigned>(value.size()),
                    impl_->scratch, on_match, &found);
  return found;
}

}  // namespace rulec::interp
