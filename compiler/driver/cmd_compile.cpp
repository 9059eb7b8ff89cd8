// `rulec compile RULES... -o FILE.rbundle`: ahead-of-time compilation into a (signed) rule bundle.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "compiler/bundle/compile_bundle.h"
#include "compiler/bundle/keys.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/command_setup.h"
#include "runtime/common/durable_file.h"
#include "runtime/common/progress.h"
#include "runtime/common/dates.h"
#include "runtime/loader/bundle_loader.h"
#include "runtime/sensor/stream_options.h"
#include "runtime/state/indicator_index.h"
#include "runtime/state/value_lists.h"

namespace rulec::driver {

namespace {

struct CompileOptions {
  RuleSetOptions rules;
  std::string output;
  std::string target = "x86_64-linux-gnu";
  std::string cpu = "baseline";
  std::string sign;
  std::vector<std::pair<std::string, std::string>> value_lists;  // carried in the bundle
  std::vector<std::string> sensor_value_lists;                    // ids the sensor gives (--value-list there)
  std::vector<std::string> indicators;                            // feeds carried in the bundle
};

// The feeds and lists to carry, read and checked as the sensor will load them (bad lines reported).
bool read_carried(const CompileOptions& o, const std::vector<rt::RuleInfo>& rules, std::vector<rt::BundledData>& data) {
  std::string error;
  auto report = [](const std::string& line) { fmt::print(stderr, "rulec compile: {}\n", line); };
  if (!o.indicators.empty() && !rt::IndicatorIndex::load(o.indicators, rules, wall_clock_ms(), error, report)) {
    fmt::print(stderr, "rulec compile: {}\n", error);
    return false;
  }
  if (!o.value_lists.empty() && !rt::ValueLists::load(o.value_lists, rules, error, report)) {
    fmt::print(stderr, "rulec compile: {}\n", error);
    return false;
  }
  auto add = [&](rt::BundledData::Kind kind, const std::string& name, const std::string& path) {
    rt::BundledData d{kind, name, {}};
    if (!rt::read_whole_file(path, d.bytes, error)) {
      fmt::print(stderr, "rulec compile: {}\n", error);
      return false;
    }
    data.push_back(std::move(d));
    return true;
  };
  for (const auto& path : o.indicators)
    if (!add(rt::BundledData::Kind::IndicatorFeed, std::filesystem::path(path).filename().string(), path)) return false;
  for (const auto& [id, path] : o.value_lists)
    if (!add(rt::BundledData::Kind::ValueList, id, path)) return false;
  return true;
}

// Reproducible creation time: $SOURCE_DATE_EPOCH, else the newest rule file's modification time.
int64_t creation_ms(const pipeline::LoadedRules& loaded) {
  if (const char* e = std::getenv("SOURCE_DATE_EPOCH")) return std::strtoll(e, nullptr, 10) * 1000;
  int64_t newest = 0;
  for (const auto& a : loaded.analyzed) {
    struct stat st {};
    if (::stat(a.rule->origin.path.c_str(), &st) == 0) newest = std::max<int64_t>(newest, int64_t{st.st_mtim.tv_sec} * 1000);
  }
  return newest;
}

// Writes `bytes` to `path` through a temporary file renamed over it, so a sensor watching the
// path never sees a partial bundle. "-" is stdout.
bool write_output(const std::string& path, const std::string& bytes, std::string& error) {
  if (path == "-") {
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() || std::fflush(stdout) != 0)
      return error = fmt::format("cannot write to stdout: {}", std::strerror(errno)), false;
    return true;
  }
  return rt::replace_file_durably(path, bytes, error, 0644);
}

}  // namespace

