// Running rule test cases: events through both evaluators, alerts through the detector `rulec run` uses, diffs on failure.
#include "compiler/driver/rule_test_run.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compiler/driver/command_setup.h"
#include "compiler/pipeline/scratch_dir.h"
#include "runtime/decoder/decoder.h"
#include "runtime/sensor/detect_loop.h"
#include "runtime/state/detector.h"

namespace rulec::driver {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool write_lines(const std::string& path, const std::vector<std::string>& lines, std::string& error) {
  std::ofstream out(path, std::ios::binary);
  for (const auto& l : lines) out << l << '\n';
  out.close();
  if (!out) error = fmt::format("cannot write {}", path);
  return static_cast<bool>(out);
}

// `field` in an alert: a flat key ("kibana.alert.reason") or a path through objects ("host.name"),
// dotted keys at any level.
const nlohmann::json* lookup(const nlohmann::json& doc, std::string_view field) {
  if (!doc.is_object()) return nullptr;
  if (auto it = doc.find(std::string(field)); it != doc.end()) return &*it;
  for (size_t dot = field.rfind('.'); dot != std::string_view::npos && dot > 0; dot = field.rfind('.', dot - 1)) {
    if (auto it = doc.find(std::string(field.substr(0, dot))); it != doc.end())
      if (const nlohmann::json* v = lookup(*it, field.substr(dot + 1))) return v;
  }
  return nullptr;
}

// What a test records of an alert: when (the event's time), why (Kibana's reason text), the new
// terms or threshold result, and the test file's extra `fields`. Sorted keys: one stable line.
std::string project(const std::string& alert_line, const std::vector<std::string>& fields) {
  auto doc = nlohmann::json::parse(alert_line, nullptr, false);
  if (doc.is_discarded()) return nlohmann::json{{"unreadable_alert", alert_line}}.dump();
  nlohmann::json out = nlohmann::json::object();
  auto put = [&](const char* key, const std::string& field) {
    if (const nlohmann::json* v = lookup(doc, field)) out[key] = *v;
  };
  put("time", "kibana.alert.original_time");
  put("reason", "kibana.alert.reason");
  put("new_terms", "kibana.alert.new_terms");
  put("threshold_result", "kibana.alert.threshold_result");
  for (const auto& f : fields) {
    const nlohmann::json* v = lookup(doc, f);
    out[f] = v ? *v : nlohmann::json(nullptr);
  }
  return out.dump();
}

// A line diff of expected against actual (longest common subsequence; cases hold few alerts).
std::string diff(const std::vector<std::string>& want, const std::vector<std::string>& got) {
  const size_t n = want.size(), m = got.size();
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = want[i] == got[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::string out;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && want[i] == got[j]) {
      out += "      " + want[i++] + "\n";
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out += "    - " + want[i++] + "\n";
    } else {
      out += "    + " + got[j++] + "\n";
    }
  }
  return out;
}

std::string alerts_word(size_t n) { return fmt::format("{} alert{}", n, n == 1 ? "" : "s"); }

std::string excerpt(const std::string& event) {
  return event.size() <= 160 ? event : event.substr(0, 157) + "...";
}

// The single rule under test, its evaluators, and the case runners.
class RuleUnderTest {
 public:
  RuleUnderTest(const pipeline::LoadedRules& loaded, size_t index, const Schema& schema)
      : info_(loaded.infos[index]) {
    const std::vector<plan::RuleAsts> plans{pipeline::plan_rule(loaded.trees[index], info_)};
    const std::vector<RuleTrees> trees{loaded.trees[index]};
    engines_[0] = ActiveEngine::create("jit", plans, trees, schema, loaded.build_options());
    engines_[1] = ActiveEngine::create("interp", plans, trees, schema);
  }
  bool ready() const { return engines_[0] && engines_[1]; }

