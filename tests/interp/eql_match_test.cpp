// EQL event-query matching semantics (eql.md §2-§3, §5) on both engines: the reference interpreter and the compiled engine in process, and `rulec match -l eql --engine interp|jit` on an NDJSON file.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"
#include "compiler/frontend/eql_lower.h"
#include "compiler/frontend/eql_parser.h"
#include "interp/interp_test_util.h"

namespace {
namespace eql_match_test {

using rulec::interp::testing::Doc;
using rulec::interp::testing::kNow;
using rulec::interp::testing::test_schema;
using Ids = std::vector<int>;

// The events every case runs on; "id" names them. Field types are ECS's (the built-in schema).
const std::vector<std::string>& events() {
  static const std::vector<std::string> e = {
      R"({"id":1,"event":{"category":"process","type":["start","process_started"]},"process":{"name":"cmd.exe","args":["cmd.exe","/c","whoami"],"pid":100,"command_line":"cmd.exe /c whoami","executable":"C:\\Windows\\System32\\cmd.exe"},"user":{"name":"Alice"},"source":{"ip":"10.1.2.3"},"host":{"os":{"type":"windows"}}})",
      R"({"id":2,"event":{"category":"process"},"process":{"name":"CMD.EXE","args":["CMD.EXE"],"pid":200,"executable":"C:\\WINDOWS\\system32\\CMD.EXE"},"user":{"name":"bob"},"source":{"ip":"192.168.0.5"},"host":{"os":{"type":"linux"}}})",
      R"({"id":3,"event":{"category":"file"},"file":{"path":"/tmp/a*b","name":"a*b","size":10},"process":{"name":"bash","pid":300}})",
      R"({"id":4,"event":{"category":["network","process"]},"process":{"name":"a\\b"},"destination":{"port":443},"source":{"ip":"2001:db8::1"}})",
      R"({"id":5,"event":{"category":"Process"},"process":{"name":"x"}})",
      R"({"id":6})",
      R"({"id":7,"event":{"category":"network"},"destination":{"port":80},"process":{"name":"curl","args":["curl","-o","a.sh"]}})",
      R"({"id":8,"event":{"category":"process"},"process":{"name":"*","args":[]},"user":{"name":null}})",
      R"({"id":9,"event":{"category":"process"},"process":{"name":"svchost.exe","pid":5,"args":["-k","netsvcs"]},"user":{"name":"SYSTEM"}})",
      R"({"id":10,"process":{"title":")" + std::string(1100, 'a') + R"("}})",
  };
  return e;
}

const Ids kAll = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

Ids all_but(std::set<int> out) {
  Ids ids;
  for (int i : kAll)
    if (!out.count(i)) ids.push_back(i);
  return ids;
}

struct Case {
  std::string query;
  Ids expected;  // the ids of the events it matches, in input order
};

// eql.md §2 (query leaves, category) and §3 (the pushdown functions), one row per rule of the spec.
const std::vector<Case>& cases() {
  static const std::vector<Case> c = {
      // Category: event.category == "cat" (case-sensitive, any value); `any` adds nothing.
      {"process where true", {1, 2, 4, 8, 9}},
      {"network where true", {4, 7}},
      {"Process where true", {5}},
      {"\"process\" where true", {1, 2, 4, 8, 9}},
      {"any where true", kAll},
      {"process where process.name == \"cmd.exe\"", {1}},
      {"file where process.name == \"cmd.exe\"", {}},
      // ==: exact term, case-sensitive, `*` and `?` literal.
      {"any where process.name == \"cmd.exe\"", {1}},
      {"any where process.name == \"CMD.EXE\"", {2}},
      {"any where process.name == \"*\"", {8}},
      {"any where process.name == \"cmd.*\"", {}},
      {"any where process.name == \"?md.exe\"", {}},
      {"any where process.name == \"a\\\\b\"", {4}},
      {"any where process.pid == 100", {1}},
      {"any where process.pid == 100.0", {1}},
      {"any where user.name == \"alice\"", {}},
      // `:`: case-insensitive equality; `*`/`?` make it a case-insensitive wildcard; lists are OR.
      {"any where process.name : \"cmd.exe\"", {1, 2}},
      {"any where process.name : \"CMD.*\"", {1, 2}},
      {"any where process.name : \"c?d.exe\"", {1, 2}},
      {"any where process.name : (\"bash\", \"CURL\")", {3, 7}},
      {"any where process.name : \"*\"", {1, 2, 3, 4, 5, 7, 8, 9}},
      {"any where user.name : \"alice\"", {1}},
      {"any where process.executable : \"c:\\\\windows\\\\system32\\\\cmd.exe\"", {1, 2}},
      {"any where process.executable : \"C:\\\\Windows\\\\*\"", {1, 2}},
      // like / like~: `*` any run, `?` one character, no escape (`\` is literal).
      {"any where process.name like \"cmd.*\"", {1}},
      {"any where process.name like~ \"cmd.*\"", {1, 2}},
      {"any where process.name like \"?md.exe\"", {1}},
      {"any where process.name like \"cmd.exe\"", {1}},
      {"any where process.name like~ \"CMD.exe\"", {1, 2}},
      {"any where process.name like \"a\\\\b\"", {4}},
      {"any where process.name like \"a\\\\*\"", {4}},
      {"any where process.executable like \"C:\\\\Windows\\\\*\"", {1}},
      {"any where process.name like (\"bash\", \"cu*\")", {3, 7}},
      {"any where file.name like \"a*b\"", {3}},
      // regex / regex~: Lucene syntax, the whole value.
      {"any where process.name regex \"cmd\\\\.exe\"", {1}},
      {"any where process.name regex \"c.d.exe\"", {1}},
      {"any where process.name regex~ \"c.d.exe\"", {1, 2}},
      {"any where process.name regex \"md.exe\"", {}},
      {"any where process.name regex \".*md.*\"", {1}},
      {"any where process.name regex \"[a-z]+\"", {3, 5, 7}},
      {"any where process.name regex (\"bash\", \"x\")", {3, 5}},
      {"any where process.args regex \"-[a-z]\"", {7, 9}},
      // Lucene's operators Hyperscan lacks: complement, intersection, the empty language, intervals.
      {"any where process.name regex \"~(cmd\\\\.exe)\"", {2, 3, 4, 5, 7, 8, 9}},
      {"any where process.name regex \"[a-z]+&~(bash)\"", {5, 7}},
      {"any where process.name regex \"a&b\"", {}},
      {"any where process.name regex \"#|x\"", {5}},
      // regex in a script leaf (a function's value): the same translation, run by the script.
      {"any where concat(process.name, \"!\") regex \"c.*!\"", {1, 7}},
      {"any where substring(process.name, 0, 3) regex~ \"CMD\"", {1, 2}},
      {"any where substring(process.name, 0, 2) regex \"~(cu|cm)\"", {2, 3, 4, 5, 8, 9}},
      {"any where string(process.pid) regex \"<100-300>\"", {1, 2, 3}},
      {"any where process.name regex \"\\\"a\\\\b\\\"\"", {4}},  // Lucene "…" literal: the regex "a\b"
      // in / in~ / not in: exact / case-insensitive membership, null items dropped.
      {"any where process.name in (\"cmd.exe\", \"bash\")", {1, 3}},
      {"any where process.name in~ (\"cmd.exe\", \"BASH\")", {1, 2, 3}},
      {"any where process.name in (\"cmd.exe\", null)", {1}},
      {"any where process.name in (null)", {}},
      {"any where process.name in (\"CMD.*\")", {}},
      {"any where process.pid in (100, 300)", {1, 3}},
      {"any where process.name not in (\"cmd.exe\", \"bash\")", all_but({1, 3})},
      {"any where process.name not in~ (\"CMD.EXE\")", all_but({1, 2})},
      {"any where process.name not in (null)", kAll},
      // != / not / not in are must_not: true on a missing field and when no value matches.
      {"any where process.name != \"cmd.exe\"", all_but({1})},
      {"any where not process.name == \"cmd.exe\"", all_but({1})},
      {"any where user.name != \"Alice\"", all_but({1})},
      {"any where process.args != \"cmd.exe\"", all_but({1})},
      {"any where not process.args : \"WHOAMI\"", all_but({1})},
      {"any where not process.name like \"*\"", {6, 10}},
      {"any where process.pid != 100", all_but({1})},
      // f == null: absent; f != null: present (null and [] are absent).
      {"any where user.name == null", {3, 4, 5, 6, 7, 8, 10}},
      {"any where user.name != null", {1, 2, 9}},
      {"any where process.args == null", {3, 4, 5, 6, 8, 10}},
      {"any where ?user.name == null", {3, 4, 5, 6, 7, 8, 10}},
      {"any where not user.name == null", {1, 2, 9}},
      // Ranges: numbers numerically, strings case-sensitively in byte order; constant first flips.
      {"any where process.pid > 100", {2, 3}},
      {"any where process.pid >= 100", {1, 2, 3}},
      {"any where process.pid < 100", {9}},
      {"any where process.pid <= 5", {9}},
      {"any where 100 < process.pid", {2, 3}},
      {"any where 100 >= process.pid", {1, 9}},
      {"any where process.pid > 99.5", {1, 2, 3}},
      {"any where destination.port >= 80 and destination.port < 443", {7}},
      {"any where process.name < \"c\"", {2, 3, 4, 8}},
      {"any where process.name >= \"cmd.exe\"", {1, 5, 7, 9}},
      {"any where process.name > \"CMD.EXE\" and process.name < \"a\"", {}},
      // Multi-valued fields: a leaf is true when any value matches.
      {"any where process.args == \"whoami\"", {1}},
      {"any where process.args : \"WHOAMI\"", {1}},
      {"any where event.type == \"start\"", {1}},
      {"any where process.args in (\"-o\", \"-k\")", {7, 9}},
      {"any where process.args == \"whoami\" and process.args == \"/c\"", {1}},
      // cidrMatch on an ip field: a terms query of the blocks.
      {"any where cidrMatch(source.ip, \"10.0.0.0/8\")", {1}},
      {"any where cidrMatch(source.ip, \"10.0.0.0/8\", \"192.168.0.0/16\")", {1, 2}},
      {"any where cidrmatch(source.ip, \"2001:db8::/32\")", {4}},
      {"any where cidrMatch(source.ip, \"0.0.0.0/0\")", {1, 2}},
      {"any where cidrMatch(source.ip, \"10.1.2.3/32\")", {1}},
      {"any where not cidrMatch(source.ip, \"10.0.0.0/8\")", all_but({1})},
      // startsWith: a prefix query (the text literal); endsWith / stringContains: wildcards built
      // without escaping, so `*`, `?` and `\` in the argument are wildcard syntax.
      {"any where startsWith(process.name, \"cmd\")", {1}},
      {"any where startsWith~(process.name, \"CMD\")", {1, 2}},
      {"any where startsWith(process.name, \"*\")", {8}},
      {"any where startsWith(process.name, \"c?d\")", {}},
      {"any where endsWith(process.name, \".exe\")", {1, 9}},
      {"any where endsWith~(process.name, \".EXE\")", {1, 2, 9}},
      {"any where endsWith(process.name, \"c?d.exe\")", {1}},
      {"any where endsWith(process.name, \"\\\\b\")", {4}},
      {"any where stringContains(process.name, \"md\")", {1}},
      {"any where stringContains~(process.name, \"MD\")", {1, 2}},
      {"any where stringContains(process.command_line, \"c*who\")", {1}},
      {"any where stringContains(process.command_line, \"/c who\")", {1}},
      {"any where stringContains(process.name, \"\\\\\")", {8}},  // `*\*`: an escaped star
      {"any where not stringContains(process.name, \"md\")", all_but({1})},
      // A keyword value longer than ignore_above is not indexed: no query leaf matches it.
      {"any where process.title like \"a*\"", {}},
      {"any where process.title != \"x\"", kAll},
      // Script leaves (§2, §3): SQL nulls (a missing field is null, null is no match), any
      // combination of the values of multi-valued fields; `not` over a script leaf stays inside it,
      // so `not null` is no match either (unlike must_not above).
      {"any where length(process.name) > 3", {1, 2, 3, 7, 9}},
      {"any where not length(process.name) > 3", {4, 5, 8}},
      {"any where length(user.name) >= 0", {1, 2, 9}},
      {"any where not length(user.name) >= 0", {}},
      {"any where length(process.args) == 2", {1, 7, 9}},
      {"any where process.pid + 1 == 101", {1}},
      {"any where process.pid * 2 > 0", {1, 2, 3, 9}},
      {"any where process.pid % 2 == 1", {9}},
      {"any where divide(process.pid, 3) == 33", {1}},
      {"any where process.pid + 1 == null", {}},
      {"any where substring(process.name, 0, 3) == \"cmd\"", {1}},
      {"any where substring(process.name, -4) == \".exe\"", {1, 9}},
      {"any where concat(process.name, \"!\") == \"x!\"", {5}},
      {"any where string(process.pid) == \"100\"", {1}},
      {"any where indexOf(process.name, \"e\") == 4", {1}},
      {"any where between(process.name, \"c\", \".\") == \"md\"", {1}},
      // Boolean structure over leaves is classical.
      {"any where process.name == \"cmd.exe\" or process.name == \"bash\"", {1, 3}},
      {"any where not (process.name == \"cmd.exe\" or user.name == \"bob\")", all_but({1, 2})},
      {"process where not process.name : \"cmd.exe\" and user.name != null", {9}},
      {"any where false", {}},
      {"any where not false", kAll},
  };
  return c;
}

std::string ids_text(const Ids& ids) {
  std::string s = "{";
  for (int i : ids) s += (s.size() > 1 ? "," : "") + std::to_string(i);
  return s + "}";
}

// The query lowered as the engines run it (test schema, event.category); fails on any diagnostic.
rulec::kql::NodePtr lowered(const std::string& query) {
  auto parsed = rulec::eql::parse(query);
  EXPECT_TRUE(parsed) << query << ": " << (parsed ? "" : parsed.error->message);
  if (!parsed) return nullptr;
  auto low = rulec::eql::lower_filter(parsed.query->event, test_schema(), "event.category");
  EXPECT_TRUE(low.unsupported.empty()) << query << ": " << low.unsupported;
  for (const auto& d : low.diagnostics) ADD_FAILURE() << query << ": " << d.code << " " << d.message;
  return std::move(low.tree);
}

// Both engines in process: the reference interpreter and the compiled engine (which must agree
// with its own field-filtered decode).
TEST(EqlMatch, SemanticsTableInProcess) {
  std::vector<std::unique_ptr<Doc>> docs;
  for (const auto& e : events()) {
    docs.push_back(std::make_unique<Doc>(e));
    ASSERT_TRUE(docs.back()->ok) << e << ": " << docs.back()->error;
  }
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.query);
    auto tree = lowered(c.query);
    if (!tree) continue;
    rulec::plan::RuleAsts rule;
    rule.name = "query";
    rule.query = tree.get();
    std::string error;
    auto built = rulec::pipeline::build({rule}, test_schema(), error);
    ASSERT_TRUE(built.has_value()) << error;
    rulec::rt::CompiledEngine& engine = *built->engine;
    engine.set_now_ms(kNow);
    rulec::rt::Decoder filtered;
    filtered.set_filter(&engine.filter());
    Ids interp, jit;
    for (size_t i = 0; i < docs.size(); ++i) {
      const Doc& d = *docs[i];
      const int id = static_cast<int>(i) + 1;
      if (rulec::interp::matches(*tree, d.ev, test_schema(), kNow)) interp.push_back(id);
      rulec::rt::RuleBits bits(1);
      engine.evaluate(d.ev, bits);
      const bool plain = bits.test(0);
      if (plain) jit.push_back(id);
      rulec::rt::Event ev;
      ASSERT_EQ(filtered.decode(d.json, ev), rulec::rt::DecodeError::None);
      engine.evaluate(ev, bits);
      EXPECT_EQ(bits.test(0), plain) << "event " << id << ": the filtered decode disagrees";
      if (plain && engine.line_prefilter()) {
        EXPECT_TRUE(engine.line_prefilter()->any(d.json)) << "event " << id << ": the prefilter drops a match";
      }
    }
    EXPECT_EQ(ids_text(interp), ids_text(c.expected)) << "interpreter";
    EXPECT_EQ(ids_text(jit), ids_text(c.expected)) << "compiled engine";
  }
}

