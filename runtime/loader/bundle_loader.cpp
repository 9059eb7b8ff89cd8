// The bundle loader: ordered verification, section decoding, code mapping and engine assembly.
#include "runtime/loader/bundle_loader.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>

#include <fmt/format.h>

#include "runtime/loader/code_loader.h"
#include "runtime/loader/database_cache.h"

namespace rulec::rt {

namespace {

using bundle::SectionId;

// One variant as the manifest describes it.
struct VariantDesc {
  std::string target, tier;
  std::vector<std::string> required;
};

bool read_variant(const nlohmann::json& v, VariantDesc& out, std::string& error) {
  if (!v.is_object() || !v.contains("target") || !v["target"].is_string() || !v.contains("cpu") || !v["cpu"].is_object() ||
      !v["cpu"].contains("required") || !v["cpu"]["required"].is_array()) {
    error = "manifest: missing target or CPU requirements";
    return false;
  }
  out.target = v["target"].get<std::string>();
  out.tier = v["cpu"].contains("tier") && v["cpu"]["tier"].is_string() ? v["cpu"]["tier"].get<std::string>() : "?";
  for (const auto& f : v["cpu"]["required"]) {
    if (!f.is_string()) return error = "manifest: a CPU feature is not a string", false;
    out.required.push_back(f.get<std::string>());
  }
  return true;
}

// The variants the manifest lists: one per databases + code pair of the container (before format
// 5, the manifest's top-level target and cpu describe the only one).
bool read_variants(const nlohmann::json& m, const BundleView& view, std::vector<VariantDesc>& out, std::string& error) {
  if (!m.is_object()) return error = "manifest: not a JSON object", false;
  if (view.format_version < bundle::kFirstVariantsFormat) {
    out.resize(1);
    return read_variant(m, out[0], error);
  }
  if (!m.contains("variants") || !m["variants"].is_array() || m["variants"].size() != view.variant_count) {
    error = fmt::format("manifest: the variants do not list the bundle's {} code sections", view.variant_count);
    return false;
  }
  out.resize(view.variant_count);
  for (uint32_t i = 0; i < view.variant_count; ++i)
    if (!read_variant(m["variants"][i], out[i], error)) return error = fmt::format("variant {}: {}", i + 1, error), false;
  return true;
}

int tier_rank(const std::string& tier) { return tier == "avx512" ? 3 : tier == "avx2" ? 2 : tier == "baseline" ? 1 : 0; }

// The best variant this machine runs (the highest CPU tier; the first of equals). False with why
// none runs: a one-variant bundle's own reason, or each variant's.
bool choose_variant(const std::vector<VariantDesc>& variants, uint32_t& chosen, std::string& error) {
  int best = -1;
  std::string reasons;
  for (uint32_t i = 0; i < variants.size(); ++i) {
    std::string why;
    if (!check_target(variants[i].target, why) || !check_cpu_features(variants[i].required, why)) {
      if (variants.size() == 1) return error = why, false;
      reasons += fmt::format("; {} {}: {}", variants[i].target, variants[i].tier, why);
      continue;
    }
    if (tier_rank(variants[i].tier) > best) best = tier_rank(variants[i].tier), chosen = i;
  }
  if (best < 0)
    return error = fmt::format("none of the bundle's {} variants runs on this machine ({}){}", variants.size(), host_arch(), reasons), false;
  return true;
}

}  // namespace

std::vector<RuleInfo> LoadedBundle::infos() const {
  std::vector<RuleInfo> out;
  out.reserve(rules.size());
  for (const auto& r : rules) out.push_back(r.info);
  return out;
}

bool read_whole_file(const std::string& path, std::string& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error = fmt::format("cannot open {}: {}", path, std::strerror(errno)), false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return error = fmt::format("cannot read {}: {}", path, std::strerror(errno)), false;
  return true;
}

std::unique_ptr<LoadedBundle> load_bundle(std::string_view bytes, const LoadOptions& options, std::string& error) {
  const auto t0 = std::chrono::steady_clock::now();
  BundleView view;
  if (!parse_bundle(bytes, view, error)) return nullptr;
  auto out = std::make_unique<LoadedBundle>();
  out->signature = view.signature;
  if (options.trusted && (view.signature.present || !options.allow_unsigned)) {
    if (!verify_bundle_signature(view, *options.trusted, error)) return nullptr;
  } else if (!options.allow_unsigned) {
    error = view.signature.present
                ? fmt::format("the bundle is signed by key {}, but no trusted key was given (--trusted-key PUB)",
                              key_fingerprint(view.signature.key))
                : "the bundle is not signed and no trusted key was given (sign it, or pass --allow-unsigned)";
    return nullptr;
  } else {
    out->notes += view.signature.present ? "signature not checked (no trusted key); " : "unsigned bundle accepted (--allow-unsigned); ";
  }

  out->manifest = nlohmann::json::parse(view.section(SectionId::Manifest), nullptr, false);
  if (out->manifest.is_discarded()) return error = "manifest: not valid JSON", nullptr;
  std::vector<VariantDesc> variants;
  uint32_t v = 0;
  if (!read_variants(out->manifest, view, variants, error) || !choose_variant(variants, v, error)) return nullptr;
  out->target = variants[v].target, out->tier = variants[v].tier;
  out->variant = v, out->variant_count = view.variant_count;
  if (variants.size() > 1) {
    std::string all;
    for (const auto& d : variants) all += fmt::format("{}{} {}", all.empty() ? "" : ", ", d.target, d.tier);
    out->notes += fmt::format("variant {} of {} chosen ({}); ", v + 1, variants.size(), all);
  }
  if (!decode_rules(view.section(SectionId::Rules), out->rules, error, view.format_version, &out->data)) return nullptr;
  CompiledProgram prog;
  if (!decode_program(view.section(SectionId::Program), prog, error, view.format_version)) return nullptr;
  if (!decode_databases(view.section(SectionId::Databases, v), prog.groups, error)) return nullptr;
  // Databases this machine cannot take from the bundle come from the cache when it holds a
  // verified entry for this bundle, variant and platform; otherwise they are rebuilt and stored.
  std::optional<DatabaseCacheKey> cache;
  if (!options.cache_dir.empty()) {
    const size_t foreign = std::count_if(prog.groups.begin(), prog.groups.end(), [](const auto& g) { return !database_loads(g); });
    if (foreign) {
      cache = database_cache_key(options.cache_dir, view.checksum, v);
      std::string why;
      switch (read_database_cache(*cache, prog.groups, why)) {
        case CacheRead::Hit:
          out->databases_cached = foreign;
          out->notes += fmt::format("{} Hyperscan databases loaded from the cache ({}); ", foreign, cache->file);
          cache.reset();
          break;
        case CacheRead::Refused: out->notes += fmt::format("cache entry {} not used ({}); ", cache->file, why); break;
        case CacheRead::Missing: break;
      }
    }
  }
  if (prog.rule_count != out->rules.size())
    return error = fmt::format("program: {} rules, but the rules section holds {}", prog.rule_count, out->rules.size()), nullptr;

  MappedCode code;
  if (!map_code(view.section(SectionId::Code, v), code, error)) return nullptr;
  if (code.rule_count != prog.rule_count || code.atom_count != prog.atom_count || code.memo_count != prog.memo_count) {
    error = fmt::format("code was generated for {} rules, {} atoms, {} memo slots; the program has {}, {}, {}", code.rule_count,
                        code.atom_count, code.memo_count, prog.rule_count, prog.atom_count, prog.memo_count);
    return nullptr;
  }
  prog.fn = code.fn;
  prog.code = code.handle;
  const auto t1 = std::chrono::steady_clock::now();
  out->engine = CompiledEngine::create(std::move(prog), error);
  if (!out->engine) return nullptr;
  if (size_t n = out->engine->databases_rebuilt()) {
    out->rebuild_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
    out->notes += fmt::format("{} Hyperscan databases rebuilt from their patterns (serialized for another CPU or library version); ", n);
    if (cache) {
      std::string why;
      out->notes += write_database_cache(*cache, out->engine->string_groups(), why)
                        ? fmt::format("stored in the cache ({}); ", cache->file)
                        : fmt::format("not stored in the cache: {}; ", why);
    }
  }
  if (!out->notes.empty()) out->notes.resize(out->notes.size() - 2);
  out->load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

std::unique_ptr<LoadedBundle> load_bundle_file(const std::string& path, const LoadOptions& options, std::string& error) {
  std::string bytes;
  if (!read_whole_file(path, bytes, error)) return nullptr;
  auto b = load_bundle(bytes, options, error);
  if (!b) error = fmt::format("{}: {}", path, error);
  return b;
}

}  // namespace rulec::rt