  // Which events match, per engine (1 matched, 0 not).
  std::string matches(const std::vector<std::string>& events, size_t engine, std::string& error) {
    ActiveEngine& e = *engines_[engine];
    rt::Decoder dec;
    dec.set_filter(e.decode_filter());
    rt::Event ev;
    rt::RuleBits bits(e.evaluator().rule_count());
    e.set_now_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count());
    std::string out;
    for (size_t i = 0; i < events.size(); ++i) {
      std::string why;
      if (dec.decode(events[i], ev, &why) != rt::DecodeError::None) {
        error = fmt::format("event {} does not decode: {}", i + 1, why);
        return out;
      }
      e.evaluator().evaluate(ev, bits);
      out += bits.test(0) ? '1' : '0';
    }
    return out;
  }

  // The alerts `rulec run` raises on `events` after learning `history`, projected; false with the reason.
  bool alerts(const TestCase& c, const std::vector<std::string>& fields, size_t engine, std::vector<std::string>& out,
              std::string& error) {
    const pipeline::ScratchDir dir("rulec-test");
    if (!dir.error().empty()) return error = dir.error(), false;
    rt::DetectorOptions opts;
    if (!c.history.empty()) {
      opts.state_dir = dir.at("state");
      opts.learn = true;
      if (!write_lines(dir.at("history.ndjson"), c.history, error)) return false;
      if (!detect({dir.at("history.ndjson")}, opts, dir.at("learned.ndjson"), engine, error)) return false;
      opts.learn = false;
    }
    if (!write_lines(dir.at("events.ndjson"), c.events, error)) return false;
    if (!detect({dir.at("events.ndjson")}, opts, dir.at("alerts.ndjson"), engine, error)) return false;
    std::ifstream in(dir.at("alerts.ndjson"));
    for (std::string l; std::getline(in, l);)
      if (!l.empty()) out.push_back(project(l, fields));
    return true;
  }

 private:
  bool detect(std::vector<std::string> inputs, const rt::DetectorOptions& opts, const std::string& alerts_path,
              size_t engine, std::string& error) {
    std::string recovered;
    auto det = rt::Detector::create({info_}, opts, alerts_path, error, recovered);
    if (!det) return false;
    rt::EventReader reader(std::move(inputs));
    const rt::LoopResult res = rt::run_detection(reader, *det, engines_[engine].get());
    if (!res.ok) return error = det->error().empty() ? "detection failed" : det->error(), false;
    return true;
  }

  rt::RuleInfo info_;
  std::unique_ptr<ActiveEngine> engines_[2];  // the compiled engine, the interpreter
};

constexpr const char* kEngineNames[2] = {"compiled engine", "interpreter"};

void run_match_case(RuleUnderTest& rule, const TestCase& c, CaseOutcome& out) {
  std::string error;
  const std::string jit = rule.matches(c.events, 0, error);
  const std::string interp = error.empty() ? rule.matches(c.events, 1, error) : std::string();
  if (!error.empty()) {
    out.detail = error;
    return;
  }
  const bool want = c.kind == TestCase::Kind::Match;
  for (size_t i = 0; i < c.events.size(); ++i) {
    if (jit[i] != interp[i]) {
      out.detail += fmt::format("  event {}: the {} says {}, the {} says {}: {}\n", i + 1, kEngineNames[0],
                                jit[i] == '1' ? "match" : "no match", kEngineNames[1],
                                interp[i] == '1' ? "match" : "no match", excerpt(c.events[i]));
    } else if ((jit[i] == '1') != want) {
      out.detail += fmt::format("  event {} {}: {}\n", i + 1, want ? "does not match" : "matches", excerpt(c.events[i]));
    }
  }
  out.passed = out.detail.empty();
}

