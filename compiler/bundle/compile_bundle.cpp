// Ahead-of-time compilation of a rule set into a bundle: CPU tiers, sections, manifest (rules left out are listed).
#include "compiler/bundle/compile_bundle.h"

#include <hs/hs.h>

#include <chrono>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compiler/bundle/bundle_writer.h"
#include "compiler/bundle/linker.h"
#include "compiler/pipeline/build_engine.h"
#include "runtime/common/dates.h"
#include "runtime/loader/code_loader.h"
#include "runtime/loader/sections.h"

namespace rulec::bundle {

namespace {

struct Tier {
  std::string name;                   // as asked ("native" resolved to a named tier)
  std::string llvm_cpu;
  std::vector<std::string> required;  // CPU features a sensor must have (code_loader.h names)
  unsigned long long hs_features = 0;
  bool host_databases = true;         // Hyperscan databases serialized here (same architecture)
};

bool resolve_tier(const std::string& triple, const std::string& cpu, Tier& t, std::string& error) {
  const std::string arch = triple.substr(0, triple.find('-'));
  const bool host = arch == rt::host_arch();
  std::string name = cpu;
  if (name == "native") {
    if (!host) return error = fmt::format("--cpu native needs the target to be this machine's architecture ({})", rt::host_arch()), false;
    std::string ignored;
    name = arch != "x86_64"                                ? "baseline"
           : rt::check_cpu_features({"x86-64-v4"}, ignored) ? "avx512"
           : rt::check_cpu_features({"x86-64-v3"}, ignored) ? "avx2"
                                                             : "baseline";
  }
  t = Tier{};
  t.name = name;
  t.host_databases = host;
  if (arch == "x86_64") {
    if (name == "baseline") t.llvm_cpu = "x86-64", t.required = {"x86-64"};
    else if (name == "avx2") t.llvm_cpu = "x86-64-v3", t.required = {"x86-64-v3"}, t.hs_features = HS_CPU_FEATURES_AVX2;
    // The AVX-512 tier's code is x86-64-v4, its databases AVX2's: Vectorscan 5.4.9's AVX-512
    // scanner loses matches, and the AVX2 scanner that stands in for it runs databases built
    // without AVX-512 features only (runtime/eval/hs_block_scan.h).
    else if (name == "avx512")
      t.llvm_cpu = "x86-64-v4", t.required = {"x86-64-v4"}, t.hs_features = HS_CPU_FEATURES_AVX2;
    else return error = fmt::format("unknown CPU tier '{}' (baseline, avx2, avx512 or native)", cpu), false;
  } else if (arch == "aarch64") {
    if (name != "baseline") return error = fmt::format("CPU tier '{}' is not available for {} (use baseline)", cpu, triple), false;
    t.llvm_cpu = "generic", t.required = {"armv8-a"};
  } else {
    return error = fmt::format("unsupported target {}: x86_64-linux-gnu and aarch64-linux-gnu are", triple), false;
  }
  if (triple.find("-linux") == std::string::npos) return error = fmt::format("unsupported target {}: only Linux targets", triple), false;
  return true;
}

std::string label(const std::string& id, const std::string& name) { return fmt::format("{} \"{}\"", id, name); }

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  for (size_t pos = 0;;) {
    const size_t comma = s.find(',', pos);
    out.push_back(s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) return out;
    pos = comma + 1;
  }
}

struct Variant {
  std::string target;
  std::string asked;  // the --cpu name it came from
  Tier tier;
};

// Every target × tier pair the options name. One pair: its error as it is. Several: a tier a
// target does not have (avx2 on aarch64, native on another architecture) is skipped; an unknown
// target or tier name is an error; the same target and tier twice is one variant.
bool plan_variants(const CompileOptions& opts, std::vector<Variant>& out, std::string& error) {
  const auto targets = split_list(opts.target), cpus = split_list(opts.cpu);
  const bool several = targets.size() * cpus.size() > 1;
  Tier ignored;
  for (const auto& target : targets)
    if (!resolve_tier(target, "baseline", ignored, error)) return false;
  for (const auto& cpu : cpus)
    if (!resolve_tier("x86_64-linux-gnu", cpu == "native" ? "baseline" : cpu, ignored, error)) return false;
  for (const auto& target : targets)
    for (const auto& cpu : cpus) {
      Variant v{target, cpu, {}};
      std::string why;
      if (!resolve_tier(target, cpu, v.tier, why)) {
        if (!several) return error = why, false;
        continue;
      }
      bool seen = false;
      for (const auto& o : out) seen = seen || (o.target == target && o.tier.name == v.tier.name);
      if (!seen) out.push_back(std::move(v));
    }
  if (out.empty()) return error = fmt::format("no CPU tier of --cpu {} exists for --target {}", opts.cpu, opts.target), false;
  if (out.size() > kMaxVariants) return error = fmt::format("{} variants: a bundle holds at most {}", out.size(), kMaxVariants), false;
  return true;
}

}  // namespace

