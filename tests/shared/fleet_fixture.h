// The fleet tests' material: three rules (new terms, threshold with a cardinality, a query over its max_signals), a week of events, and what an alert stands for.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"

namespace rulec::testing {


inline const std::string kSeedRule = std::string(RULEC_SOURCE_DIR) + "/rules/persistence_webserver_unusual_child_execution.toml";


// An EQL rule's TOML.
inline std::string eql_rule(const std::string& id, const std::string& query) {
  return "[rule]\nauthor = [\"t\"]\ndescription = \"d\"\nname = \"Seq " + id + "\"\nrisk_score = 21\nrule_id = \"" + id +
         "\"\nseverity = \"low\"\ntype = \"eql\"\nlanguage = \"eql\"\nindex = [\"logs-*\"]\nquery = '''\n" + query +
         "\n'''\n";
}

// The seed rule (new terms), a threshold rule with a cardinality, and a query rule over its
// max_signals, and a week of generated events; with `sequences`, two EQL sequence rules by host
// too (seq-*: one of two stages, one of three with an `until`).
struct Fleet {
  TempDir d;
  std::vector<std::string> events;
  explicit Fleet(bool sequences = false) {
    std::filesystem::create_directories(d.path() / "rules");
    if (sequences) {
      d.write("rules/seq_grep_ls.toml",
              eql_rule("seq-grep-ls", "sequence by host.name with maxspan=10m\n"
                                      "  [process where process.name == \"grep\"]\n  [process where process.name == \"ls\"]"));
      d.write("rules/seq_git.toml",
              eql_rule("seq-git", "sequence by host.name with maxspan=30m\n  [process where process.name == \"git\"]\n"
                                  "  [process where process.name == \"python3\"]\n  [process where process.name == \"sh\"]\n"
                                  "until [process where process.name == \"apt-get\"]"));
    }
    std::filesystem::copy_file(kSeedRule, d.path() / "rules/seed.toml");
    d.write("rules/threshold.toml", R"([rule]
rule_id = "fleet-threshold"
name = "Several programs on one host in five minutes"
description = "threshold with a cardinality"
type = "threshold"
language = "kuery"
query = "event.category:process"
index = ["logs-*"]
from = "now-6m"
interval = "5m"
risk_score = 47
severity = "medium"

[rule.threshold]
field = ["host.name"]
value = 3

[[rule.threshold.cardinality]]
field = "process.name"
value = 2
)");
    d.write("rules/query.toml", R"([rule]
rule_id = "fleet-query"
name = "grep runs"
description = "a query rule over its max_signals"
type = "query"
language = "kuery"
query = "process.name:grep"
index = ["logs-*"]
from = "now-6m"
interval = "5m"
max_signals = 2
risk_score = 21
severity = "low"
)");
    EXPECT_EQ(run_shell(bin("rulec-gen") + " --seed 1 --events 12000 --days 7 -o " + d.str("all.ndjson")).status, 0);
    events = nonempty_lines(read_file(d.str("all.ndjson")));
  }
  std::string rules() const { return d.str("rules"); }
  // Writes events [from, to) (every `step`-th from `from` when step > 1) to `name`.
  std::string part(const std::string& name, size_t from, size_t to, size_t step = 1) {
    std::string s;
    for (size_t i = from; i < to && i < events.size(); i += step) s += events[i] + "\n";
    d.write(name, s);
    return d.str(name);
  }
  CmdResult run(const std::string& input, const std::string& alerts, const std::string& extra = "") {
    return run_rulec("run " + rules() + " -e " + input + " --alert-time event --alerts " + d.str(alerts) + " " + extra);
  }
  // Three concurrent processes over an interleaved split of the events (every third each),
  // sharing `url`: their alerts, one file after the other (each must exit 0).
  std::string run_interleaved(const std::string& url) {
    std::vector<std::pair<pid_t, int>> procs;
    for (int i = 0; i < 3; ++i) {
      const std::string in = part(fmt::format("split{}.ndjson", i), static_cast<size_t>(i), events.size(), 3);
      int out = -1;
      procs.emplace_back(spawn_shell(bin("rulec") + " run " + rules() + " -e " + in + " --alert-time event --alerts " +
                                         d.str(fmt::format("split{}.alerts", i)) + " --shared-state " + url + " 2>&1",
                                     &out),
                         out);
    }
    std::string all;
    for (int i = 0; i < 3; ++i) {
      const Finished r = finish(procs[static_cast<size_t>(i)].first, procs[static_cast<size_t>(i)].second);
      EXPECT_EQ(r.status, 0) << r.out;
      all += read_file(d.str(fmt::format("split{}.alerts", i)));
    }
    return all;
  }
  std::string one_process() {
    EXPECT_EQ(run(d.str("all.ndjson"), "one.ndjson").status, 0);
    return read_file(d.str("one.ndjson"));
  }
};

// What an alert stands for: its rule and the term, group and bucket, or event it raises.
inline std::string identity(const nlohmann::json& a) {
  const std::string rule = a["kibana.alert.rule.rule_id"];
  if (a.contains("kibana.alert.new_terms")) return rule + " " + a["kibana.alert.new_terms"].dump();
  if (a.contains("kibana.alert.threshold_result")) {
    // The bucket: `from` (the earliest event counted when the group crossed, which depends on
    // which process's events reached Redis first) down to the fixture's five-minute interval.
    const std::string from = a["kibana.alert.threshold_result"]["from"];  // 2026-01-05T13:22:41.662Z
    const int minute = std::stoi(from.substr(14, 2));
    return rule + " " + a["kibana.alert.threshold_result"]["terms"].dump() + " " + from.substr(0, 14) +
           std::to_string(minute / 5 * 5);
  }
  return rule + " " + a["kibana.alert.uuid"].get<std::string>();
}

inline std::multiset<std::string> identities(const std::string& text) {
  std::multiset<std::string> out;
  for (const auto& l : nonempty_lines(text)) out.insert(identity(nlohmann::json::parse(l)));
  return out;
}

inline std::map<std::string, size_t> per_rule(const std::string& text) {
  std::map<std::string, size_t> out;
  for (const auto& l : nonempty_lines(text)) out[nlohmann::json::parse(l)["kibana.alert.rule.rule_id"]]++;
  return out;
}

// Alerts of several processes against one process's: one alert per new term and threshold bucket
// (which event raised a term may differ: the first process to reach Redis wins), as many alerts
// per rule, and no alert id twice.
inline void expect_as_one_process(const std::string& one, const std::string& all) {
  std::multiset<std::string> want, got;
  for (const auto& s : identities(one))
    if (s.rfind("fleet-query", 0) != 0) want.insert(s);
  for (const auto& s : identities(all))
    if (s.rfind("fleet-query", 0) != 0) got.insert(s);
  EXPECT_EQ(got, want);
  EXPECT_EQ(per_rule(all), per_rule(one));
  std::set<std::string> ids;
  for (const auto& l : nonempty_lines(all)) {
    const std::string id = nlohmann::json::parse(l)["kibana.alert.uuid"];
    EXPECT_TRUE(ids.insert(id).second) << "written twice: " << id;
  }
}

// A sequence rule's alert (its rule id starts with "seq-").
inline bool is_sequence_alert(const nlohmann::json& a) {
  return a["kibana.alert.rule.rule_id"].get<std::string>().rfind("seq-", 0) == 0;
}

// The alerts of `got` are one process's (`one`): the same lines in the same order, but for the
// sequences' alerts, which the fleet writes when it decides them (and stamps with the event time
// then): the same alerts, each once, but for the times they were made.
inline void expect_same_alerts(const std::string& one, const std::string& got) {
  std::string rest_one, rest_got;
  std::multiset<std::string> seq_one, seq_got;
  auto split = [](const std::string& text, std::string& rest, std::multiset<std::string>& seq) {
    for (const auto& l : nonempty_lines(text)) {
      auto a = nlohmann::json::parse(l);
      if (!is_sequence_alert(a)) {
        rest += l + "\n";
        continue;
      }
      for (const char* made : {"@timestamp", "kibana.alert.start", "kibana.alert.last_detected", "kibana.alert.intended_timestamp",
                               "kibana.alert.rule.execution.timestamp"})
        a.erase(made);
      seq.insert(a["kibana.alert.uuid"].get<std::string>() + " " + a.dump());
    }
  };
  split(one, rest_one, seq_one);
  split(got, rest_got, seq_got);
  EXPECT_TRUE(rest_got == rest_one) << "the alerts differ from one process's";
  std::vector<std::string> missing, extra;
  std::set_difference(seq_one.begin(), seq_one.end(), seq_got.begin(), seq_got.end(), std::back_inserter(missing));
  std::set_difference(seq_got.begin(), seq_got.end(), seq_one.begin(), seq_one.end(), std::back_inserter(extra));
  EXPECT_TRUE(missing.empty() && extra.empty())
      << "sequence alerts: " << seq_one.size() << " from one process, " << missing.size() << " of them missing, "
      << extra.size() << " others written (" << (missing.empty() ? "" : "missing " + missing[0].substr(0, 400)) << " "
      << (extra.empty() ? "" : "other " + extra[0].substr(0, 400)) << ")";
}

// `rulec run RULES -e FIFO ARGS` (stderr to err.log), the test feeding the FIFO part by part.
class FifoRun {
 public:
  FifoRun(Fleet& f, const std::string& args) : f_(f), fifo_(f.d.str("in.fifo")) {
    EXPECT_EQ(::mkfifo(fifo_.c_str(), 0600), 0);
    pid_ = spawn_shell(bin("rulec") + " run " + f.rules() + " -e " + fifo_ + " " + args + " 2>" + f.d.str("err.log"), &out_);
    in_ = open_fifo_writer(fifo_);
    EXPECT_GE(in_, 0);
  }
  ~FifoRun() {
    if (in_ >= 0) ::close(in_);
  }
  // Writes events [from, to) (blocks while the process does not read).
  void feed(size_t from, size_t to) {
    std::string s;
    for (size_t i = from; i < to && i < f_.events.size(); ++i) s += f_.events[i] + "\n";
    EXPECT_EQ(::write(in_, s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
  // The end of input: the process's exit.
  Finished finish() {
    ::close(in_);
    in_ = -1;
    return rulec::testing::finish(pid_, out_);
  }
  pid_t pid() const { return pid_; }
  std::string err() const { return read_file(f_.d.str("err.log")); }

 private:
  Fleet& f_;
  std::string fifo_;
  pid_t pid_ = -1;
  int out_ = -1, in_ = -1;
};

}  // namespace rulec::testing
