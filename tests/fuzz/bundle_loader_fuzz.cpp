// libFuzzer target: the bundle loader. The input replaces the manifest, rules, program and database
// sections of a valid bundle (split at "\x00SECTION\x00"), under a recomputed checksum, so the
// section decoders are reached; the code stays the valid one (code is trusted once signed).
// Inputs without separators are loaded as whole files too (container parsing).
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/bundle/bundle_writer.h"
#include "compiler/bundle/compile_bundle.h"
#include "runtime/decoder/decoder.h"
#include "runtime/loader/bundle_loader.h"

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
    using S = bundle::SectionId;
    return bundle::BundleParts{std::string(v.section(S::Manifest)), std::string(v.section(S::Rules)),
                               std::string(v.section(S::Program)), std::string(v.section(S::Databases)),
                               std::string(v.section(S::Code))};
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
