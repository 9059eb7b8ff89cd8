// threat_match end to end: the corpus's indicator match rules against a generated feed (compiled, interpreted, sensor), mapping semantics, feed reloads and errors.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"
#include "eventgen/event_gen.h"

namespace rulec {
namespace {
namespace threat_match_cli_test {

using nlohmann::json;
using testing::bin;
using testing::quote;
using testing::read_file;
using testing::run_rulec;
using testing::run_shell;
using testing::TempDir;
using testing::wait_until;

std::string iso(int64_t ms) {
  const std::time_t s = ms / 1000;
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, static_cast<int>(ms % 1000));
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::vector<json> read_ndjson(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

const json* at(const json& doc, const std::string& dotted) {
  const json* cur = &doc;
  size_t from = 0;
  while (from <= dotted.size()) {
    const size_t dot = dotted.find('.', from);
    const std::string key = dotted.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
    if (!cur->is_object() || !cur->contains(key)) return nullptr;
    cur = &(*cur)[key];
    if (dot == std::string::npos) return cur;
    from = dot + 1;
  }
  return nullptr;
}

// What an alert says: which rule, for which event, with which enrichments (field, atomic, index,
// feed name, indicator).
using Enrichment = std::tuple<std::string, std::string, std::string, std::string, std::string>;
using Alerts = std::map<std::pair<std::string, int64_t>, std::set<Enrichment>>;

Alerts summarize(const std::string& path) {
  Alerts out;
  for (const json& a : read_ndjson(path)) {
    std::set<Enrichment> e;
    for (const json& x : a["threat"]["enrichments"]) {
      EXPECT_EQ(x["matched"]["type"], "indicator_match_rule") << x.dump();
      EXPECT_TRUE(x["matched"]["id"].is_string() && !x["matched"]["id"].get<std::string>().empty()) << x.dump();
      e.emplace(x["matched"]["field"].get<std::string>(), x["matched"]["atomic"].dump(), x["matched"]["index"].get<std::string>(),
                x["feed"].value("name", ""), x["indicator"].dump());
    }
    EXPECT_EQ(a["kibana.alert.rule.type"], "threat_match");
    EXPECT_EQ(a["kibana.alert.rule.rule_type_id"], "siem.indicatorRule");
    EXPECT_EQ(a["kibana.alert.rule.category"], "Indicator Match Rule");
    EXPECT_TRUE(a["kibana.alert.rule.parameters"].contains("threat_mapping"));
    const auto key = std::make_pair(a["kibana.alert.rule.rule_id"].get<std::string>(), a["labels"]["seq"].get<int64_t>());
    EXPECT_TRUE(out.emplace(key, std::move(e)).second) << "two alerts for one event and rule: " << a.dump().substr(0, 300);
  }
  return out;
}

// The corpus rules' indicator selection as their threat_query and threat_filters say it, written
// here from the rules' text (not from rulec's code): indicators of the last 30 days (rounded down
// to the day), from a threat-intel module, not from the IOC transform's source index, that are
// indicator enrichments with the mapped field.
bool corpus_selects(const json& doc, int64_t now) {
  const std::string ts = doc["@timestamp"];
  const int64_t day = 86400000;
  const int64_t since = ((now - 30 * day) / day) * day;
  if (ts < iso(since)) return false;
  const std::string module = doc["event"]["module"];
  if (module != "threatintel" && module.rfind("ti_", 0) != 0) return false;
  if (const json* l = at(doc, "labels.is_ioc_transform_source"); l && *l == "true") return false;
  return doc["event"]["category"] == "threat" && doc["event"]["kind"] == "enrichment" && doc["event"]["type"] == "indicator";
}

TEST(ThreatMatch, CorpusRulesMatchTheFeedInEveryEngine) {
  TempDir t;
  const auto rules = t.path() / "rules";
  std::filesystem::create_directories(rules);
  const std::filesystem::path corpus = std::filesystem::path(RULEC_SHARED_DIR) / "corpus/detection-rules/rules/threat_intel";
  for (const char* name : {"threat_intel_indicator_match_hash.toml", "threat_intel_indicator_match_address.toml",
                           "threat_intel_indicator_match_url.toml", "threat_intel_indicator_match_email.toml",
                           "threat_intel_indicator_match_registry.toml", "threat_intel_rapid7_threat_command.toml"})
    std::filesystem::copy_file(corpus / name, rules / name);
  const uint64_t seed = 9, count = 3000;
  const std::string feed = t.str("feed.ndjson");
  auto g = run_shell(bin("rulec-gen") + " --scenario indicators --seed 9 -n 3000 -o " + quote(feed));
  ASSERT_EQ(g.status, 0) << g.out;
  const std::vector<json> docs = read_ndjson(feed);
  ASSERT_EQ(docs.size(), count);
  const int64_t now = now_ms();

  // Events: per indicator, one that carries its value in a mapped event field and one near miss
  // (the value with its last character changed, or a hash in upper case: keyword fields are
  // case-sensitive); a hash also in a second field (process.hash.*).
  std::ofstream ev(t.str("events.ndjson"));
  std::map<std::pair<std::string, int64_t>, std::set<Enrichment>> expected;
  const std::map<std::string, std::string> rule_of{{"file", "aab184d3-72b3-4639-b242-6597c99d8bca"},
                                                   {"ip", "0c41e478-5263-4c69-8f9e-7dfd2c22da64"},
                                                   {"url", "f3e22c8b-ea47-45d1-b502-b57b6de950b3"},
                                                   {"email", "fcf18de8-ad7d-4d01-b3f7-a11d5b3883af"},
                                                   {"registry", "a61809f3-fb5b-465c-8bff-23a8a068ac60"}};
  int64_t seq = 0;
  size_t hits = 0;
  for (uint64_t i = 0; i < count; i += 3) {
    const json& doc = docs[i];
    const auto kind = gen::indicator_kind(i);
    const std::string v = gen::indicator_value(seed, i, kind);
    std::string family, field, indicator_field;
    switch (kind) {
      case gen::IndicatorKind::Sha256:
        family = "file", field = i % 2 ? "process.hash.sha256" : "file.hash.sha256",
        indicator_field = "threat.indicator.file.hash.sha256";
        break;
      case gen::IndicatorKind::Ip:
        family = "ip", field = i % 2 ? "destination.ip" : "source.ip", indicator_field = "threat.indicator.ip";
        break;
      case gen::IndicatorKind::Url: family = "url", field = "url.full", indicator_field = "threat.indicator.url.full"; break;
      case gen::IndicatorKind::Email:
        family = "email", field = i % 2 ? "email.to.address" : "email.from.address",
        indicator_field = "threat.indicator.email.address";
        break;
      case gen::IndicatorKind::Registry:
        family = "registry", field = "registry.path", indicator_field = "threat.indicator.registry.path";
        break;
      case gen::IndicatorKind::Md5: continue;
    }
    ASSERT_NE(at(doc, indicator_field), nullptr) << doc.dump();
    ASSERT_EQ(at(doc, indicator_field)->get<std::string>(), v) << "the generator's documented value";
    auto event = [&](const std::string& value) {
      // An hour apart: one event per max_signals interval (the rules' interval is at most 1h).
      const std::string when = iso(1767225600000 + seq * 3600000);
      json e = {{"@timestamp", when}, {"event", {{"ingested", when}}}, {"labels", {{"seq", seq}}}};
      json* cur = &e;
      size_t from = 0;
      for (size_t dot; (dot = field.find('.', from)) != std::string::npos; from = dot + 1) cur = &(*cur)[field.substr(from, dot - from)];
      (*cur)[field.substr(from)] = value;
      ev << e.dump() << "\n";
      return seq++;
    };
    const int64_t hit = event(v);
    std::string miss = v;
    miss.back() = miss.back() == '1' ? '2' : '1';
    if (kind == gen::IndicatorKind::Sha256) std::transform(miss.begin(), miss.end(), miss.begin(), ::toupper);
    if (kind == gen::IndicatorKind::Ip) miss = v.substr(0, v.rfind('.')) + ".255";
    event(miss);
    if (!corpus_selects(doc, now)) continue;
    ++hits;
    const std::string index = "logs-" + doc["data_stream"]["dataset"].get<std::string>() + "-default";
    expected[{rule_of.at(family), hit}].emplace(field, json(v).dump(), index, doc["threat"]["feed"]["name"].get<std::string>(),
                                                doc["threat"]["indicator"].dump());
  }
  ev.close();
  ASSERT_GT(hits, 500u);

  const std::string common = quote(rules.string()) + " --indicators " + quote(feed) + " -e " + t.str("events.ndjson") +
                             " --alert-time event -o ";
  auto jit = run_rulec("run " + common + t.str("jit.ndjson"));
  ASSERT_EQ(jit.status, 0) << jit.out;
  EXPECT_NE(jit.out.find("indicators: 3000 documents in 1 feed"), std::string::npos) << jit.out;
  auto interp = run_rulec("run --engine interp " + common + t.str("interp.ndjson"));
  ASSERT_EQ(interp.status, 0) << interp.out;
  auto c = run_rulec("compile " + quote(rules.string()) + " -o " + t.str("ti.rbundle"));
  ASSERT_EQ(c.status, 0) << c.out;
  auto s = run_shell(bin("rulesensor") + " " + t.str("ti.rbundle") + " --allow-unsigned --indicators " + quote(feed) +
                     " -e " + t.str("events.ndjson") + " --alert-time event -o " + t.str("sensor.ndjson") + " 2>&1");
  ASSERT_EQ(s.status, 0) << s.out;

  // The feed carried in the bundle (inside its checksum), no --indicators at the sensor.
  auto cc = run_rulec("compile " + quote(rules.string()) + " --indicators " + quote(feed) + " -o " + t.str("carry.rbundle"));
  ASSERT_EQ(cc.status, 0) << cc.out;
  auto ci = run_rulec("inspect " + t.str("carry.rbundle"));
  EXPECT_NE(ci.out.find("carries     indicator feed feed.ndjson ("), std::string::npos) << ci.out;
  EXPECT_NE(run_rulec("inspect " + t.str("ti.rbundle")).out.find("carries     no indicator feed: its threat_match rules read the sensor's --indicators"),
            std::string::npos);
  auto cs = run_shell(bin("rulesensor") + " " + t.str("carry.rbundle") + " --allow-unsigned -e " + t.str("events.ndjson") +
                      " --alert-time event -o " + t.str("carried.ndjson") + " 2>&1");
  ASSERT_EQ(cs.status, 0) << cs.out;
  EXPECT_EQ(read_file(t.str("carried.ndjson")), read_file(t.str("jit.ndjson"))) << "a carried feed: the _index of plain documents is its file name";

  const Alerts got = summarize(t.str("jit.ndjson"));
  EXPECT_EQ(got.size(), expected.size());
  for (const auto& [key, e] : expected) {
    auto it = got.find(key);
    if (it == got.end()) {
      ADD_FAILURE() << "no alert of rule " << key.first << " for event " << key.second;
      continue;
    }
    EXPECT_EQ(it->second, e) << "event " << key.second;
  }
  for (const auto& [key, e] : got) EXPECT_TRUE(expected.count(key)) << "unexpected alert of " << key.first << " for event " << key.second;
  EXPECT_EQ(read_file(t.str("interp.ndjson")), read_file(t.str("jit.ndjson"))) << "the interpreter and the compiled engine";
  EXPECT_EQ(read_file(t.str("sensor.ndjson")), read_file(t.str("jit.ndjson"))) << "rulesensor and rulec run";
}

// A rule of our own (Kibana API shape) for the mapping semantics.
void write_mapping_rule(const TempDir& t) {
  t.write("rules/r.json", R"({"rule_id":"tm","name":"tm","type":"threat_match","language":"kuery","severity":"high",
    "risk_score":73,"query":"source.ip:*","threat_query":"threat.indicator.ip:*","threat_index":["ti"],
    "threat_indicator_path":"threat.indicator","max_signals":1000,
    "threat_mapping":[{"entries":[{"field":"source.ip","type":"mapping","value":"threat.indicator.ip"},
                                  {"field":"destination.port","type":"mapping","value":"threat.indicator.port"}]},
                      {"entries":[{"field":"user.name","type":"mapping","value":"threat.indicator.user"}]}]})");
}

TEST(ThreatMatch, MappingEntriesAndOrValuesAndEnrichments) {
  TempDir t;
  write_mapping_rule(t);
  t.write("feed.ndjson",
          R"({"_index":"ti-x","_id":"X","_source":{"threat":{"indicator":{"ip":"10.0.0.1","port":443,"type":"ipv4-addr"},"feed":{"name":"F"}}}})"
          "\n"
          R"({"_index":"ti-y","_id":"Y","_source":{"threat":{"indicator":{"ip":["10.0.0.2","10.0.0.3"],"port":80}}}})"
          "\n"
          R"({"_index":"ti-z","_id":"Z","_source":{"threat":{"indicator":{"ip":"::ffff:10.0.0.9","port":"8080"}}}})"
          "\n"
          R"({"_index":"ti-u","_id":"U","_source":{"threat":{"indicator":{"ip":"10.9.9.9","user":"mallory"}}}})"
          "\n");
  t.write("events.ndjson",
          // 0: both entries of the first mapping
          R"({"@timestamp":"2026-01-01T00:00:00Z","labels":{"seq":0},"source":{"ip":"10.0.0.1"},"destination":{"port":443}})"
          "\n"
          // 1: the address alone: the entries are ANDed
          R"({"@timestamp":"2026-01-01T00:00:01Z","labels":{"seq":1},"source":{"ip":"10.0.0.1"},"destination":{"port":80}})"
          "\n"
          // 2: an indicator with two values in a mapped field is left out of that mapping (Kibana)
          R"({"@timestamp":"2026-01-01T00:00:02Z","labels":{"seq":2},"source":{"ip":"10.0.0.2"},"destination":{"port":80}})"
          "\n"
          // 3: an IPv4-mapped address equals its IPv4 form; a port as text equals the number
          R"({"@timestamp":"2026-01-01T00:00:03Z","labels":{"seq":3},"source":{"ip":"10.0.0.9"},"destination":{"port":"8080"}})"
          "\n"
          // 4: one of several values, enrichments already there kept first, the second mapping ORed
          R"({"@timestamp":"2026-01-01T00:00:04Z","labels":{"seq":4},"source":{"ip":["10.0.0.5","10.0.0.1"]},"destination":{"port":443},"user":{"name":"mallory"},"threat":{"enrichments":[{"kept":true}]}})"
          "\n"
          // 5: a user name of another case (keyword: case-sensitive)
          R"({"@timestamp":"2026-01-01T00:00:05Z","labels":{"seq":5},"source":{"ip":"10.0.0.7"},"user":{"name":"Mallory"}})"
          "\n");
  auto r = run_rulec("run " + t.str("rules") + " --indicators " + t.str("feed.ndjson") + " -e " + t.str("events.ndjson") +
                     " --alert-time event -o " + t.str("alerts.ndjson"));
  ASSERT_EQ(r.status, 0) << r.out;
  const auto alerts = read_ndjson(t.str("alerts.ndjson"));
  std::map<int64_t, json> by_seq;
  for (const json& a : alerts) by_seq[a["labels"]["seq"].get<int64_t>()] = a["threat"]["enrichments"];
  ASSERT_EQ(by_seq.size(), 3u) << r.out;
  ASSERT_TRUE(by_seq.count(0) && by_seq.count(3) && by_seq.count(4));
  const json e0 = by_seq[0];
  ASSERT_EQ(e0.size(), 2u) << e0.dump();
  EXPECT_EQ(e0[0]["matched"], json({{"atomic", "10.0.0.1"}, {"field", "source.ip"}, {"id", "X"}, {"index", "ti-x"}, {"type", "indicator_match_rule"}}));
  EXPECT_EQ(e0[1]["matched"]["field"], "destination.port");
  EXPECT_EQ(e0[1]["matched"]["atomic"], 443);
  EXPECT_EQ(e0[0]["indicator"], json({{"ip", "10.0.0.1"}, {"port", 443}, {"type", "ipv4-addr"}}));
  EXPECT_EQ(e0[0]["feed"], json({{"name", "F"}}));
  EXPECT_EQ(by_seq[3][0]["matched"]["id"], "Z");
  EXPECT_EQ(by_seq[3][0]["feed"], json::object()) << "no feed name: an empty feed object";
  const json e4 = by_seq[4];
  ASSERT_EQ(e4.size(), 4u) << e4.dump();
  EXPECT_EQ(e4[0], json({{"kept", true}}));
  EXPECT_EQ(e4[1]["matched"]["atomic"], json({"10.0.0.5", "10.0.0.1"})) << "the event's value as it is";
  EXPECT_EQ(e4[1]["matched"]["id"], "X");
  EXPECT_EQ(e4[3]["matched"]["id"], "U");
  EXPECT_EQ(e4[3]["matched"]["field"], "user.name");
  // The interpreter agrees.
  auto i = run_rulec("run --engine interp " + t.str("rules") + " --indicators " + t.str("feed.ndjson") + " -e " +
                     t.str("events.ndjson") + " --alert-time event -o " + t.str("interp.ndjson"));
  ASSERT_EQ(i.status, 0) << i.out;
  EXPECT_EQ(read_file(t.str("interp.ndjson")), read_file(t.str("alerts.ndjson")));
}

TEST(ThreatMatch, BadFeedsAndMissingFeedsSayWhy) {
  TempDir t;
  write_mapping_rule(t);
  t.write("events.ndjson", R"({"@timestamp":"2026-01-01T00:00:00Z","source":{"ip":"10.0.0.1"},"destination":{"port":443}})" "\n");
  const std::string run = "run " + t.str("rules") + " -e " + t.str("events.ndjson") + " -o " + t.str("a.ndjson");
  auto missing = run_rulec(run + " --indicators " + t.str("nope.ndjson"));
  EXPECT_EQ(missing.status, 1) << missing.out;
  EXPECT_NE(missing.out.find("cannot read indicators file " + t.str("nope.ndjson") + ": No such file or directory"),
            std::string::npos) << missing.out;
  t.write("garbage.ndjson", "not json\n{\"broken\":\n");
  auto garbage = run_rulec(run + " --indicators " + t.str("garbage.ndjson"));
  EXPECT_EQ(garbage.status, 1) << garbage.out;
  EXPECT_NE(garbage.out.find("garbage.ndjson:1: skipped"), std::string::npos) << garbage.out;
  EXPECT_NE(garbage.out.find("none of the 2 non-blank lines"), std::string::npos) << garbage.out;
  t.write("some.ndjson", "{\"threat\":{\"indicator\":{\"ip\":\"10.0.0.1\",\"port\":443}}}\n[1,2]\n\n");
  auto some = run_rulec(run + " --indicators " + t.str("some.ndjson"));
  EXPECT_EQ(some.status, 0) << some.out;
  EXPECT_NE(some.out.find("some.ndjson:2: skipped: not a JSON object"), std::string::npos) << some.out;
  EXPECT_NE(some.out.find("indicators: 1 documents in 1 feed, 1 kept"), std::string::npos) << some.out;
  EXPECT_EQ(testing::nonempty_lines(read_file(t.str("a.ndjson"))).size(), 1u);
  auto none = run_rulec(run);
  EXPECT_EQ(none.status, 0) << none.out;
  EXPECT_NE(none.out.find("1 threat_match rule without indicators (--indicators FILE): tm raises no alert"), std::string::npos)
      << none.out;
}

TEST(ThreatMatch, ReplacedFeedIsLoadedBetweenTwoEventsAndABrokenOneIsRefused) {
  TempDir t;
  write_mapping_rule(t);
  auto feed_of = [&](const std::string& ip) {
    return fmt::format(R"({{"threat":{{"indicator":{{"ip":"{}","port":443}}}}}})", ip) + "\n";
  };
  const std::string live = t.str("live.ndjson");
  t.write("live.ndjson", feed_of("10.0.0.1"));
  auto replace = [&](const std::string& text) {
    t.write("next.ndjson", text);
    std::filesystem::rename(t.str("next.ndjson"), live);
  };
  auto c = run_rulec("compile " + t.str("rules") + " -o " + t.str("tm.rbundle"));
  ASSERT_EQ(c.status, 0) << c.out;
  const std::string err = t.str("err.txt"), alerts = t.str("alerts.ndjson");
  FILE* p = popen((bin("rulesensor") + " " + t.str("tm.rbundle") + " --allow-unsigned --indicators " + quote(live) +
                   " --alert-time event -o " + quote(alerts) + " 2>" + quote(err))
                      .c_str(),
                  "w");
  ASSERT_NE(p, nullptr);
  int seq = 0;
  auto send = [&](const std::string& ip) {
    std::fprintf(p, "{\"@timestamp\":\"2026-01-01T00:00:%02dZ\",\"labels\":{\"seq\":%d},\"source\":{\"ip\":\"%s\"},\"destination\":{\"port\":443}}\n",
                 seq, seq, ip.c_str());
    ++seq;
    std::fflush(p);
  };
  auto alerts_now = [&] { return testing::nonempty_lines(read_file(alerts)).size(); };
  auto wait_log = [&](const std::string& what) {
    EXPECT_TRUE(wait_until([&] { return read_file(err).find(what) != std::string::npos; })) << what << ":\n" << read_file(err);
  };
  wait_log("indicators: 1 documents");
  send("10.0.0.1");
  EXPECT_TRUE(wait_until([&] { return alerts_now() == 1; })) << read_file(err);
  replace(feed_of("10.0.0.2"));
  wait_log("indicators reloaded");
  send("10.0.0.1");  // no longer an indicator
  send("10.0.0.2");
  EXPECT_TRUE(wait_until([&] { return alerts_now() == 2; })) << read_file(err);
  replace("garbage\n");
  wait_log("indicators not reloaded, the running ones stay");
  send("10.0.0.2");
  EXPECT_TRUE(wait_until([&] { return alerts_now() == 3; })) << read_file(err);
  ASSERT_EQ(pclose(p), 0) << read_file(err);
  std::vector<int64_t> seqs;
  for (const json& a : read_ndjson(alerts)) seqs.push_back(a["labels"]["seq"]);
  EXPECT_EQ(seqs, (std::vector<int64_t>{0, 2, 3})) << read_file(err);
}

// A selection with date math is evaluated again as time moves on (Kibana's next execution): an
// indicator past `now-3s` stops matching once an interval has passed, without any feed change.
TEST(ThreatMatch, DateMathSelectionIsEvaluatedAgainAsTimeMovesOn) {
  TempDir t;
  t.write("rules/r.json", R"({"rule_id":"aging","name":"aging","type":"threat_match","language":"kuery","severity":"low",
    "risk_score":21,"query":"source.ip:*","threat_query":"@timestamp >= \"now-3s\"","interval":"1s","from":"now-2s",
    "max_signals":1000,"threat_mapping":[{"entries":[{"field":"source.ip","type":"mapping","value":"threat.indicator.ip"}]}]})");
  t.write("feed.ndjson", fmt::format(R"({{"@timestamp":"{}","threat":{{"indicator":{{"ip":"10.0.0.1"}}}}}})", iso(now_ms())) + "\n");
  auto c = run_rulec("compile " + t.str("rules") + " -o " + t.str("r.rbundle"));
  ASSERT_EQ(c.status, 0) << c.out;
  const std::string err = t.str("err.txt"), alerts = t.str("alerts.ndjson");
  FILE* p = popen((bin("rulesensor") + " " + t.str("r.rbundle") + " --allow-unsigned --indicators " + t.str("feed.ndjson") +
                   " --alert-time event -o " + quote(alerts) + " 2>" + quote(err))
                      .c_str(),
                  "w");
  ASSERT_NE(p, nullptr);
  auto send = [&](int seq) {
    std::fprintf(p, "{\"@timestamp\":\"2026-01-01T00:00:%02dZ\",\"labels\":{\"seq\":%d},\"source\":{\"ip\":\"10.0.0.1\"}}\n", seq, seq);
    std::fflush(p);
  };
  auto alerts_now = [&] { return testing::nonempty_lines(read_file(alerts)).size(); };
  EXPECT_TRUE(wait_until([&] { return read_file(err).find("1 kept by the rules' threat queries") != std::string::npos; }))
      << read_file(err);
  send(0);
  EXPECT_TRUE(wait_until([&] { return alerts_now() == 1; })) << read_file(err);
  // Past 3 s the selection keeps nothing: the index is rebuilt with no indicator.
  EXPECT_TRUE(wait_until([&] { return read_file(err).find("0 kept by the rules' threat queries") != std::string::npos; },
                         std::chrono::seconds(30)))
      << read_file(err);
  send(1);
  ASSERT_EQ(pclose(p), 0) << read_file(err);
  EXPECT_EQ(alerts_now(), 1u) << read_file(err);
}

}  // namespace threat_match_cli_test
}  // namespace
}  // namespace rulec
