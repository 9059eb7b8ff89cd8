// `rulec match --query QUERY [FILE...|-]`: prints the events a KQL or EQL query matches, as they were (like grep).
#include <chrono>
#include <deque>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/command_setup.h"
#include "compiler/frontend/eql_lower.h"
#include "compiler/frontend/eql_parser.h"
#include "compiler/frontend/parser.h"
#include "compiler/frontend/semantic.h"
#include "compiler/pipeline/loaded_rules.h"

namespace rulec::driver {

namespace {

// The query as a tree the engines run, with EQL's pipes; nullopt (after saying why) on a bad query.
struct MatchQuery {
  kql::NodePtr tree;
  std::vector<eql::Pipe> pipes;
};

std::optional<MatchQuery> match_query(const std::string& language, const std::string& text, const Schema& schema) {
  MatchQuery q;
  std::vector<Diagnostic> diags;
  if (language == "eql") {
    auto parsed = eql::parse(text);
    if (!parsed) {
      fmt::print(stderr, "{}\n", render(*parsed.error, text));
      return std::nullopt;
    }
    if (parsed.query->kind != eql::QueryKind::Event) {
      fmt::print(stderr, "rulec match: EQL {} are not run by rulec yet; give an event query (category where ...)\n",
                 parsed.query->kind == eql::QueryKind::Sequence ? "sequences" : "samples");
      return std::nullopt;
    }
    eql::LoweredFilter low = eql::lower_filter(parsed.query->event, schema, "event.category");
    if (!low.unsupported.empty()) {
      fmt::print(stderr, "rulec match: not run by rulec yet: {}\n", low.unsupported);
      return std::nullopt;
    }
    diags = std::move(low.diagnostics);
    q.tree = std::move(low.tree);
    q.pipes = parsed.query->pipes;
  } else {
    auto parsed = kql::parse(text);
    if (!parsed) {
      fmt::print(stderr, "{}\n", render(*parsed.error, text));
      return std::nullopt;
    }
    diags = check_semantics(*parsed.ast, schema, text);
    q.tree = std::move(parsed.ast);
  }
  bool bad = false;
  for (const auto& d : diags) {
    fmt::print(stderr, "{}\n", render(d, text));
    bad = bad || d.severity == Severity::Error;
  }
  if (bad || !q.tree) return std::nullopt;
  return q;
}

}  // namespace


Runner add_match_command(CLI::App& app) {
  struct Options {
    std::string query;
    std::string language = "kuery";
    std::vector<std::string> files;
    std::vector<std::string> events;  // -e/--events, as `run` takes them
    bool count = false;
    bool invert = false;
    bool verbose = false;
    std::string engine = "jit";
    SchemaOptions schema;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("match", "Print the NDJSON events a KQL or EQL query matches");
  cmd->add_option("-q,--query", opts->query, "The query (KQL, or EQL with --language eql)")->required();
  cmd->add_option("-l,--language", opts->language, "Query language: kuery (default) or eql")
      ->check(CLI::IsMember({"kuery", "eql"}));
  cmd->add_option("files", opts->files, "NDJSON event files; - or none for stdin");
  cmd->add_option("-e,--events", opts->events, "NDJSON event files, as `rulec run -e` takes them (before FILE...)");
  cmd->add_flag("-c,--count", opts->count, "Print only the number of matching events");
  cmd->add_flag("--invert-match", opts->invert, "Select the events that do not match");
  cmd->add_flag("-v,--verbose", opts->verbose, "Report every skipped input line (default: the first 10, then a count)");
  add_engine_option(cmd, opts->engine);
  opts->schema.add_to(cmd);
  cmd->footer(
      "Malformed lines are reported on stderr with their line number and skipped.\n"
      "Exit status: 0 some event matched, 1 none did, 2 error (bad query, unreadable file, usage).\n"
      "Examples:\n"
      "  rulec match -q 'process.parent.name:(apache2 or nginx)' events.ndjson\n"
      "  rulec match -q 'event.category:process' -e events.ndjson --count\n"
      "  zcat events.ndjson.gz | rulec match -q 'source.ip:10.0.0.0/8' --count -\n"
      "  rulec match -l eql -q 'process where process.name : \"cmd.exe\" | tail 5' events.ndjson\n"
      "EQL event queries (category where condition) take the | head N and | tail N pipes, applied in\n"
      "order to the matching events.");
  return [opts]() {
    auto schema = opts->schema.load();
    if (!schema) return kExitUsage;
    auto query = match_query(opts->language, opts->query, *schema);
    if (!query) return kExitUsage;

    plan::RuleAsts rule;
    rule.name = "query";
    rule.query = query->tree.get();
    auto engine = ActiveEngine::create(opts->engine, {rule}, {RuleTrees{query->tree.get(), nullptr, {}}}, *schema);
    if (!engine) return kExitUsage;
    engine->set_now_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count());
    std::vector<std::string> files = opts->events;
    files.insert(files.end(), opts->files.begin(), opts->files.end());
    if (files.empty()) files.push_back("-");
    std::string unreadable;
    if (!rt::inputs_readable(files, unreadable)) {
      fmt::print(stderr, "rulec match: {}\n", unreadable);
      return kExitUsage;
    }
    rt::EventReader reader(files);
    report_skips_to_stderr(reader, opts->verbose);
    reader.set_filter(engine->decode_filter());
    rt::Event ev;
    rt::RuleBits bits(1);
    uint64_t selected = 0;
    // EQL's pipes, in order: head N keeps the first N of what reaches it, tail N the last N. Events
    // are printed as they come until a tail pipe needs the end of the input.
    uint64_t head = UINT64_MAX;  // the smallest head before the first tail
    size_t first_tail = query->pipes.size();
    for (size_t i = 0; i < query->pipes.size(); ++i) {
      if (!query->pipes[i].head) {
        first_tail = i;
        break;
      }
      head = std::min<uint64_t>(head, static_cast<uint64_t>(query->pipes[i].count));
    }
    const bool buffered = first_tail < query->pipes.size();
    std::deque<std::string> kept;  // with a tail pipe: the events that may still be printed
    const size_t tail_n = buffered ? static_cast<size_t>(query->pipes[first_tail].count) : 0;
    while (selected < head && reader.next(ev)) {
      engine->evaluator().evaluate(ev, bits);
      if (bits.test(0) == opts->invert) continue;
      ++selected;
      if (buffered) {
        kept.emplace_back(ev.raw);
        if (kept.size() > tail_n) kept.pop_front();
      } else if (!opts->count) {
        std::fwrite(ev.raw.data(), 1, ev.raw.size(), stdout);
        std::fputc('\n', stdout);
      }
    }
    if (buffered) {
      for (size_t i = first_tail + 1; i < query->pipes.size(); ++i) {  // the pipes after the first tail
        const size_t n = static_cast<size_t>(query->pipes[i].count);
        while (kept.size() > n) query->pipes[i].head ? kept.pop_back() : kept.pop_front();
      }
      selected = kept.size();
      if (!opts->count)
        for (const auto& raw : kept) {
          std::fwrite(raw.data(), 1, raw.size(), stdout);
          std::fputc('\n', stdout);
        }
    }
    if (opts->count) fmt::print("{}\n", selected);
    if (reader.lines_skipped()) fmt::print(stderr, "rulec match: {} lines skipped\n", reader.lines_skipped());
    if (reader.inputs_failed()) return kExitUsage;  // each one said why as it failed
    if (std::fflush(stdout) != 0) {
      fmt::print(stderr, "rulec: write error on standard output\n");
      return kExitUsage;
    }
    return selected ? kExitOk : kExitFindings;
  };
}

}  // namespace rulec::driver
