// One Hyperscan block-mode scan entry for the whole project, steered around a broken SIMD path.
#pragma once

#include <hs/hs.h>

#include <string_view>

namespace rulec::rt {

// hs_scan, except where this process's Vectorscan is known to lose matches: Debian's Vectorscan
// 5.4.9 fat runtime dispatches to its AVX-512 scanner on CPUs that have AVX-512, and that scanner
// drops matches of literal sets past the first 64 bytes of a buffer (`(-o|-k)` misses about one
// position in ten over buffers of 1-300 bytes; the AVX2, SSE4.2 and SSE3 scanners of the same
// library agree with each other on all of them). The first call probes the dispatched scanner on
// such a case; if it misses and the library exports its AVX2 scanner, that scanner is used from
// then on. A fixed library passes the probe and keeps its own dispatch. The AVX2 scanner runs
// databases built without AVX-512 features only (one built with them can crash it or miss
// matches): every database rulec builds is built for hs_build_platform(), and a loaded one that
// hs_block_scan_runs() refuses is rebuilt from its patterns.
hs_error_t hs_block_scan(const hs_database_t* db, const char* data, unsigned length, hs_scratch_t* scratch,
                         match_event_handler on_match, void* context);

// The platform rulec builds databases for: this host's, without its AVX-512 features (on this
// machine Vectorscan's AVX2 and AVX-512 databases scan literal sets equally fast; see the README).
void hs_build_platform(hs_platform_info_t& platform);

// False for a database hs_block_scan cannot run here: built with AVX-512 features while the AVX2
// scanner stands in for the dispatched one.
bool hs_block_scan_runs(const hs_database_t* db);

// Which scanner hs_block_scan uses, for `--version` and bench reports: "dispatched" or
// "avx2 (the dispatched AVX-512 scanner failed the probe)".
std::string_view hs_block_scan_path();

}  // namespace rulec::rt
