// `rulec bench RULES... --events FILE`: raw parse vs compiled engine vs interpreter, in one run.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/command_setup.h"
#include "compiler/driver/html_report.h"
#include "compiler/pipeline/loaded_rules.h"
#include "runtime/common/dates.h"
#include "runtime/decoder/raw_walk.h"
#include "runtime/eval/hs_block_scan.h"
#include "runtime/eval/line_prefilter.h"
#include "runtime/sensor/detect_loop.h"
#include "runtime/state/detector.h"

namespace rulec::driver {


namespace {

// Hyperscan's version as it reports it ("5.4.9 " on Debian: a blank where the date would be), trimmed.
std::string hs_version_text() {
  std::string v = hs_version();
  while (!v.empty() && v.back() == ' ') v.pop_back();
  return v;
}

using Clock = std::chrono::steady_clock;

struct BenchOptions {
  RuleSetOptions rules;
  std::string events;
  size_t repeat = 3;
  size_t interp_events = 20000;
  size_t profile_events = 20000;
  bool json = false;
  std::string report;
};

// The whole file in memory, padded, split into lines.
struct Input {
  std::string buf;
  std::vector<std::string_view> lines;
  size_t bytes = 0;
};

bool load_input(const std::string& path, Input& in) {
  if (!read_input(path, in.buf, rt::Decoder::kPadding)) return false;
  const size_t n = in.buf.size();
  in.buf.append(rt::Decoder::kPadding, ' ');
  for (size_t i = 0; i < n;) {
    size_t e = in.buf.find('\n', i);
    if (e == std::string::npos || e > n) e = n;
    std::string_view line(in.buf.data() + i, e - i);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) {
      in.lines.push_back(line);
      in.bytes += line.size();
    }
    i = e + 1;
  }
  return true;
}

struct Rate {
  std::string name;
  size_t events = 0, bytes = 0;
  double seconds = 0;
  double eps() const { return seconds > 0 ? events / seconds : 0; }
  double mbps() const { return seconds > 0 ? bytes / seconds / 1e6 : 0; }
  double ns() const { return events ? seconds * 1e9 / events : 0; }
};

// Best of `repeat` passes of `pass` over the first `count` lines.
template <typename F>
Rate measure(const std::string& name, const Input& in, size_t count, size_t repeat, F&& pass) {
  Rate r{name, count, 0, 0};
  for (size_t i = 0; i < count; ++i) r.bytes += in.lines[i].size();
  for (size_t k = 0; k < std::max<size_t>(1, repeat); ++k) {
    const auto t0 = Clock::now();
    pass(count);
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (k == 0 || s < r.seconds) r.seconds = s;
  }
  return r;
}

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

}  // namespace

