// Shared driver set-up: schema options, event-input skip reporting, engine choice.
#pragma once

#include "runtime/sensor/detect_loop.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "compiler/engine/compile_limits.h"
#include "compiler/frontend/schema.h"
#include "runtime/decoder/decoder.h"

namespace rulec::driver {

struct SchemaOptions {
  std::vector<std::string> files;
  std::string dir;
  void add_to(CLI::App* cmd);
  // The built-in schema with the user's files layered on; prints the reason and returns nullopt on failure.
  std::optional<Schema> load() const;
};

// `--max-compile-ms`, `--max-code-units`, `--max-compile-mb` on a subcommand.
void add_limit_options(CLI::App* cmd, engine::CompileLimits& limits);

// `--engine jit|interp` on a subcommand.
void add_engine_option(CLI::App* cmd, std::string& engine);

// Prints each skipped input line to stderr as `rulec: PATH:LINE: skipped: REASON`.
inline void report_skips_to_stderr(rt::EventReader& reader) { rt::report_skips_to_stderr(reader, "rulec"); }

}  // namespace rulec::driver
