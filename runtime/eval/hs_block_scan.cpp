// Hyperscan block-mode scan through a probed scanner (see hs_block_scan.h).
#include "runtime/eval/hs_block_scan.h"

#include <cstdlib>
#include <string>

#if defined(__x86_64__)
// Exported by Vectorscan's x86-64 fat runtime beside the dispatching hs_scan; weak, so a library
// built without the fat runtime leaves it null and hs_scan is used.
extern "C" hs_error_t avx2_hs_scan(const hs_database_t* db, const char* data, unsigned length, unsigned flags,
                                   hs_scratch_t* scratch, match_event_handler on_event, void* context)
    __attribute__((weak));
#endif

namespace rulec::rt {
namespace {

using ScanFn = hs_error_t (*)(const hs_database_t*, const char*, unsigned, unsigned, hs_scratch_t*,
                              match_event_handler, void*);

#if defined(__x86_64__)
int on_probe_match(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
  *static_cast<bool*>(ctx) = true;
  return 1;  // stop: one match answers the probe
}

// True when `scan` finds a two-literal set's match placed at each position 60..70 of a 72-byte
// buffer (the dispatched AVX-512 scanner of Vectorscan 5.4.9 misses those from 64 on).
bool scanner_passes(ScanFn scan, const hs_database_t* db, hs_scratch_t* scratch) {
  for (unsigned pos = 60; pos <= 70; ++pos) {
    std::string buffer(72, 'a');
    buffer[pos] = '-';
    buffer[pos + 1] = 'o';
    bool found = false;
    if (scan(db, buffer.data(), static_cast<unsigned>(buffer.size()), 0, scratch, on_probe_match, &found) !=
            HS_SCAN_TERMINATED ||
        !found) {
      return false;
    }
  }
  return true;
}
#endif

struct Choice {
  ScanFn scan = &hs_scan;
  std::string_view path = "dispatched";
};

Choice choose() {
  Choice c;
#if defined(__x86_64__)
  if (avx2_hs_scan == nullptr || !__builtin_cpu_supports("avx2")) return c;
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  hs_platform_info_t platform{};
  hs_build_platform(platform);
  if (hs_compile("(-o|-k)", HS_FLAG_SINGLEMATCH, HS_MODE_BLOCK, &platform, &db, &err) != HS_SUCCESS) {
    hs_free_compile_error(err);
    return c;  // cannot probe: keep the library's choice
  }
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(db, &scratch) == HS_SUCCESS && !scanner_passes(&hs_scan, db, scratch) &&
      scanner_passes(avx2_hs_scan, db, scratch)) {
    c.scan = avx2_hs_scan;
    c.path = "avx2 (the dispatched AVX-512 scanner failed the probe)";
  }
  hs_free_scratch(scratch);
  hs_free_database(db);
#endif
  return c;
}

const Choice& choice() {
  static const Choice c = choose();  // thread-safe, once per process
  return c;
}

}  // namespace

hs_error_t hs_block_scan(const hs_database_t* db, const char* data, unsigned length, hs_scratch_t* scratch,
                         match_event_handler on_match, void* context) {
  return choice().scan(db, data, length, 0, scratch, on_match, context);
}

std::string_view hs_block_scan_path() { return choice().path; }

void hs_build_platform(hs_platform_info_t& platform) {
  platform = hs_platform_info_t{};
  if (hs_populate_platform(&platform) != HS_SUCCESS) platform = hs_platform_info_t{};
  platform.cpu_features &= ~static_cast<unsigned long long>(HS_CPU_FEATURES_AVX512 | HS_CPU_FEATURES_AVX512VBMI);
}

bool hs_block_scan_runs(const hs_database_t* db) {
  if (choice().scan == &hs_scan) return true;  // the library's own dispatch runs any database
  char* info = nullptr;
  if (hs_database_info(db, &info) != HS_SUCCESS || !info) return false;
  // "Version: 5.4.9 Features: AVX2 Mode: BLOCK"
  const bool avx512 = std::string_view(info).find("AVX512") != std::string_view::npos;
  std::free(info);
  return !avx512;
}

}  // namespace rulec::rt