using rulec::testing::quote;
using rulec::testing::run_shell;
using rulec::testing::TempDir;

std::string write_events(const TempDir& d) {
  std::string text;
  for (const auto& e : events()) text += e + "\n";
  d.write("events.ndjson", text);
  return d.str("events.ndjson");
}

struct MatchRun {
  int status = -1;
  Ids ids;
  std::string out;
};

// `rulec match -l eql --engine ENGINE -q QUERY FILE`: the ids of the printed events, in order.
MatchRun rulec_match(const std::string& engine, const std::string& query, const std::string& file,
                     const std::string& extra = "") {
  MatchRun m;
  const auto r = run_shell(rulec::testing::bin("rulec") + " match -l eql --engine " + engine + " " + extra + " -q " +
                           quote(query) + " " + quote(file) + " 2>/dev/null");
  m.status = r.status;
  m.out = r.out;
  if (!extra.empty()) return m;
  for (const auto& line : rulec::testing::nonempty_lines(r.out)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("id")) {
      ADD_FAILURE() << "not an event of the input: " << line;
      continue;
    }
    m.ids.push_back(j["id"].get<int>());
  }
  return m;
}

// The same table through the command line (the built-in schema), on both engines.
TEST(EqlMatch, SemanticsTableThroughRulecMatch) {
  TempDir d;
  const std::string file = write_events(d);
  // Both engines answer every case in process (SemanticsTableInProcess); here the command line
  // is what is checked: the cases alternate between the engines (one process start each), and
  // every eighth case is counted as well.
  size_t i = 0;
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.query);
    const char* engine = i % 2 ? "jit" : "interp";
    const MatchRun m = rulec_match(engine, c.query, file);
    EXPECT_EQ(m.status, c.expected.empty() ? 1 : 0) << engine << ": exit 0 when some event matched, 1 when none";
    EXPECT_EQ(ids_text(m.ids), ids_text(c.expected)) << engine;
    if (i % 8 == 0) {
      const MatchRun n = rulec_match(engine, c.query, file, "--count");
      EXPECT_EQ(n.out, std::to_string(c.expected.size()) + "\n") << engine << " --count";
    }
    ++i;
    if (HasFailure()) break;  // one query's story, not a hundred
  }
}

