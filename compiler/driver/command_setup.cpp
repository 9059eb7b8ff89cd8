// Shared command set-up: rule-set options (rules, schema, compile limits), the evaluator choice.
#include "compiler/driver/command_setup.h"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "runtime/common/progress.h"

namespace rulec::driver {

void SchemaOptions::add_to(CLI::App* cmd) {
  cmd->add_option("-s,--schema", files,
                  "Extra field schema (ECS flat JSON or fields.yml) layered over the built-in one; repeatable");
  cmd->add_option("--schema-dir", dir,
                  "Directory of ECS flat and fields.yml files to use instead of the built-in schema (ECS 9.5.0 and Elastic Defend process fields, embedded in rulec); default: $RULEC_SCHEMA_DIR when set");
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

void RuleSetOptions::add_to(CLI::App* cmd, const std::string& name, const std::string& help) {
  cmd->add_option(name, paths, help)->required();
  schema.add_to(cmd);
  cmd->add_option("--max-compile-ms", limits.max_compile_ms,
                  "Per rule: most CPU milliseconds for its analysis, planning and own wildcard set; a rule over "
                  "it is left out with the reason (0: no limit)")
      ->capture_default_str();
  cmd->add_option("--max-code-units", limits.max_code_units,
                  "Per rule: most code units (branches and bit-test words) it may compile to (0: no limit)")
      ->capture_default_str();
  cmd->add_option("--max-compile-mb", limits.max_memory_mb,
                  "Most memory (MB) one Hyperscan database may take to compile (0: no limit)")
      ->capture_default_str();
}

std::unique_ptr<LoadedRuleSet> RuleSetOptions::load() const {
  auto s = schema.load();
  if (!s) return nullptr;
  auto out = std::make_unique<LoadedRuleSet>(LoadedRuleSet{std::move(*s), {}});
  out->rules.limits = limits;
  out->rules.value_lists = value_lists;
  rt::Progress bar;
  if (progress && bar.enabled())
    out->rules.on_rule = [&](size_t done, size_t total) {
      if (done == 0 || bar.due()) bar.show(fmt::format("{}: {} of {} rules analysed", progress, done, total));
    };
  const bool ok = pipeline::load_runnable(paths, out->schema, out->rules);
  out->rules.on_rule = nullptr;
  if (!ok) return nullptr;
  return out;
}

void add_engine_option(CLI::App* cmd, std::string& engine) {
  cmd->add_option("--engine", engine,
                  "Evaluator: jit (compiled rules, the default) or interp (the reference interpreter)")
      ->check(CLI::IsMember({"jit", "interp"}));
}

std::unique_ptr<ActiveEngine> ActiveEngine::create(const std::string& name, const std::vector<plan::RuleAsts>& rules,
                                                   const std::vector<RuleTrees>& trees, const Schema& schema,
                                                   const pipeline::BuildOptions& opts) {
  auto e = std::make_unique<ActiveEngine>();
  if (name == "interp") {
    e->interp_ = std::make_unique<interp::Interpreter>(trees, schema);
    return e;
  }
  std::string error;
  e->built_ = pipeline::build(rules, schema, error, opts);
  if (!e->built_) {
    fmt::print(stderr, "rulec: cannot compile the rules: {}\n", error);
    return nullptr;
  }
  return e;
}

rt::Evaluator& ActiveEngine::evaluator() {
  if (interp_) return *interp_;
  return *built_->engine;
}

void ActiveEngine::set_now_ms(int64_t now_ms) {
  if (interp_) interp_->set_now_ms(now_ms);
  else built_->engine->set_now_ms(now_ms);
}

bool ActiveEngine::needs_now() const { return interp_ || built_->engine->needs_now(); }

const rt::FieldFilter* ActiveEngine::decode_filter() const { return built_ ? &built_->engine->filter() : nullptr; }

}  // namespace rulec::driver
