// The bundle loader: ordered verification, section decoding, code mapping and engine assembly.
#include "runtime/loader/bundle_loader.h"

#include <chrono>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "runtime/loader/code_loader.h"

namespace rulec::rt {

namespace {

using bundle::SectionId;

bool check_manifest(const nlohmann::json& m, std::string& error) {
  if (!m.is_object() || !m.contains("target") || !m["target"].is_string() || !m.contains("cpu") || !m["cpu"].is_object() ||
      !m["cpu"].contains("required") || !m["cpu"]["required"].is_array()) {
    error = "manifest: missing target or CPU requirements";
    return false;
  }
  if (!check_target(m["target"].get<std::string>(), error)) return false;
  std::vector<std::string> required;
  for (const auto& f : m["cpu"]["required"]) {
    if (!f.is_string()) return error = "manifest: a CPU feature is not a string", false;
    required.push_back(f.get<std::string>());
  }
  return check_cpu_features(required, error);
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
  if (!check_manifest(out->manifest, error)) return nullptr;
  if (!decode_rules(view.section(SectionId::Rules), out->rules, error, view.format_version)) return nullptr;
  CompiledProgram prog;
  if (!decode_program(view.section(SectionId::Program), prog, error, view.format_version)) return nullptr;
  if (!decode_databases(view.section(SectionId::Databases), prog.groups, error)) return nullptr;
  if (prog.rule_count != out->rules.size())
    return error = fmt::format("program: {} rules, but the rules section holds {}", prog.rule_count, out->rules.size()), nullptr;

  MappedCode code;
  if (!map_code(view.section(SectionId::Code), code, error)) return nullptr;
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
