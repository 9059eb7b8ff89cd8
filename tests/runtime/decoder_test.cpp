// Tests of the event decoder against the field-lookup rules of spec/kql.md §2 and the event model of rules.md §5.
#include "runtime/decoder/decoder.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "common/alloc_counter.h"

namespace rulec::rt {
namespace {
namespace decoder_test {

using L = std::tuple<std::string, std::string, ValueKind, uint32_t>;  // path, text, kind, scope

std::vector<L> leaves_of(const Event& ev) {
  std::vector<L> out;
  for (const Leaf& l : ev.leaves) out.emplace_back(std::string(l.path), std::string(l.text), l.kind, l.scope);
  return out;
}

std::vector<L> decode_ok(std::string_view json) {
  Decoder d;
  Event ev;
  std::string msg;
  const DecodeError e = d.decode(json, ev, &msg);
  EXPECT_EQ(e, DecodeError::None) << json << ": " << msg;
  return leaves_of(ev);
}

std::vector<std::string> values_at(const Event& ev, std::string_view path) {
  std::vector<std::string> out;
  for (const Leaf& l : ev.leaves)
    if (l.path == path) out.emplace_back(l.text);
  return out;
}

constexpr auto S = ValueKind::String;
constexpr auto N = ValueKind::Number;

TEST(Decoder, NestedDottedAndMixedFormsAreTheSameField) {
  const std::vector<L> want = {{"process.parent.name", "bash", S, 0}};
  EXPECT_EQ(decode_ok(R"({"process":{"parent":{"name":"bash"}}})"), want);
  EXPECT_EQ(decode_ok(R"({"process.parent.name":"bash"})"), want);
  EXPECT_EQ(decode_ok(R"({"process":{"parent.name":"bash"}})"), want);
  EXPECT_EQ(decode_ok(R"({"process.parent":{"name":"bash"}})"), want);
}

TEST(Decoder, DottedKeysInsideNestedObjects) {
  EXPECT_EQ(decode_ok(R"({"a":{"process.parent.name":"x","b":{"c.d":1}}})"),
            (std::vector<L>{{"a.process.parent.name", "x", S, 0}, {"a.b.c.d", "1", N, 0}}));
  // An escaped dot is a dot: the key is joined into the path as it reads.
  EXPECT_EQ(decode_ok(R"({"a\u002eb":1})"), (std::vector<L>{{"a.b", "1", N, 0}}));
}

TEST(Decoder, ScalarKindsAndDocumentOrder) {
  Decoder d;
  Event ev;
  ASSERT_EQ(d.decode(R"({"s":"x","n":-12.5,"t":true,"f":false,"z":null})", ev), DecodeError::None);
  EXPECT_EQ(leaves_of(ev), (std::vector<L>{{"s", "x", S, 0},
                                           {"n", "-12.5", N, 0},
                                           {"t", "true", ValueKind::True, 0},
                                           {"f", "false", ValueKind::False, 0},
                                           {"z", "null", ValueKind::Null, 0}}));
  ASSERT_EQ(ev.scopes.size(), 1u);
  EXPECT_EQ(ev.scopes[0].parent, 0u);
  EXPECT_EQ(ev.scopes[0].path, "");
  EXPECT_EQ(ev.raw, R"({"s":"x","n":-12.5,"t":true,"f":false,"z":null})");
}

TEST(Decoder, ArraysOfScalarsAreMultiValued) {
  EXPECT_EQ(decode_ok(R"({"process":{"args":["ls","--color=auto","-la"]},"n":[1,"1",true]})"),
            (std::vector<L>{{"process.args", "ls", S, 0},
                            {"process.args", "--color=auto", S, 0},
                            {"process.args", "-la", S, 0},
                            {"n", "1", N, 0},
                            {"n", "1", S, 0},
                            {"n", "true", ValueKind::True, 0}}));
}

TEST(Decoder, ArraysOfArraysFlatten) {
  EXPECT_EQ(decode_ok(R"({"a":[[1,2],[[3]],[],4]})"),
            (std::vector<L>{{"a", "1", N, 0}, {"a", "2", N, 0}, {"a", "3", N, 0}, {"a", "4", N, 0}}));
}

TEST(Decoder, ArraysOfObjectsOpenScopes) {
  Decoder d;
  Event ev;
  ASSERT_EQ(d.decode(R"({"x":0,"a":[{"b":1,"c":"p"},{"b":2}],"y":3})", ev), DecodeError::None);
  EXPECT_EQ(leaves_of(ev), (std::vector<L>{{"x", "0", N, 0},
                                           {"a.b", "1", N, 1},
                                           {"a.c", "p", S, 1},
                                           {"a.b", "2", N, 2},
                                           {"y", "3", N, 0}}));
  ASSERT_EQ(ev.scopes.size(), 3u);
  for (uint32_t s : {1u, 2u}) {
    EXPECT_EQ(ev.scopes[s].parent, 0u);
    EXPECT_EQ(ev.scopes[s].path, "a");
  }
}

TEST(Decoder, NestedArraysOfObjectsChainTheirScopes) {
  Decoder d;
  Event ev;
  ASSERT_EQ(d.decode(R"({"a":[{"n":1,"b":[{"c":1},{"c":2}]},{"n":2,"b":[{"c":3}]}]})", ev), DecodeError::None);
  // Scopes in document order: a[0]=1, a[0].b[0]=2, a[0].b[1]=3, a[1]=4, a[1].b[0]=5.
  EXPECT_EQ(leaves_of(ev), (std::vector<L>{{"a.n", "1", N, 1},
                                           {"a.b.c", "1", N, 2},
                                           {"a.b.c", "2", N, 3},
                                           {"a.n", "2", N, 4},
                                           {"a.b.c", "3", N, 5}}));
  ASSERT_EQ(ev.scopes.size(), 6u);
  const std::vector<std::pair<uint32_t, std::string>> want = {{0, ""}, {0, "a"}, {1, "a.b"}, {1, "a.b"}, {0, "a"}, {4, "a.b"}};
  for (size_t s = 0; s < want.size(); ++s) {
    EXPECT_EQ(ev.scopes[s].parent, want[s].first) << s;
    EXPECT_EQ(ev.scopes[s].path, want[s].second) << s;
  }
}

TEST(Decoder, ObjectsInsideArraysOfArraysAndMixedArrays) {
  Decoder d;
  Event ev;
  ASSERT_EQ(d.decode(R"({"a":[[{"b":1}],"s",{"b":2}]})", ev), DecodeError::None);
  EXPECT_EQ(leaves_of(ev), (std::vector<L>{{"a.b", "1", N, 1}, {"a", "s", S, 0}, {"a.b", "2", N, 2}}));
  ASSERT_EQ(ev.scopes.size(), 3u);
  EXPECT_EQ(ev.scopes[1].path, "a");
  EXPECT_EQ(ev.scopes[1].parent, 0u);
  EXPECT_EQ(ev.scopes[2].parent, 0u);
}

TEST(Decoder, EmptyArraysAndObjectsGiveNoLeaf) {
  EXPECT_EQ(decode_ok(R"({})"), std::vector<L>{});
  EXPECT_EQ(decode_ok(R"({"a":[],"b":{},"c":[[],[{}]],"d":{"e":{}}})"), std::vector<L>{});
  EXPECT_EQ(decode_ok(" \t{ \"a\" : [ ] , \"b\" : 1 }  \r"), (std::vector<L>{{"b", "1", N, 0}}));
}

TEST(Decoder, NullAndArrayOfNull) {
  EXPECT_EQ(decode_ok(R"({"a":null,"b":[null],"c":[null,"x"]})"),
            (std::vector<L>{{"a", "null", ValueKind::Null, 0},
                            {"b", "null", ValueKind::Null, 0},
                            {"c", "null", ValueKind::Null, 0},
                            {"c", "x", S, 0}}));
}

TEST(Decoder, NumbersKeepTheirTextAsWritten) {
  EXPECT_EQ(decode_ok(R"({"a":1.0,"b":1e3,"c":-0,"d":123456789012345678901234567890,"e":-1.5E-7,"f":0.10,
                         "g":[18446744073709551616, 2E+2 ]})"),
            (std::vector<L>{{"a", "1.0", N, 0},
                            {"b", "1e3", N, 0},
                            {"c", "-0", N, 0},
                            {"d", "123456789012345678901234567890", N, 0},
                            {"e", "-1.5E-7", N, 0},
                            {"f", "0.10", N, 0},
                            {"g", "18446744073709551616", N, 0},
                            {"g", "2E+2", N, 0}}));
}

TEST(Decoder, StringsAreUnescaped) {
  EXPECT_EQ(decode_ok(R"({"a":"caf\u00e9","b":"\ud83d\ude00","c":"q\"b\\s\/n\n\t","d":"\u0000x","e":"é😀"})"),
            (std::vector<L>{{"a", "caf\xC3\xA9", S, 0},
                            {"b", "\xF0\x9F\x98\x80", S, 0},
                            {"c", "q\"b\\s/n\n\t", S, 0},
                            {"d", std::string("\0x", 2), S, 0},
                            {"e", "\xC3\xA9\xF0\x9F\x98\x80", S, 0}}));
  EXPECT_EQ(decode_ok(R"({"k\u00e9y":{"\"q\"":1}})"), (std::vector<L>{{"k\xC3\xA9y.\"q\"", "1", N, 0}}));
}

