// Whole-value Hyperscan regexes: compile for hs_build_platform, scan through hs_block_scan.
#include "runtime/eval/value_regex.h"

#include <hs/hs.h>

#include "runtime/eval/hs_block_scan.h"

namespace rulec::rt {

std::unique_ptr<ValueRegex> ValueRegex::compile(const std::string& expression, bool caseless, std::string& error) {
  std::unique_ptr<ValueRegex> re(new ValueRegex());
  hs_platform_info_t platform{};
  hs_build_platform(platform);
  const unsigned flags =
      HS_FLAG_DOTALL | HS_FLAG_ALLOWEMPTY | HS_FLAG_UTF8 | HS_FLAG_SINGLEMATCH | (caseless ? HS_FLAG_CASELESS : 0u);
  hs_compile_error_t* err = nullptr;
  if (hs_compile(expression.c_str(), flags, HS_MODE_BLOCK, &platform, &re->db_, &err) != HS_SUCCESS) {
    error = err && err->message ? err->message : "compile error";
    hs_free_compile_error(err);
    return nullptr;
  }
  return re;
}

ValueRegex::~ValueRegex() { hs_free_database(db_); }

bool ValueRegex::matches(std::string_view value, hs_scratch*& scratch) const {
  if (hs_alloc_scratch(db_, &scratch) != HS_SUCCESS) return false;
  bool found = false;
  auto on_match = [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
    *static_cast<bool*>(ctx) = true;
    return 1;  // stop: one match answers
  };
  // An empty value: Hyperscan scans zero bytes fine given a valid pointer.
  static const char kEmpty = 0;
  hs_block_scan(db_, value.empty() ? &kEmpty : value.data(), static_cast<unsigned>(value.size()), scratch, on_match,
                &found);
  return found;
}

}  // namespace rulec::rt