// Values longer than 64 bytes: Vectorscan 5.4.9 (the distribution's libvectorscan5) on AVX-512
// machines loses matches of literal sets past the 64th byte of the scanned text through its
// dispatched scanner (hs_scan of (-o|-k) missed about one value in six of "x"*N + "-o" for N >= 64).
// The compiled engine's wildcard groups, both engines' regex leaves and the line prefilter scan
// through rt::hs_block_scan, which steers around it.
TEST(EqlMatch, LongValuesMatchPastTheSixtyFourthByte) {
  TempDir d;
  std::string text;
  int n = 0;
  for (int pos = 0; pos < 300; pos += 3)
    for (int tail = 0; tail < 80; tail += 7)
      text += R"({"id":)" + std::to_string(++n) + R"(,"process":{"command_line":")" + std::string(pos, 'x') + "-o" +
              std::string(tail, 'y') + "\"}}\n";
  d.write("long.ndjson", text);
  for (const char* q : {"any where process.command_line like (\"*-o*\", \"*-k*\")",
                        "any where process.command_line regex \".*(-o|-k).*\"",
                        "any where stringContains(process.command_line, \"-o\")"}) {
    SCOPED_TRACE(q);
    for (const char* engine : {"interp", "jit"}) {
      const MatchRun m = rulec_match(engine, q, d.str("long.ndjson"), "--count");
      EXPECT_EQ(m.out, std::to_string(n) + "\n") << engine;
    }
  }
}