TEST(Decoder, DuplicateKeysKeepEveryValue) {
  EXPECT_EQ(decode_ok(R"({"a":1,"a":2,"b":{"c":"x"},"b.c":"y"})"),
            (std::vector<L>{{"a", "1", N, 0}, {"a", "2", N, 0}, {"b.c", "x", S, 0}, {"b.c", "y", S, 0}}));
}

TEST(Decoder, ViewsStayValidUntilTheNextDecode) {
  Decoder d;
  Event ev;
  std::string json = R"({"a":{"b":"x\u0041"},"c":[1,2]})";
  ASSERT_EQ(d.decode(json, ev), DecodeError::None);
  json.assign(json.size(), ' ');  // the caller's buffer may change: the views do not point into it
  EXPECT_EQ(leaves_of(ev), (std::vector<L>{{"a.b", "xA", S, 0}, {"c", "1", N, 0}, {"c", "2", N, 0}}));
  EXPECT_EQ(ev.raw, R"({"a":{"b":"x\u0041"},"c":[1,2]})");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Decoder, RealElasticDefendExecEvent) {
  const std::string text = read_file(std::string(RULEC_SHARED_DIR) + "/events/linux-exec-event.json");
  ASSERT_FALSE(text.empty());
  Decoder d;
  Event ev;
  std::string msg;
  // The file as stored (a search hit, pretty-printed over many lines) decodes as its _source.
  ASSERT_EQ(d.decode(text, ev, &msg), DecodeError::None) << msg;
  EXPECT_EQ(values_at(ev, "process.parent.name"), std::vector<std::string>{"bash"});
  EXPECT_TRUE(values_at(ev, "_source.process.parent.name").empty());
  EXPECT_TRUE(values_at(ev, "_id").empty());
  // The event itself, as the sensor sees it: the _source document on one line.
  const std::string source = nlohmann::json::parse(text)["_source"].dump();
  ASSERT_EQ(d.decode(source, ev, &msg), DecodeError::None) << msg;
  EXPECT_EQ(values_at(ev, "process.parent.name"), std::vector<std::string>{"bash"});
  EXPECT_EQ(values_at(ev, "process.name"), std::vector<std::string>{"ls"});
  EXPECT_EQ(values_at(ev, "process.args"), (std::vector<std::string>{"ls", "--color=auto", "-la"}));
  EXPECT_EQ(values_at(ev, "process.command_line"), std::vector<std::string>{"ls --color=auto -la"});
  EXPECT_EQ(values_at(ev, "process.Ext.ancestry").size(), 8u);
  EXPECT_EQ(values_at(ev, "event.category"), std::vector<std::string>{"process"});
  EXPECT_EQ(values_at(ev, "@timestamp"), std::vector<std::string>{"2022-02-16T23:49:50.5022851Z"});
  EXPECT_TRUE(values_at(ev, "group.supplemental").empty());  // []
  EXPECT_EQ(values_at(ev, "host.ip").size(), 4u);
  // user.id is a number in the document (the mapping says keyword): its text is kept.
  bool found = false;
  for (const Leaf& l : ev.leaves) {
    if (l.path == "user.id") {
      EXPECT_EQ(l.kind, ValueKind::Number);
      EXPECT_EQ(l.text, "1000");
      found = true;
    }
    if (l.path == "process.parent.interactive") {
      EXPECT_EQ(l.kind, ValueKind::True);
    }
  }
  EXPECT_TRUE(found);
  // Arrays of objects: process.previous and the supplemental groups open scopes.
  for (const Leaf& l : ev.leaves) {
    if (l.path == "process.previous.args" || l.path == "process.previous.executable") {
      ASSERT_NE(l.scope, 0u);
      EXPECT_EQ(ev.scopes[l.scope].path, "process.previous");
      EXPECT_EQ(ev.scopes[l.scope].parent, 0u);
    }
    if (l.path == "process.parent.group.supplemental.name") {
      ASSERT_NE(l.scope, 0u);
      EXPECT_EQ(ev.scopes[l.scope].path, "process.parent.group.supplemental");
    }
    if (l.path == "process.name") {
      EXPECT_EQ(l.scope, 0u);
    }
  }
  EXPECT_EQ(ev.scopes.size(), 1u + 1u + 4u);  // previous[0], supplemental[0] under parent/group_leader/session/entry
}

