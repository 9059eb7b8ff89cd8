// The raw-line prefilter: its Hyperscan database (the literals, and the patterns of text that could hide one) and its scans.
#include "runtime/eval/line_prefilter.h"

#include <hs/hs.h>

#include <cstring>

#include <fmt/format.h>

#include "runtime/eval/hs_block_scan.h"

namespace rulec::rt {

namespace {

// Does the text hold a \u or \/ escape? (In JSON text a backslash only ever starts an escape: each
// one is skipped with the character it escapes, so an escaped backslash before a u is no \u.)
bool hiding_escape(std::string_view t) {
  const char* p = t.data();
  const char* end = p + t.size();
  while ((p = static_cast<const char*>(std::memchr(p, '\\', static_cast<size_t>(end - p)))) != nullptr) {
    if (p + 1 >= end) return false;
    if (p[1] == 'u' || p[1] == '/') return true;
    p += 2;
  }
  return false;
}

// Does the text hold a byte over 0x7f? Eight bytes at a time.
bool non_ascii(std::string_view t) {
  size_t i = 0;
  uint64_t any = 0;
  for (; i + 8 <= t.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, t.data() + i, 8);
    any |= w;
  }
  for (; i < t.size(); ++i) any |= static_cast<unsigned char>(t[i]);
  return (any & 0x8080808080808080ull) != 0;
}

// A literal as a Hyperscan expression: every byte as \xHH (no metacharacter to escape).
std::string literal_expr(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 4);
  for (unsigned char c : bytes) out += fmt::format("\\x{:02x}", c);
  return out;
}

bool sorted_in_range(const std::vector<uint32_t>& v, uint32_t n) {
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] >= n || (i > 0 && v[i] <= v[i - 1])) return false;
  return true;
}

int on_any(unsigned, unsigned long long, unsigned long long, unsigned, void*) {
  return 1;  // one is enough
}

struct CandidateCtx {
  const PrefilterSpec* spec;
  uint64_t* words;
};

int on_candidate(unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {
  auto* c = static_cast<CandidateCtx*>(ctx);
  for (uint32_t r : c->spec->literals[id].rules) c->words[r >> 6] |= uint64_t{1} << (r & 63);
  return 0;
}

}  // namespace

std::unique_ptr<LinePrefilter> LinePrefilter::create(const PrefilterSpec& spec, std::string& error) {
  if (!spec.enabled) return nullptr;
  if (!sorted_in_range(spec.always, spec.rule_count)) {
    error = "prefilter: a rule without literals is out of range or listed twice";
    return nullptr;
  }
  std::unique_ptr<LinePrefilter> p(new LinePrefilter());
  p->spec_ = spec;
  p->always_any_ = !spec.always.empty();
  std::vector<std::string> exprs;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < spec.literals.size(); ++i) {
    const auto& l = spec.literals[i];
    if (l.bytes.empty() || l.rules.empty() || !sorted_in_range(l.rules, spec.rule_count)) {
      error = fmt::format("prefilter: literal {} is empty or names no rule, or a rule out of range", i);
      return nullptr;
    }
    exprs.push_back(literal_expr(l.bytes));
    flags.push_back(HS_FLAG_SINGLEMATCH | (l.caseless ? HS_FLAG_CASELESS : 0u));
    ids.push_back(static_cast<unsigned>(i));
    p->caseless_ |= l.caseless;
  }
  if (exprs.empty()) return p;  // no rule can match any line (or some rule matches every one)
  std::vector<const char*> cexprs;
  for (const auto& e : exprs) cexprs.push_back(e.c_str());
  hs_compile_error_t* err = nullptr;
  hs_database_t* db = nullptr;
  hs_platform_info_t platform{};
  hs_build_platform(platform);
  if (hs_compile_multi(cexprs.data(), flags.data(), ids.data(), static_cast<unsigned>(cexprs.size()), HS_MODE_BLOCK,
                       &platform, &db, &err) != HS_SUCCESS) {
    error = fmt::format("prefilter: Hyperscan: {}", err && err->message ? err->message : "compile error");
    hs_free_compile_error(err);
    return nullptr;
  }
  p->db_.reset(db, [](hs_database_t* d) { hs_free_database(d); });
  if (hs_alloc_scratch(db, &p->scratch_) != HS_SUCCESS) {
    error = "prefilter: Hyperscan: cannot allocate scratch space";
    return nullptr;
  }
  return p;
}

std::unique_ptr<LinePrefilter> LinePrefilter::share(std::string& error) const {
  std::unique_ptr<LinePrefilter> p(new LinePrefilter());
  p->spec_ = spec_;
  p->db_ = db_;
  p->always_any_ = always_any_;
  p->caseless_ = caseless_;
  if (scratch_ && hs_clone_scratch(scratch_, &p->scratch_) != HS_SUCCESS) {
    error = "prefilter: Hyperscan: cannot allocate scratch space";
    return nullptr;
  }
  return p;
}

LinePrefilter::~LinePrefilter() {
  if (scratch_) hs_free_scratch(scratch_);
}

bool LinePrefilter::any(std::string_view line) {
  fell_back_ = false;
  if (always_any_) return true;
  if (!db_) return false;
  const hs_error_t rc = hs_block_scan(db_.get(), line.data(), static_cast<unsigned>(line.size()), scratch_, on_any, nullptr);
  // Anything but a clean "nothing found" (a scan error included) lets the line through.
  if (rc != HS_SUCCESS) return true;
  fell_back_ = could_hide(line);
  return fell_back_;
}

bool LinePrefilter::passes_over(std::string_view line) {
  const size_t first = line.find_first_not_of(" \t\r");
  const size_t last = line.find_last_not_of(" \t\r");
  if (first == std::string_view::npos || line[first] != '{' || line[last] != '}') return false;
  return !any(line);
}

bool LinePrefilter::could_hide(std::string_view line) const {
  return hiding_escape(line) || (caseless_ && non_ascii(line));
}

void LinePrefilter::candidates(std::string_view line, RuleBits& out) {
  out.resize(spec_.rule_count);
  CandidateCtx ctx{&spec_, out.words()};
  const hs_error_t rc =
      db_ ? hs_block_scan(db_.get(), line.data(), static_cast<unsigned>(line.size()), scratch_, on_candidate, &ctx) : HS_SUCCESS;
  fell_back_ = rc != HS_SUCCESS || could_hide(line);
  if (fell_back_) {
    for (uint32_t r = 0; r < spec_.rule_count; ++r) out.set(r);
    return;
  }
  for (uint32_t r : spec_.always) out.set(r);
}

}  // namespace rulec::rt
