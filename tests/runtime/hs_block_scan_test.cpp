// rt::hs_block_scan against a plain substring search: literal sets and wildcard chains anywhere in buffers up to 400 bytes.
#include <gtest/gtest.h>

#include <hs/hs.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "runtime/eval/hs_block_scan.h"
#include "runtime/eval/string_matcher.h"

namespace {
namespace hs_block_scan_test {

// One compiled pattern set (single match, as the runtime compiles them) and the ids it reports.
class Db {
 public:
  Db(const std::vector<std::string>& patterns, unsigned extra_flags) {
    std::vector<const char*> exprs;
    std::vector<unsigned> flags, ids;
    for (size_t i = 0; i < patterns.size(); ++i) {
      exprs.push_back(patterns[i].c_str());
      flags.push_back(HS_FLAG_SINGLEMATCH | HS_FLAG_DOTALL | extra_flags);
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_compile_error_t* err = nullptr;
    hs_platform_info_t platform{};
    rulec::rt::hs_build_platform(platform);
    ok_ = hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                           &platform, &db_, &err) == HS_SUCCESS &&
          hs_alloc_scratch(db_, &scratch_) == HS_SUCCESS;
    hs_free_compile_error(err);
    size_ = patterns.size();
  }
  ~Db() {
    hs_free_scratch(scratch_);
    hs_free_database(db_);
  }
  bool ok() const { return ok_; }
  std::vector<bool> scan(const std::string& data) const {
    std::vector<bool> hit(size_, false);
    auto on = [](unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
      (*static_cast<std::vector<bool>*>(ctx))[id] = true;
      return 0;
    };
    EXPECT_EQ(rulec::rt::hs_block_scan(db_, data.data(), static_cast<unsigned>(data.size()), scratch_, on, &hit),
              HS_SUCCESS);
    return hit;
  }

 private:
  hs_database_t* db_ = nullptr;
  hs_scratch_t* scratch_ = nullptr;
  size_t size_ = 0;
  bool ok_ = false;
};

// Do the pieces occur in `data` in order, without overlapping?
bool chain_occurs(const std::string& data, const std::vector<std::string>& pieces) {
  size_t at = 0;
  for (const auto& p : pieces) {
    const size_t f = data.find(p, at);
    if (f == std::string::npos) return false;
    at = f + p.size();
  }
  return true;
}

// The case Vectorscan 5.4.9's dispatched AVX-512 scanner gets wrong: a two-literal set whose match
// lies past the 64th byte.
TEST(HsBlockScan, LiteralSetAtEveryPosition) {
  const Db db({"(-o|-k)"}, 0);
  ASSERT_TRUE(db.ok());
  for (size_t n = 2; n < 300; ++n) {
    for (size_t at = 0; at + 2 <= n; ++at) {
      std::string v(n, 'a');
      v[at] = '-', v[at + 1] = 'o';
      ASSERT_TRUE(db.scan(v)[0]) << "missed at " << at << " of " << n << " bytes (scanner: "
                                 << rulec::rt::hs_block_scan_path() << ")";
    }
  }
}

// Random sets of one-to-three-piece chains over a small alphabet against random buffers of up to
// 400 bytes: every pattern reported exactly when its pieces occur in order.
TEST(HsBlockScan, RandomChainsAgreeWithSubstringSearch) {
  std::mt19937 rng(20261207);
  const std::string alphabet = "ab-o;kz";
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  for (int round = 0; round < 400; ++round) {
    std::vector<std::vector<std::string>> chains(1 + pick(6));
    std::vector<std::string> patterns;
    for (auto& chain : chains) {
      std::string re;
      for (size_t k = 0, pieces = 1 + pick(3); k < pieces; ++k) {
        std::string piece;
        for (size_t j = 0, len = 1 + pick(3); j < len; ++j) piece += alphabet[pick(alphabet.size())];
        if (k) re += ".*";
        for (char c : piece) re += std::string("\\x") + "0123456789abcdef"[(c >> 4) & 15] + "0123456789abcdef"[c & 15];
        chain.push_back(piece);
      }
      patterns.push_back(re);
    }
    const Db db(patterns, 0);
    ASSERT_TRUE(db.ok());
    for (int h = 0; h < 25; ++h) {
      std::string data(pick(400), 'x');
      for (auto& c : data)
        if (pick(4) == 0) c = alphabet[pick(alphabet.size())];
      const std::vector<bool> hit = db.scan(data);
      for (size_t i = 0; i < chains.size(); ++i) {
        ASSERT_EQ(hit[i], chain_occurs(data, chains[i]))
            << "pattern " << patterns[i] << " on " << data.size() << " bytes: " << data;
      }
    }
  }
}

// A database built with this host's AVX-512 features (as a bundle from before the workaround
// holds them) is rebuilt from its patterns where the AVX2 scanner stands in for the dispatched one,
// and the matcher finds matches past the 64th byte either way.
TEST(HsBlockScan, ALoadedAvx512DatabaseIsRebuiltWhereTheAvx2ScannerStandsIn) {
  rulec::rt::StringGroupSpec group;
  group.patterns.push_back({"\\x2do", false, false, 0});
  group.patterns.push_back({"\\x2dk", false, false, 1});
  std::vector<const char*> exprs = {group.patterns[0].regex.c_str(), group.patterns[1].regex.c_str()};
  std::vector<unsigned> flags = {rulec::rt::hs_flags(group.patterns[0]), rulec::rt::hs_flags(group.patterns[1])};
  std::vector<unsigned> ids = {0, 1};
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;  // nullptr platform: this host's, AVX-512 features included
  ASSERT_EQ(hs_compile_multi(exprs.data(), flags.data(), ids.data(), 2, HS_MODE_BLOCK, nullptr, &db, &err), HS_SUCCESS);
  char* bytes = nullptr;
  size_t length = 0;
  ASSERT_EQ(hs_serialize_database(db, &bytes, &length), HS_SUCCESS);
  group.database.assign(bytes, length);
  std::free(bytes);
  hs_free_database(db);

  std::string error;
  size_t rebuilt = 0;
  auto m = rulec::rt::StringMatcher::create({group}, 1, error, &rebuilt);
  ASSERT_TRUE(m) << error;
  const bool stand_in = rulec::rt::hs_block_scan_path() != "dispatched";
  EXPECT_EQ(rebuilt, stand_in ? 1u : 0u) << rulec::rt::hs_block_scan_path();
  EXPECT_EQ(rulec::rt::database_loads(group), !stand_in);
  for (size_t at = 0; at + 2 <= 200; ++at) {
    std::string v(200, 'a');
    v[at] = '-', v[at + 1] = 'k';
    uint64_t bits = 0;
    m->scan_patterns(0, v, &bits);
    ASSERT_EQ(bits, 2u) << "at " << at;
  }
}

}  // namespace hs_block_scan_test
}  // namespace