DecodeError decode_error(std::string_view json, std::string* msg = nullptr, DecoderLimits limits = {}) {
  Decoder d(limits);
  Event ev;
  std::string m;
  const DecodeError e = d.decode(json, ev, &m);
  if (msg) *msg = m;
  if (e != DecodeError::None) {
    EXPECT_TRUE(ev.leaves.empty()) << json;
    EXPECT_FALSE(m.empty()) << json;
  }
  return e;
}

// Strings and keys are searched for escapes only between the document's first and last backslash:
// escapes first, last, alone, in keys only, and plain strings around them.
TEST(Decoder, EscapesAnywhereInTheDocument) {
  EXPECT_EQ(decode_ok(R"({"a":"\n","b":"x","c":"y"})"),
            (std::vector<L>{{"a", "\n", S, 0}, {"b", "x", S, 0}, {"c", "y", S, 0}}));
  EXPECT_EQ(decode_ok(R"({"a":"x","b":"y","c":"\t"})"),
            (std::vector<L>{{"a", "x", S, 0}, {"b", "y", S, 0}, {"c", "\t", S, 0}}));
  EXPECT_EQ(decode_ok(R"({"a":"\"","b":"plain","c":"\\"})"),
            (std::vector<L>{{"a", "\"", S, 0}, {"b", "plain", S, 0}, {"c", "\\", S, 0}}));
  EXPECT_EQ(decode_ok(R"({"p":"x","k\u0065y":"v","q":"y"})"),
            (std::vector<L>{{"p", "x", S, 0}, {"key", "v", S, 0}, {"q", "y", S, 0}}));
  EXPECT_EQ(decode_ok(R"({"\\":"\\"})"), (std::vector<L>{{"\\", "\\", S, 0}}));
  // Keys end at the quote before their ':', whatever the whitespace (or escaped quotes) around.
  EXPECT_EQ(decode_ok("{ \"a\" :\n\t\"x\" ,\"b\\\"\"\r\n:\"y\", \"\" : 1 }"),
            (std::vector<L>{{"a", "x", S, 0}, {"b\"", "y", S, 0}, {"", "1", N, 0}}));
  std::string msg;
  EXPECT_EQ(decode_error(R"({"a":"x","b":"\q","c":"y"})", &msg), DecodeError::BadJson);
  EXPECT_EQ(msg, "invalid escape in a string at byte 13");
  EXPECT_EQ(decode_error(R"({"a":"x","\q":1,"c":"y"})", &msg), DecodeError::BadJson);
  EXPECT_EQ(msg, "invalid escape in a key at byte 9");
}

