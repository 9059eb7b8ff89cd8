// Shared driver set-up: schema options and event-input skip reporting.
#include "compiler/driver/engine_setup.h"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

namespace rulec::driver {

void SchemaOptions::add_to(CLI::App* cmd) {
  cmd->add_option("-s,--schema", files,
                  "Extra field schema (ECS flat JSON or fields.yml) layered over the built-in one; repeatable");
  cmd->add_option("--schema-dir", dir,
                  "Directory of the built-in schema (default: $RULEC_SCHEMA_DIR or the build's shared/schema)");
}

std::optional<Schema> SchemaOptions::load() const {
  Diagnostic err;
  std::string d = dir;
  if (d.empty())
    if (const char* env = std::getenv("RULEC_SCHEMA_DIR")) d = env;
  auto schema = Schema::builtin(err, d);
  if (!schema) {
    fmt::print(stderr, "rulec: {}\n", err.message);
    return std::nullopt;
  }
  for (const auto& path : files) {
    if (!schema->load_file(path, err)) {
      fmt::print(stderr, "rulec: {}\n", err.message);
      return std::nullopt;
    }
  }
  return schema;
}

void add_limit_options(CLI::App* cmd, engine::CompileLimits& limits) {
  cmd->add_option("--max-compile-ms", limits.max_compile_ms,
                  "Per rule: most milliseconds for its analysis, planning and own wildcard set; a rule over it "
                  "is left out with the reason (0: no limit)")
      ->capture_default_str();
  cmd->add_option("--max-code-units", limits.max_code_units,
                  "Per rule: most code units (branches and bit-test words) it may compile to (0: no limit)")
      ->capture_default_str();
  cmd->add_option("--max-compile-mb", limits.max_memory_mb,
                  "Most memory (MB) one Hyperscan database may take to compile (0: no limit)")
      ->capture_default_str();
}

void add_engine_option(CLI::App* cmd, std::string& engine) {
  cmd->add_option("--engine", engine,
                  "Evaluator: jit (compiled rules, the default) or interp (the reference interpreter)")
      ->check(CLI::IsMember({"jit", "interp"}));
}

}  // namespace rulec::driver