// §5: head N keeps the first N results, tail N the last N, applied left to right.
TEST(EqlMatch, HeadAndTailPipes) {
  TempDir d;
  const std::string file = write_events(d);
  // `process where true` matches 1, 2, 4, 8, 9 in input order.
  const std::vector<std::pair<std::string, Ids>> pipes = {
      {"| head 2", {1, 2}},           {"| tail 2", {8, 9}},           {"| head 3 | tail 1", {4}},
      {"| tail 3 | head 1", {4}},     {"| head 10", {1, 2, 4, 8, 9}}, {"| tail 10", {1, 2, 4, 8, 9}},
      {"| head 4 | head 2", {1, 2}},  {"| tail 4 | tail 2", {8, 9}},  {"| head 4 | tail 3 | head 2", {2, 4}},
      {"| tail 4 | head 3 | tail 2", {4, 8}}, {"| head 1", {1}}, {"| tail 1", {9}},
  };
  for (const auto& [pipe, expected] : pipes) {
    const std::string q = "process where true " + pipe;
    SCOPED_TRACE(q);
    for (const char* engine : {"interp", "jit"}) {
      const MatchRun m = rulec_match(engine, q, file);
      EXPECT_EQ(m.status, expected.empty() ? 1 : 0) << engine << ": exit 0 when some event matched, 1 when none";
      EXPECT_EQ(ids_text(m.ids), ids_text(expected)) << engine;
      const MatchRun n = rulec_match(engine, q, file, "--count");
      EXPECT_EQ(n.out, std::to_string(expected.size()) + "\n") << engine << " --count";
    }
  }
}

