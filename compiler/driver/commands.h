// The rulec subcommands: each registers its options on the CLI and runs after parsing.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace rulec::driver {

// Exit codes (like yr and jq): 0 success, 1 findings or user error, 2 usage error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;

// Registers a subcommand on `app` and returns the function that runs it once parsing succeeded.
using Runner = std::function<int()>;
Runner add_parse_command(CLI::App& app);
Runner add_check_command(CLI::App& app);
Runner add_match_command(CLI::App& app);
Runner add_run_command(CLI::App& app);
Runner add_explain_command(CLI::App& app);
Runner add_bench_command(CLI::App& app);
Runner add_compile_command(CLI::App& app);
Runner add_keygen_command(CLI::App& app);
Runner add_inspect_command(CLI::App& app);
Runner add_test_command(CLI::App& app);
Runner add_help_command(CLI::App& app);

// Reads a whole file ("-" for stdin) into `out`, with room for `spare` more bytes; false (with a
// message on stderr) on failure.
bool read_input(const std::string& path, std::string& out, size_t spare = 0);

}  // namespace rulec::driver