TEST(Decoder, BadJson) {
  for (const char* bad : {R"({"a":1,})", R"({"a" 1})", R"({"a":1)", R"({"a":[1,2})", R"({a:1})", R"({"a":01})",
                          R"({"a":1.})", R"({"a":.5})", R"({"a":+1})", R"({"a":-})", R"({"a":1e})", R"({"a":NaN})",
                          R"({"a":tru})", R"({"a":nul})", R"({"a":falsey})", R"({"a":"x"y})", R"({"a":1}})",
                          R"({"a":1} x)", R"({"a":1} {"b":2})", R"({"a":"\x"})", R"({"a":"\ud800"})",
                          R"({"a":"\u12"})", R"({"a":"abc)", "{\"a\":\"a\tb\"}", "{\"a\":\"a\nb\"}",
                          R"({"a":1 2})", R"({"a":[1 2]})", R"({,})", R"({"a":})", R"({"a"})", R"({"a":[)",
                          R"({"a":{"b":1})", R"({"a":[1,]})", R"({"\q":1})", "{\"a\":1}\x01", "[1,", "x",
                          R"("abc)", "01", "tru", "[1] 2"}) {
    std::string msg;
    EXPECT_EQ(decode_error(bad, &msg), DecodeError::BadJson) << bad << " -> " << msg;
    EXPECT_NE(msg.find("at byte"), std::string::npos) << bad << " -> " << msg;
  }
}