bool compile_bundle(const pipeline::LoadedRules& loaded, const Schema& schema, const CompileOptions& opts, std::string& bytes,
                    CompileReport& report, std::string& error) {
  const auto t0 = std::chrono::steady_clock::now();
  report = CompileReport{};
  std::vector<Variant> variants;
  if (!plan_variants(opts, variants, error)) return false;
  report.tier = variants[0].tier.name;
  for (const auto& [rule, why] : loaded.left_out) report.excluded.emplace_back(label(rule->rule_id, rule->name), why);

  BundleParts parts;
  std::vector<rt::BundledRule> bundled;
  for (size_t i = 0; i < loaded.infos.size(); ++i) {
    const Rule* src = loaded.analyzed[i].rule;
    bundled.push_back(rt::BundledRule{loaded.infos[i], src->query, src->language, src->origin.path});
  }
  rt::ByteWriter w;
  rt::encode_rules(w, bundled, bundle::kFormatVersion, opts.data);
  parts.rules = w.take();

  // Each variant is built from the same plan: its program tables must come out byte-identical
  // (one program section serves them all); its code and databases are its own.
  const auto rules = loaded.plan_rules();
  rt::CompiledProgram prog;
  nlohmann::ordered_json mv = nlohmann::ordered_json::array();
  for (size_t vi = 0; vi < variants.size(); ++vi) {
    const Variant& v = variants[vi];
    hs_platform_info_t platform{};
    platform.tune = HS_TUNE_FAMILY_GENERIC;
    platform.cpu_features = v.tier.hs_features;
    pipeline::BuildOptions bo = loaded.build_options();
    bo.jit = false;
    bo.object = codegen::ObjectOptions{v.target, v.tier.llvm_cpu, ""};
    bo.strings.platform = &platform;
    bo.strings.keep_databases = v.tier.host_databases;
    std::optional<pipeline::Built> built = pipeline::build(rules, schema, error, bo);
    if (!built) return false;
    std::string so;
    if (!link_shared_object(built->object, v.target, so, error)) return false;
    rt::CompiledProgram vprog = pipeline::program_tables(*built);
    rt::encode_program(w, vprog);
    std::string program = w.take();
    if (vi == 0) {
      parts.program = std::move(program);
    } else if (program != parts.program) {
      return error = fmt::format("internal error: the {} {} variant's program tables differ from the {} {} variant's", v.target,
                                 v.tier.name, variants[0].target, variants[0].tier.name),
             false;
    }
    rt::encode_databases(w, vprog.groups);
    std::string databases = w.take();

    nlohmann::ordered_json d;
    d["target"] = v.target;
    d["cpu"] = {{"tier", v.tier.name}, {"asked", v.asked}, {"llvm_cpu", v.tier.llvm_cpu}, {"required", v.tier.required}};
    auto& md = d["databases"] = nlohmann::ordered_json::array();
    size_t count = 0, at_load = 0;
    for (size_t g = 0; g < vprog.groups.size(); ++g) {
      const auto& grp = vprog.groups[g];
      if (grp.patterns.empty()) continue;
      ++count;
      if (grp.database.empty()) ++at_load;
      md.push_back({{"group", g},
                    {"field", vprog.slot_paths[grp.slot]},
                    {"patterns", grp.patterns.size()},
                    {"bytes", grp.database.size()},
                    {"hash", grp.database.empty() ? std::string("(built at load)") : hash_hex(grp.database)}});
    }
    d["code"] = {{"bytes", so.size()}, {"hash", hash_hex(so)}};
    mv.push_back(std::move(d));
    report.variants.push_back(fmt::format("{} {}", v.target, v.tier.name));
    report.code_bytes += so.size();
    if (vi == 0) {
      report.databases = count, report.databases_rebuilt_at_load = at_load;
      parts.databases = std::move(databases), parts.code = std::move(so);
      prog = std::move(vprog);
    } else {
      parts.more.push_back({std::move(databases), std::move(so)});
    }
  }

  nlohmann::ordered_json m;
  m["format_version"] = kFormatVersion;
  m["rulec_version"] = RULEC_VERSION;
  std::string hs = hs_version();
  while (!hs.empty() && hs.back() == ' ') hs.pop_back();
  m["hyperscan_version"] = hs;
  m["variants"] = std::move(mv);
  m["created"] = iso8601_ms(opts.created_ms);
  auto& mr = m["rules"] = nlohmann::ordered_json::array();
  for (const auto& r : bundled) {
    rt::ByteWriter one;
    rt::encode_rules(one, {r});
    mr.push_back({{"rule_id", r.info.rule_id}, {"name", r.info.name}, {"type", r.info.type_name}, {"hash", hash_hex(one.bytes())}});
  }
  auto& me = m["excluded"] = nlohmann::ordered_json::array();
  for (const auto& [who, why] : report.excluded) me.push_back({{"rule", who}, {"reason", why}});
  auto& mf = m["fields"] = nlohmann::ordered_json::array();
  for (const auto& path : prog.slot_paths) {
    const FieldInfo fi = schema.lookup(path);
    mf.push_back({{"path", path}, {"type", to_string(fi.type)}, {"known", fi.known}, {"ignore_above", fi.ignore_above},
                  {"lowercase", fi.lowercase}});
  }
  m["subtrees"] = prog.subtrees;
  parts.manifest = m.dump(1);

  bytes = write_bundle(parts, opts.key, opts.signed_at_ms);
  report.rules = bundled.size();
  report.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return true;
}

}  // namespace rulec::bundle