void run_alerts_case(RuleUnderTest& rule, const TestFile& file, const TestCase& c, bool update, CaseOutcome& out) {
  std::string error;
  std::vector<std::string> interp;
  if (!rule.alerts(c, file.fields, 0, out.alerts, error) || !rule.alerts(c, file.fields, 1, interp, error)) {
    out.detail = "  " + error + "\n";
    return;
  }
  if (interp != out.alerts) {
    out.detail = fmt::format("  the evaluators disagree (- {}, + {}):\n{}", kEngineNames[1], kEngineNames[0],
                             diff(interp, out.alerts));
    return;
  }
  if (c.alert_count >= 0 && out.alerts.size() != static_cast<size_t>(c.alert_count))
    out.detail = fmt::format("  expected {} (count = {}), got {}\n", alerts_word(static_cast<size_t>(c.alert_count)),
                             c.alert_count, out.alerts.size());
  if (update) {
    out.passed = out.detail.empty();
    return;
  }
  auto rec = file.recorded.find(c.name);
  if (rec == file.recorded.end()) {
    if (c.alert_count < 0)
      out.detail += fmt::format("  no alerts recorded for this case in {} (got {}): `rulec test --update` records them\n",
                                file.recorded_path(), alerts_word(out.alerts.size()));
  } else if (rec->second != out.alerts) {
    out.detail += fmt::format("  expected {}, got {} (- recorded in {}, + now):\n{}", alerts_word(rec->second.size()),
                              alerts_word(out.alerts.size()), file.recorded_path(), diff(rec->second, out.alerts));
  }
  out.passed = out.detail.empty();
}

std::string canonical(const std::string& p) {
  std::error_code ec;
  auto c = fs::weakly_canonical(p, ec);
  return ec ? p : c.string();
}

}  // namespace

FileOutcome run_test_file(const TestFile& file, const pipeline::LoadedRules& loaded, const Schema& schema, bool update) {
  FileOutcome out;
  if (!file.error.empty()) return out.error = file.error, out;
  const std::string rule_path = canonical(file.rule_path);
  auto ours = [&](const Rule* r) {
    return canonical(r->origin.path) == rule_path && (file.rule_id.empty() || r->rule_id == file.rule_id);
  };
  std::vector<size_t> runnable;
  for (size_t i = 0; i < loaded.rules.size(); ++i)
    if (ours(loaded.rules[i])) runnable.push_back(i);
  std::vector<const std::pair<const Rule*, std::string>*> not_run;
  for (const auto& lo : loaded.left_out)
    if (ours(lo.first)) not_run.push_back(&lo);
  const size_t found = runnable.size() + not_run.size();
  if (found == 0) {
    for (const auto& fe : loaded.set.file_errors)
      if (canonical(fe.path) == rule_path) return out.error = fmt::format("{}: {}", file.rule_path, fe.diag.message), out;
    out.error = file.rule_id.empty() ? fmt::format("no rule loaded from {}", file.rule_path)
                                     : fmt::format("no rule {} in {}", file.rule_id, file.rule_path);
    return out;
  }
  if (found > 1) {
    out.error = fmt::format("{} holds {} rules: name the one tested with rule_id = \"...\" in {}", file.rule_path,
                            found, file.path);
    return out;
  }
  if (!not_run.empty()) {
    const Rule& r = *not_run[0]->first;
    out.tested = &r;
    out.rule = fmt::format("{} \"{}\"", r.rule_id, r.name);
    out.error = fmt::format("rule {} cannot run: {}", out.rule, not_run[0]->second);
    return out;
  }
  const Rule& r = *loaded.rules[runnable[0]];
  out.tested = &r;
  out.rule = fmt::format("{} \"{}\"", r.rule_id, r.name);
  RuleUnderTest rule(loaded, runnable[0], schema);
  if (!rule.ready()) return out.error = fmt::format("rule {} does not compile", out.rule), out;
  for (const auto& c : file.cases) {
    CaseOutcome co;
    co.test = &c;
    const auto t0 = Clock::now();
    if (c.kind == TestCase::Kind::Alerts)
      run_alerts_case(rule, file, c, update, co);
    else
      run_match_case(rule, c, co);
    co.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    out.cases.push_back(std::move(co));
  }
  return out;
}

}  // namespace rulec::driver