TEST(Decoder, ErrorMessagesSayWhere) {
  std::string msg;
  EXPECT_EQ(decode_error(R"({"a":01})", &msg), DecodeError::BadJson);
  EXPECT_EQ(msg, "invalid number at byte 5");
  EXPECT_EQ(decode_error(R"({"a":1,"b":"abc)", &msg), DecodeError::BadJson);
  EXPECT_EQ(msg, "unclosed string at byte 11");
  EXPECT_EQ(decode_error("{\"ab\":\"x\ty\"}", &msg), DecodeError::BadJson);
  EXPECT_EQ(msg, "unescaped control character in a string at byte 8");
  EXPECT_EQ(decode_error(R"({"a":1,"b":tru})", &msg), DecodeError::BadJson);
  EXPECT_EQ(msg, "invalid literal at byte 11");
  EXPECT_EQ(decode_error("{\"a\":\"\xC3\xA9\xFF\"}", &msg), DecodeError::BadUtf8);
  EXPECT_EQ(msg, "invalid UTF-8 at byte 8");  // the 0xFF after "é"
  EXPECT_EQ(decode_error(R"({"a":1} {})", &msg), DecodeError::BadJson);
  EXPECT_EQ(msg, "unexpected content after the document at byte 8");
  EXPECT_EQ(decode_error(R"({"a":1}})", &msg), DecodeError::BadJson);
  EXPECT_EQ(msg, "unexpected content after the document at byte 7");
  EXPECT_EQ(decode_error(R"({"a":[1,2},"b":3})", &msg), DecodeError::BadJson);
  EXPECT_EQ(msg, "unexpected '}' at byte 9");
  EXPECT_EQ(decode_error(R"({"a":{"b":1})", &msg), DecodeError::BadJson);
  EXPECT_EQ(msg, "unexpected end of the document at byte 12");
  EXPECT_EQ(decode_error(R"(  [1,2])", &msg), DecodeError::NotObject);
  EXPECT_EQ(msg, "the document is an array, not an object (byte 2)");
}

TEST(Decoder, NotObject) {
  for (const char* doc : {"[1,2]", "[]", R"(["a",{"b":1}])", R"("x")", "42", "-1.5e3", "true", "false", "null", " 7 "}) {
    EXPECT_EQ(decode_error(doc), DecodeError::NotObject) << doc;
  }
}

TEST(Decoder, BadUtf8) {
  for (const char* bad : {"{\"a\":\"\xFF\"}", "{\"a\":\"\xC0\xAF\"}", "{\"a\":\"\xED\xA0\x80\"}", "{\"a\":\"\xE2\x82\"}",
                          "{\"\xF5\x80\x80\x80\":1}", "{\"a\":\"\xF4\x90\x80\x80\"}", "{\"a\":1}\x80"}) {
    std::string msg;
    EXPECT_EQ(decode_error(bad, &msg), DecodeError::BadUtf8) << bad;
    EXPECT_NE(msg.find("at byte"), std::string::npos) << msg;
  }
}

TEST(Decoder, Empty) {
  for (const char* blank : {"", " ", "\t\r\n ", "\r"}) EXPECT_EQ(decode_error(blank), DecodeError::Empty) << blank;
}

TEST(Decoder, TooLong) {
  DecoderLimits ten;
  ten.max_line_bytes = 10;
  EXPECT_EQ(decode_error(R"({"a":1234})", nullptr, ten), DecodeError::None);  // exactly 10 bytes
  std::string msg;
  EXPECT_EQ(decode_error(R"({"a":12345})", &msg, ten), DecodeError::TooLong);
  EXPECT_EQ(msg, "document of 11 bytes is longer than the limit of 10 bytes");
}

std::string nested(size_t depth, bool arrays) {
  std::string s = "{\"x\":";
  for (size_t k = 1; k < depth; ++k) s += arrays ? "[" : "{\"a\":";
  s += "1";
  for (size_t k = 1; k < depth; ++k) s += arrays ? "]" : "}";
  return s + "}";
}

TEST(Decoder, DepthLimit) {
  // The root object is level 1; every object or array inside adds one.
  DecoderLimits three;
  three.max_depth = 3;
  EXPECT_EQ(decode_error(R"({"a":{"b":{"c":1}}})", nullptr, three), DecodeError::None);
  EXPECT_EQ(decode_error(R"({"a":{"b":[1]}})", nullptr, three), DecodeError::None);
  std::string msg;
  EXPECT_EQ(decode_error(R"({"a":{"b":{"c":{}}}})", &msg, three), DecodeError::TooDeep);
  EXPECT_EQ(msg, "nesting deeper than 3 levels at byte 15");
  EXPECT_EQ(decode_error(R"({"a":[[[1]]]})", nullptr, three), DecodeError::TooDeep);
  EXPECT_EQ(decode_error(R"([[[[1]]]])", nullptr, three), DecodeError::TooDeep);

  EXPECT_EQ(decode_error(nested(256, false)), DecodeError::None);
  EXPECT_EQ(decode_error(nested(256, true)), DecodeError::None);
  EXPECT_EQ(decode_error(nested(257, false)), DecodeError::TooDeep);
  EXPECT_EQ(decode_error(nested(257, true)), DecodeError::TooDeep);
  // Far deeper than any stack could recurse: refused at the limit, not by crashing.
  EXPECT_EQ(decode_error(nested(1000000, false)), DecodeError::TooDeep);
  EXPECT_EQ(decode_error(nested(1000000, true)), DecodeError::TooDeep);
}

TEST(Decoder, DecoderIsReusableAfterErrors) {
  Decoder d;
  Event ev;
  ASSERT_EQ(d.decode(R"({"a":"\u00e9",)", ev), DecodeError::BadJson);
  ASSERT_EQ(d.decode(R"({"a":[{"b":"\u00e9"}]})", ev), DecodeError::None);
  EXPECT_EQ(leaves_of(ev), (std::vector<L>{{"a.b", "\xC3\xA9", S, 1}}));
  ASSERT_EQ(d.decode("[1]", ev), DecodeError::NotObject);
  EXPECT_TRUE(ev.leaves.empty());
  ASSERT_EQ(ev.scopes.size(), 1u);
}

TEST(Decoder, NoAllocationAfterWarmUp) {
  std::vector<std::string> docs = {
      R"({"a":{"b":"x","c":[1,2,3]},"d":[{"e":"\u00e9\ud83d\ude00"},{"e":"plain","f":[{"g":null}]}]})",
      R"({"process.args":["ls","-la"],"n":1.0e3,"t":true,"k\"ey":"v"})",
      R"({"bad":)",  // errors do not allocate either (no message asked)
      "[1,2]",
      "   ",
  };
  const std::string source =
      nlohmann::json::parse(read_file(std::string(RULEC_SHARED_DIR) + "/events/linux-exec-event.json"))["_source"].dump();
  docs.push_back(source);
  Decoder d;
  Event ev;
  for (int warm = 0; warm < 2; ++warm)
    for (const auto& doc : docs) (void)d.decode(doc, ev);
  const uint64_t before = g_allocations.load();
  ASSERT_GT(before, 0u);  // the counter sees allocations (the warm-up made some)
  size_t leaves = 0;
  for (int round = 0; round < 200; ++round) {
    for (const auto& doc : docs) {
      if (d.decode(doc, ev) == DecodeError::None) leaves += ev.leaves.size();
    }
  }
  EXPECT_EQ(g_allocations.load() - before, 0u);
  EXPECT_GT(leaves, 0u);
}

}  // namespace decoder_test
}  // namespace
}  // namespace rulec::rt
