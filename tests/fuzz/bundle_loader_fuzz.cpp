// libFuzzer target: the bundle loader. The input replaces the manifest, rules, program and database
// sections of a valid bundle (split at "\x00SECTION\x00"), under a recomputed checksum, so the
// section decoders are reached; the code stays the valid one (code is trusted once signed).
// Inputs without separators are loaded as whole files too (container parsing). Inputs starting
// "CACHE" are a database cache entry's body after its key: the harness adds the magic, version
// and the right key in front and a valid checksum behind, so the entry decoder is reached.
#include <sodium.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/bundle/bundle_writer.h"
#include "compiler/bundle/compile_bundle.h"
#include "runtime/decoder/decoder.h"
#include "runtime/common/byte_io.h"
#include "runtime/loader/bundle_loader.h"
#include "runtime/loader/database_cache.h"
#include "runtime/loader/sections.h"

namespace {

const rulec::bundle::BundleParts& good() {
  static const rulec::bundle::BundleParts parts = [] {
    using namespace rulec;
    Diagnostic err;
    static const Schema schema = *Schema::builtin(err, std::string(RULEC_SHARED_DIR) + "/schema");
    pipeline::LoadedRules loaded;
    if (!pipeline::load_runnable({std::string(RULEC_SOURCE_DIR) + "/rules"}, schema, loaded)) std::abort();
    std::string bytes, error;
    bundle::CompileReport rep;
    if (!bundle::compile_bundle(loaded, schema, {}, bytes, rep, error)) std::abort();
    rt::BundleView v;
    if (!rt::parse_bundle(bytes, v, error)) std::abort();
    return bundle::parts_of(v);
  }();
  return parts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rulec;
  const std::string in(reinterpret_cast<const char*>(data), size);
  rt::LoadOptions allow;
  allow.allow_unsigned = true;
  std::string error;
  static const std::string kSep("\0SECTION\0", 9);
  std::vector<std::string> pieces;
  for (size_t pos = 0;;) {
    const size_t next = in.find(kSep, pos);
    pieces.push_back(in.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
    if (next == std::string::npos) break;
    pos = next + kSep.size();
  }
  if (in.rfind("CACHE", 0) == 0) {
    static const std::vector<rt::StringGroupSpec> groups = [] {
      rt::CompiledProgram prog;
      std::string e;
      if (!rt::decode_program(good().program, prog, e) || !rt::decode_databases(good().databases, prog.groups, e)) std::abort();
      return prog.groups;
    }();
    static const rt::DatabaseCacheKey key = rt::database_cache_key("/nonexistent", {}, 0);
    // A valid entry for no database, cut after the key, then the input, then the checksum.
    const std::string empty = rt::encode_database_cache(key, {});
    std::string entry = empty.substr(0, 8 + 4 + bundle::kHashSize) + in.substr(5);
    std::array<uint8_t, bundle::kHashSize> sum{};
    crypto_generichash(sum.data(), sum.size(), reinterpret_cast<const unsigned char*>(entry.data()), entry.size(), nullptr, 0);
    entry.append(reinterpret_cast<const char*>(sum.data()), sum.size());
    std::vector<rt::StringGroupSpec> copy = groups;
    if (rt::decode_database_cache(entry, key, copy, error)) {
      size_t rebuilt = 0;
      auto m = rt::StringMatcher::create(copy, 1024, error, &rebuilt);
      if (m && rebuilt) std::abort();  // every database it accepted must load
    }
    return 0;
  }
  if (pieces.size() < 4) {
    (void)rt::load_bundle(in, allow, error);
    return 0;
  }
  bundle::BundleParts p = good();
  p.manifest = pieces[0], p.rules = pieces[1], p.program = pieces[2], p.databases = pieces[3];
  auto b = rt::load_bundle(bundle::write_bundle(p, nullptr, 0), allow, error);
  if (b) {
    rt::Decoder dec;
    rt::Event ev;
    rt::RuleBits bits;
    if (dec.decode(R"({"process":{"name":"bash","parent":{"name":"nginx"}},"event":{"category":"process"}})", ev) ==
        rt::DecodeError::None)
      b->engine->evaluate(ev, bits);
  }
  return 0;
}