Runner add_compile_command(CLI::App& app) {
  auto opts = std::make_shared<CompileOptions>();
  CLI::App* cmd = app.add_subcommand("compile", "Compile rules ahead of time into a bundle for rulesensor");
  cmd->add_option("-o,--output", opts->output,
                  "The bundle to write (.rbundle; an existing file is replaced whole, by rename); - for stdout")
      ->required();
  cmd->add_option("--target", opts->target,
                  "Target triples, comma-separated: x86_64-linux-gnu, aarch64-linux-gnu (one code variant per target and CPU tier)");
  cmd->add_option("--cpu", opts->cpu,
                  "CPU tiers of the code and Hyperscan databases, comma-separated: baseline, avx2, avx512, native "
                  "(tiers a target lacks are skipped when several are given; the sensor runs the best its CPU has)")
      ->check(CLI::Validator(
          [](std::string& v) {
            for (size_t pos = 0; pos <= v.size();) {
              const size_t comma = std::min(v.find(',', pos), v.size());
              const std::string tier = v.substr(pos, comma - pos);
              if (tier != "baseline" && tier != "avx2" && tier != "avx512" && tier != "native")
                return "unknown CPU tier '" + tier + "' (baseline, avx2, avx512, native)";
              pos = comma + 1;
            }
            return std::string();
          },
          "TIER[,TIER...]"));
  cmd->add_option("--sign", opts->sign, "Sign with this secret key (NAME.key from `rulec keygen`)");
  rt::add_value_list_option(cmd, opts->value_lists);
  cmd->add_option("--sensor-value-list", opts->sensor_value_lists,
                  "Keep the rules naming value list ID without carrying it: the sensor gives its file (--value-list "
                  "ID=FILE there); repeatable")
      ->type_name("ID");
  cmd->add_option("--indicators", opts->indicators,
                  "Carry this indicator feed in the bundle for its threat_match rules (repeatable; a sensor's own "
                  "--indicators replace the carried feeds)")
      ->type_name("FILE");
  opts->rules.add_to(cmd);
  cmd->footer(
      "The bundle holds native code (LLVM, linked by lld), the Hyperscan databases and their patterns,\n"
      "the rule metadata and a manifest, under a checksum and an optional Ed25519 signature. Rules that\n"
      "cannot be compiled are listed and left out. The same rules give a byte-identical bundle (the\n"
      "creation time is $SOURCE_DATE_EPOCH or the newest rule file's time; only a signature's time varies).\n"
      "On a terminal, stderr shows how many rules are analysed, then that the bundle is being built.\n"
      "Exit status: 0 bundle written, 1 error (no rule, target, I/O), 2 usage.\n"
      "Examples:\n"
      "  rulec keygen build && rulec compile rules/ -o rules.rbundle --sign build.key\n"
      "  rulec compile rules/ -o arm.rbundle --target aarch64-linux-gnu --sign build.key\n"
      "  rulec compile rules/ -o fleet.rbundle --target x86_64-linux-gnu,aarch64-linux-gnu --cpu baseline,avx2,avx512 --sign build.key");
  return [opts]() {
    std::string error;
    bundle::SecretKey key;
    if (!opts->sign.empty() && !bundle::read_secret_key(opts->sign, key, error)) {
      fmt::print(stderr, "rulec: {}\n", error);
      return kExitFindings;
    }
    opts->rules.progress = "rulec compile";
    opts->rules.value_lists = rt::value_list_ids(opts->value_lists);
    for (const auto& id : opts->sensor_value_lists) opts->rules.value_lists.push_back(id);
    const auto set = opts->rules.load();
    if (!set) return kExitFindings;
    const pipeline::LoadedRules& loaded = set->rules;
    rt::Progress progress;  // one line while the bundle is built (on a terminal)
    progress.show(fmt::format("rulec compile: {} of {} rules analysed; compiling for {} {}", loaded.set.rules.size(),
                              loaded.set.rules.size(), opts->target, opts->cpu));
    bundle::CompileOptions co;
    co.target = opts->target;
    co.cpu = opts->cpu;
    co.key = opts->sign.empty() ? nullptr : &key;
    co.created_ms = creation_ms(loaded);
    if (!read_carried(*opts, loaded.infos, co.data)) return kExitFindings;
    co.signed_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::string bytes;
    bundle::CompileReport rep;
    const bool compiled = bundle::compile_bundle(loaded, set->schema, co, bytes, rep, error);
    progress.clear();
    if (!compiled) {
      fmt::print(stderr, "rulec: compile: {}\n", error);
      return kExitFindings;
    }
    if (!write_output(opts->output, bytes, error)) {
      fmt::print(stderr, "rulec: {}\n", error);
      return kExitFindings;
    }
    for (const auto& [who, why] : rep.excluded) fmt::print(stderr, "rulec: left out {}: {}\n", who, why);
    std::string variants;
    for (const auto& v : rep.variants) variants += (variants.empty() ? "" : " + ") + v;
    fmt::print(stderr, "rulec compile: {} -> {} ({} bytes, {}, code {} bytes, {} Hyperscan databases{}), {}, {:.0f} ms; {} rules left out\n",
               loaded.rules_text(), opts->output, bytes.size(), variants, rep.code_bytes, rep.databases,
               rep.databases_rebuilt_at_load ? fmt::format(" built at load on the target", rep.databases_rebuilt_at_load) : "",
               co.key ? "signed by " + rt::key_fingerprint(key.public_key()) : std::string("unsigned"), rep.ms,
               rep.excluded.size());
    return kExitOk;
  };
}

Runner add_keygen_command(CLI::App& app) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("keygen", "Create an Ed25519 key pair for signing bundles");
  cmd->add_option("name", *name, "Writes NAME.key (secret, mode 0600) and NAME.pub")->required();
  cmd->footer("Existing files are never overwritten. Exit status: 0 written, 1 error, 2 usage.\nExample:\n  rulec keygen build   # build.key, build.pub");
  return [name]() {
    std::string error;
    if (!bundle::generate_key_pair(*name, error)) {
      fmt::print(stderr, "rulec: keygen: {}\n", error);
      return kExitFindings;
    }
    rt::PublicKey pk;
    if (!rt::read_public_key(*name + ".pub", pk, error)) {
      fmt::print(stderr, "rulec: keygen: {}\n", error);
      return kExitFindings;
    }
    fmt::print("{}.key (secret), {}.pub: key {}\n", *name, *name, rt::key_fingerprint(pk));
    return kExitOk;
  };
}

}  // namespace rulec::driver