// Queries rulec refuses exit 2 with the reason on stderr, on both engines.
TEST(EqlMatch, RefusedQueriesExitTwo) {
  TempDir d;
  const std::string file = write_events(d);
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"process where process.name == process.executable", "EQL200"},  // field vs field
      {"process where process.name : process.executable", "EQL100"},
      {"process where process.name regex \"<name>\"", "named automata"},
      {"process where length(process.name) regex \"1.*\"", "EQL201"},  // a number is no string
      {"process where startsWith(process.name, \"c\") : \"true\"", "EQL201"},
      {"process where length(process.name, 2) > 3", "EQL202"},                   // arity
      {"process where message : \"x\"", "EQL201"},                     // text field, no keyword sub-field
      {"process where process.pid : \"x\"", "EQL201"},
      {"process where process.name regex \"(abc\"", "EQL203"},
      {"process where process.name == \"x\" | count", "EQL102"},
      {"process where process.name == ", "EQL100"},
      {"sequence by host.id [process where true] [file where true]", "sequence"},
  };
  for (const auto& [q, why] : refused) {
    SCOPED_TRACE(q);
    for (const char* engine : {"interp", "jit"}) {
      const auto r = run_shell(rulec::testing::bin("rulec") + " match -l eql --engine " + engine + " --count -q " +
                               quote(q) + " " + quote(file) + " 2>&1");
      EXPECT_EQ(r.status, 2) << engine << ": " << r.out;
      EXPECT_NE(r.out.find(why), std::string::npos) << engine << ": " << r.out;
    }
  }
}

}  // namespace eql_match_test
}  // namespace