Runner add_bench_command(CLI::App& app) {
  auto opts = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand("bench", "Measure detection throughput against raw JSON parsing");
  cmd->add_option("-e,--events", opts->events, "NDJSON events (read into memory first)")->required();
  cmd->add_option("--repeat", opts->repeat, "Passes over the events for raw parse and the compiled engine (best kept)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--interp-events", opts->interp_events,
                  "Events the interpreter runs (the first N; it is slow); 0 skips it");
  cmd->add_option("--profile-events", opts->profile_events, "Events used for per-rule cost attribution; 0 skips it");
  cmd->add_flag("--json", opts->json, "One JSON object on stdout instead of the table");
  cmd->add_option("--report", opts->report,
                  "Also write a self-contained HTML page (throughput against the parse ceiling, per-rule cost, "
                  "matches and alerts) to FILE")
      ->type_name("FILE");
  opts->rules.add_to(cmd);
  cmd->footer(
      "Single thread, events in memory. raw parse: simdjson On-Demand visiting every token (the\n"
      "ceiling of any decoder); jit: decode the fields the rules read + evaluate every rule;\n"
      "detection: jit + the detector (new terms, thresholds, max_signals; a fresh state each pass) and\n"
      "the alerts it raises built and written to /dev/null: the sensor's whole path but reading;\n"
      "detection + prefilter: the same, a line in which no rule's literal occurs not decoded (its\n"
      "matches and alerts must be the same); sensor path: what `rulec run` does, the file read too;\n"
      "interp: decode everything + the reference interpreter. Both engines' answers are compared on\n"
      "the interpreter's events. Per-rule cost: each rule's own evaluation (with the pattern scans it\n"
      "is the first to need) plus an equal share of the exact and presence probes of the fields it\n"
      "reads, measured on --profile-events events.\n"
      "Example:\n"
      "  rulec-gen --scenario mixed --count 1000000 -o ev.ndjson && rulec bench rules/ -e ev.ndjson");
  return [opts]() {
    const auto set = opts->rules.load();
    if (!set) return kExitFindings;
    const pipeline::LoadedRules& loaded = set->rules;
    const Schema& schema = set->schema;
    Input in;
    if (!load_input(opts->events, in)) return kExitFindings;
    if (in.lines.empty()) {
      fmt::print(stderr, "rulec: {}: no events\n", opts->events);
      return kExitFindings;
    }
    const size_t n = in.lines.size();
    const auto plan_rules = loaded.plan_rules();
    std::string error;
    pipeline::BuildOptions bo = loaded.build_options();
    bo.per_rule = opts->profile_events > 0;
    auto built = pipeline::build(plan_rules, schema, error, bo);
    if (!built) {
      fmt::print(stderr, "rulec: cannot compile the rules: {}\n", error);
      return kExitFindings;
    }
    rt::CompiledEngine& jit = *built->engine;
    const int64_t wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();

    simdjson::ondemand::parser parser;
    size_t visited = 0;
    Rate raw = measure("raw simdjson parse", in, n, opts->repeat, [&](size_t count) {
      for (size_t i = 0; i < count; ++i) visited += rt::raw_walk(parser, in.lines[i]);
    });

    rt::Decoder dec;
    dec.set_filter(&jit.filter());
    rt::Event ev;
    rt::RuleBits bits(jit.rule_count());
    uint64_t jit_matches = 0, bad = 0;
    const bool needs_now = jit.needs_now();
    Rate jr = measure("jit (decode + evaluate)", in, n, opts->repeat, [&](size_t count) {
      jit_matches = 0;
      for (size_t i = 0; i < count; ++i) {
        if (dec.decode_padded(in.lines[i], ev) != rt::DecodeError::None) {
          ++bad;
          continue;
        }
        if (needs_now) jit.set_now_ms(event_now(ev, wall));
        jit.evaluate(ev, bits);
        for (size_t w = 0; w < bits.word_count(); ++w) jit_matches += std::popcount(bits.words()[w]);
      }
    });

    // The whole detection path: the detector and its alerts too; then the same with the raw-line
    // prefilter first (a line in which no rule's literal occurs is not decoded). Their counters
    // (the last pass's) give the report's matches and alerts per rule, and must agree.
    std::vector<rt::RuleCounters> counters, prefiltered_counters;
    std::string det_error;
    rt::LinePrefilter* pf = jit.line_prefilter();
    uint64_t passed_over = 0;  // by the gate, in the last pass
    auto detection = [&](size_t count, rt::LinePrefilter* gate, std::vector<rt::RuleCounters>& out) {
      passed_over = 0;
      std::string recovered;
      auto det = rt::Detector::create(loaded.infos, {}, "/dev/null", det_error, recovered);
      if (!det) return;
      for (size_t i = 0; i < count; ++i) {
        if (gate && !gate->any(in.lines[i])) {
          ++passed_over;
          continue;
        }
        if (dec.decode_padded(in.lines[i], ev) != rt::DecodeError::None) continue;
        if (needs_now) jit.set_now_ms(event_now(ev, wall));
        jit.evaluate(ev, bits);
        if (!det->on_event(ev, bits)) break;
      }
      if (!det->finish() || !det->error().empty()) det_error = det->error();
      out = det->counters();
    };
    Rate dr = measure("detection (+ state, alerts)", in, n, opts->repeat,
                      [&](size_t count) { detection(count, nullptr, counters); });
    Rate pr{"detection + prefilter"};
    if (pf && det_error.empty())
      pr = measure(pr.name, in, n, opts->repeat, [&](size_t count) { detection(count, pf, prefiltered_counters); });
    // The sensor's whole path, as `rulec run` and `rulesensor` run it: the file read by the event
    // reader, prefiltered, decoded, evaluated, detected, alerts written to /dev/null.
    Rate sr{"sensor path (file read)"};
    if (det_error.empty() && opts->events != "-") {
      sr = measure(sr.name, in, n, opts->repeat, [&](size_t) {
        std::string recovered;
        auto det = rt::Detector::create(loaded.infos, {}, "/dev/null", det_error, recovered);
        if (!det) return;
        rt::EventReader reader({opts->events});
        const rt::LoopResult res = rt::run_detection(reader, *det, &jit);
        if (!res.ok && det_error.empty()) det_error = det->error();
      });
    }
    if (!det_error.empty()) {
      fmt::print(stderr, "rulec: detection: {}\n", det_error);
      return kExitFindings;
    }
    uint64_t alerts = 0;
    for (const auto& c : counters) alerts += c.alerts;
    size_t prefilter_differs = 0;  // rules whose matches or alerts change with the prefilter
    for (size_t r = 0; pr.events && r < counters.size(); ++r)
      prefilter_differs += counters[r].matched != prefiltered_counters[r].matched ||
                           counters[r].alerts != prefiltered_counters[r].alerts;

    Rate ir{"interp (decode + evaluate)"};
    size_t mismatches = 0;
    const size_t ni = std::min(n, opts->interp_events);
    if (ni) {
      interp::Interpreter interp(loaded.trees, schema);
      rt::Decoder full;
      rt::Event fev;
      rt::RuleBits ib(interp.rule_count());
      ir = measure(ir.name, in, ni, 1, [&](size_t count) {
        for (size_t i = 0; i < count; ++i) {
          if (full.decode_padded(in.lines[i], fev) != rt::DecodeError::None) continue;
          interp.set_now_ms(event_now(fev, wall));
          interp.evaluate(fev, ib);
        }
      });
      for (size_t i = 0; i < ni; ++i) {  // the answers, compared (not timed)
        if (full.decode_padded(in.lines[i], fev) != rt::DecodeError::None) continue;
        if (dec.decode_padded(in.lines[i], ev) != rt::DecodeError::None) continue;
        interp.set_now_ms(event_now(fev, wall));
        jit.set_now_ms(event_now(ev, wall));
        interp.evaluate(fev, ib);
        jit.evaluate(ev, bits);
        if (!std::equal(ib.words(), ib.words() + ib.word_count(), bits.words())) ++mismatches;
      }
    }

    // Per-rule cost attribution on a sample.
    std::vector<double> rule_ns, group_ns;
    const size_t np = std::min(n, opts->profile_events);
    for (size_t i = 0; i < np; ++i) {
      if (dec.decode_padded(in.lines[i], ev) != rt::DecodeError::None) continue;
      jit.set_now_ms(event_now(ev, wall));
      jit.profile(ev, built->rule_fns, rule_ns, group_ns);
    }
    std::vector<double> cost(rule_ns);
    if (np) {
      const auto& groups = jit.strings().groups();
      std::vector<std::vector<size_t>> readers(groups.size());  // group -> rules reading its field
      std::vector<std::vector<char>> uses(plan_rules.size(), std::vector<char>(groups.size(), 0));
      std::vector<int> atom_group(built->plan->atoms.size(), -1);
      for (size_t g = 0; g < groups.size(); ++g) {
        for (const auto& x : groups[g].exact) atom_group[x.atom] = static_cast<int>(g);
        for (const auto& x : groups[g].patterns) atom_group[x.atom] = static_cast<int>(g);
        for (uint32_t a : groups[g].any) atom_group[a] = static_cast<int>(g);
      }
      for (uint32_t r = 0; r < built->plan->roots.size(); ++r) {
        for (uint32_t a : plan::atoms_reached(*built->plan, r)) {
          if (atom_group[a] < 0 || uses[r][atom_group[a]]) continue;
          uses[r][atom_group[a]] = 1;
          readers[atom_group[a]].push_back(r);
        }
      }
      for (size_t g = 0; g < groups.size(); ++g)
        for (size_t r : readers[g]) cost[r] += group_ns[g] / static_cast<double>(readers[g].size());
    }
    std::vector<size_t> top(cost.size());
    std::iota(top.begin(), top.end(), 0);
    std::sort(top.begin(), top.end(), [&](size_t a, size_t b) { return cost[a] > cost[b]; });
    top.resize(std::min<size_t>(10, top.size()));

    const double rss = peak_rss_mb();
    const double compile_s = built->stats.total_ms / 1000.0;
    auto pct = [&](const Rate& r) { return raw.eps() > 0 ? 100.0 * r.eps() / raw.eps() : 0.0; };
    const double speedup = ir.eps() > 0 ? jr.eps() / ir.eps() : 0.0;
    if (opts->json) {
      nlohmann::json j;
      j["events"] = n;
      j["bytes"] = in.bytes;
      j["rules"] = plan_rules.size();
      j["compile_ms"] = {{"total", built->stats.total_ms}, {"plan", built->stats.plan_ms},
                         {"hyperscan", built->stats.strings_ms}, {"llvm_ir", built->stats.codegen_ms},
                         {"jit", built->stats.jit_ms}};
      for (const Rate* r : {&raw, &jr, &dr, &pr, &sr, &ir}) {
        if (!r->events) continue;
        j["throughput"].push_back({{"name", r->name}, {"events", r->events}, {"events_per_s", r->eps()},
                                   {"mb_per_s", r->mbps()}, {"ns_per_event", r->ns()},
                                   {"percent_of_raw_parse", pct(*r)}});
      }
      j["jit_over_interp"] = speedup;
      j["jit_interp_mismatches"] = mismatches;
      j["interp_events_compared"] = ni;
      j["jit_rule_matches"] = jit_matches;
      j["detection_alerts"] = alerts;
      j["prefilter"] = {{"enabled", pf != nullptr}, {"events_passed_over", passed_over},
                        {"rules_whose_results_differ", prefilter_differs}};
      j["peak_rss_mb"] = rss;
      j["hyperscan"] = {{"version", hs_version_text()}, {"scanner", rt::hs_block_scan_path()}};
      for (size_t r : top)
        j["costliest_rules"].push_back({{"rule", plan_rules[r].name}, {"ns_per_event", np ? cost[r] / np : 0.0}});
      fmt::print("{}\n", j.dump(2));
    } else {
      fmt::print("rulec bench: {} events, {:.1f} MB (avg {:.0f} bytes/event), {}\n", n, in.bytes / 1e6,
                 static_cast<double>(in.bytes) / n, loaded.rules_text());
      fmt::print("compile: {:.2f} s (plan {:.0f} ms, hyperscan {:.0f} ms, llvm ir {:.0f} ms, jit {:.0f} ms)\n",
                 compile_s, built->stats.plan_ms, built->stats.strings_ms, built->stats.codegen_ms, built->stats.jit_ms);
      fmt::print("hyperscan: {}, scanner: {}\n", hs_version_text(), rt::hs_block_scan_path());
      fmt::print("{:<28} {:>9} {:>12} {:>9} {:>10} {:>14}\n", "", "events", "events/s", "MB/s", "ns/event",
                 "vs raw parse");
      for (const Rate* r : {&raw, &jr, &dr, &pr, &sr, &ir})
        if (r->events)
          fmt::print("{:<28} {:>9} {:>12.0f} {:>9.1f} {:>10.0f} {:>13.1f}%\n", r->name, r->events, r->eps(), r->mbps(),
                     r->ns(), pct(*r));
      if (ni)
        fmt::print("jit / interp: {:.1f}x; answers compared on {} events: {} differ\n", speedup, ni, mismatches);
      fmt::print("rule matches (jit, per pass): {}; alerts (detection, per pass): {}; peak RSS {:.0f} MB\n", jit_matches,
                 alerts, rss);
      if (pf)
        fmt::print("prefilter: {} of {} events passed over undecoded; matches and alerts {}\n", passed_over, n,
                   prefilter_differs ? fmt::format("DIFFER for {} rules", prefilter_differs) : std::string("identical"));
      else
        fmt::print("prefilter: none (no rule has literals; `rulec explain --prefilter` says why)\n");
      if (np) {
        fmt::print("costliest rules (ns/event: own evaluation + share of the scans of the fields read, {} events):\n",
                   np);
        for (size_t r : top) fmt::print("  {:>8.1f}  {}\n", cost[r] / np, plan_rules[r].name);
      }
    }
    if (bad) fmt::print(stderr, "rulec: {} lines were not valid events and were skipped\n", bad / opts->repeat);
    if (!opts->report.empty()) {
      Report rep;
      rep.title = fmt::format("rulec bench: {} rules on {}", plan_rules.size(), opts->events);
      rep.facts.push_back(fmt::format("{} events, {:.1f} MB (avg {:.0f} bytes/event)", n, in.bytes / 1e6,
                                      static_cast<double>(in.bytes) / n));
      rep.facts.push_back(fmt::format("compile {:.2f} s; peak RSS {:.0f} MB; best of {} passes, one thread", compile_s,
                                      rss, opts->repeat));
      if (ni)
        rep.facts.push_back(fmt::format("compiled engine / interpreter: {:.1f}x; answers compared on {} events: {} differ",
                                        speedup, ni, mismatches));
      for (const Rate* r : {&raw, &jr, &dr, &pr, &sr, &ir})
        if (r->events) rep.throughput.push_back({r->name, r->events, r->eps(), r->mbps(), r->ns(), pct(*r)});
      for (size_t r = 0; r < plan_rules.size(); ++r) {
        ReportRule rr;
        rr.rule_id = loaded.infos[r].rule_id;
        rr.name = loaded.infos[r].name;
        rr.type = loaded.infos[r].type_name;
        if (np) rr.measured_ns = cost[r] / static_cast<double>(np);
        rr.matches = counters[r].matched;
        rr.alerts = counters[r].alerts;
        rep.rules.push_back(std::move(rr));
      }
      if (!write_report(opts->report, render_html_report(rep))) return kExitFindings;
    }
    (void)visited;
    return mismatches || prefilter_differs ? kExitFindings : kExitOk;
  };
}

}  // namespace rulec::driver
