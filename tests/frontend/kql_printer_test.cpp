// KQL printer: parse(print(ast)) == ast for every parsable tree, canonical text, dump and JSON formats.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <toml++/toml.h>

#include "frontend/kql_cases.h"

#include "compiler/frontend/parser.h"
#include "compiler/frontend/printer.h"

namespace {
namespace kql_printer_test {

using namespace rulec::kql;
using namespace kql_cases;

// Prints, re-parses and compares; returns the printed text.
std::string round_trip(const Node& n, const std::string& context) {
  std::string text = print(n);
  ParseResult r = parse(text);
  EXPECT_TRUE(r) << context << "\nprinted: " << text << "\n" << (r ? "" : rulec::render(*r.error, text));
  if (r) {
    EXPECT_TRUE(equal(*r.ast, n)) << context << "\nprinted: " << text << "\nwant:\n"
                                  << dump(n) << "got:\n" << dump(*r.ast);
    EXPECT_EQ(print(*r.ast), text) << context << ": printing is not stable";
  }
  return text;
}

TEST(KqlPrinter, RoundTripsEveryValidConformanceQuery) {
  int valid = 0;
  for (const Case& c : cases()) {
    if (!c.tree) continue;
    ++valid;
    ParseResult r = parse(c.query);
    ASSERT_TRUE(r) << c.name;
    round_trip(*r.ast, c.name);
    EXPECT_EQ(print(*c.tree()), print(*r.ast)) << c.name;  // same tree, same text
  }
  EXPECT_GT(valid, 150);
}

Value S(std::string s) { return V(std::move(s)); }

TEST(KqlPrinter, RoundTripsTrickyValues) {
  std::vector<NodePtr> trees;
  for (std::string v : {"b or c", "b and c", "b OR c", "x or", "x and", "cannot", "Not x", "x not y", "NOT",
                        "or", "and", "not", "or x", "and x", "not x", "a not", "cannot.exe", "x\tor\ty",
                        "x\nnot", "b  or  c", "a:b", "(x)", "{y}", "<5>", "say \"hi\"", "C:\\Windows\\",
                        "back\\slash", "star*lit", "?", "a?b", "TRUE", "Null", "070", "1.5e3", "caf\xC3\xA9",
                        "\xF0\x9F\x98\x80", "nb\xC2\xA0sp", "em\xE2\x80\x83sp", "ctl\x01x", "\\u0041", "x\\",
                        "true x", "-", "@", "=>", "a=b", ""}) {
    trees.push_back(Is(F("f"), S(v)));
    trees.push_back(Is(F("f"), VQ(v)));
    trees.push_back(Ft(S(v)));
    trees.push_back(Or(Is(F("f"), S(v)), Ft(S(v)), Rg(F(v), Ge, S(v))));
    trees.push_back(And(Not(Ft(S(v))), Is(F(v), S("x"))));
  }
  for (std::string v : {"  leading", "trailing  ", " both ", "\ttab", "nl\n", "", " "}) {
    trees.push_back(Is(F("f"), VQ(v)));  // quoted values keep every space
    trees.push_back(Is(FQ(v), S("x")));
  }
  trees.push_back(Is(F("f"), VW({"", "*", ""})));     // wildcards around a literal star
  trees.push_back(Is(F("f"), VW({"a or", "b"})));     // keyword before a wildcard
  trees.push_back(Is(F("f"), VW({"can", "not"})));    // `not` after a wildcard, before a space
  trees.push_back(Or(Is(F("f"), VW({"can", "not"})), Ft(S("x"))));
  trees.push_back(Is(FW({"process.", ".name"}), VW({"", "x", ""})));
  trees.push_back(Is(F("f"), VT(LiteralType::True, "true")));
  trees.push_back(Is(F("f"), VT(LiteralType::Null, "null")));
  trees.push_back(Is(F("f"), VQ("false")));
  trees.push_back(Not(Not(Is("a", "b"))));
  trees.push_back(Not(And(Is("a", "b"), Or(Is("c", "d"), Not(Is("e", "f"))))));
  trees.push_back(Ns(F("a"), Ns(F("b"), Or(Is("c", "d"), Ex(F("e"))))));
  trees.push_back(And(Or(Is("a", "b"), Is("c", "d")), Or(Is("e", "f"), All())));
  trees.push_back(Ex(FQ("*")));
  for (const auto& t : trees) round_trip(*t, dump(*t));
}

TEST(KqlPrinter, RoundTripsRandomTrees) {
  std::mt19937 rng(2024);
  const std::vector<std::string> pieces = {"a", "n", "o", "t", "r", "d", "N", " ", " ", "\t", ":", "(", ")", "{",
                                           "}", "*", "\"", "\\", "<", ">", "?", "\xC2\xA0", "\x01", "\xC3\xA9",
                                           "or", "and", "not", "Not", "true"};
  auto str = [&](int max) {
    std::string s;
    for (int n = rng() % max; n > 0; --n) s += pieces[rng() % pieces.size()];
    return s;
  };
  // Only trees the parser can produce: unquoted literals are trimmed and never a lone `*`.
  auto pattern = [&](bool quoted) {
    for (;;) {
      Pattern p = literal(str(5), quoted);
      if (!quoted)
        for (int w = rng() % 3; w > 0; --w) {
          p.add_wildcard('*');
          p.segments.back() = str(4);
        }
      if (quoted) return p;
      auto space_at = [](const std::string& s, size_t i) {
        return i < s.size() && (s[i] == ' ' || s[i] == '\t' || s.compare(i, 2, "\xC2\xA0") == 0);
      };
      const std::string& first = p.segments.front();
      const std::string& last = p.segments.back();
      bool trailing = !last.empty() && (last.back() == ' ' || last.back() == '\t' || last.back() == '\xA0');
      if (space_at(first, 0) || trailing || p.is_star()) continue;
      return p;
    }
  };
  auto value = [&] {
    Value v{pattern(rng() % 3 == 0), LiteralType::String};
    if (!v.pattern.quoted && !v.pattern.has_wildcard()) {
      const std::string& s = v.pattern.segments[0];
      if (s == "true") v.type = LiteralType::True;
      if (s == "false") v.type = LiteralType::False;
      if (s == "null") v.type = LiteralType::Null;
    }
    return v;
  };
  // Fields often repeat, so that and/or trees on one field (printed as value lists) are common.
  auto field = [&] { return rng() % 2 ? literal(rng() % 2 ? "a" : "b") : pattern(rng() % 3 == 0); };
  std::function<NodePtr(int)> node = [&](int depth) -> NodePtr {
    switch (rng() % (depth > 3 ? 4 : 8)) {
      case 0: return make_is(field(), value());
      case 1: return make_range(field(), RangeOp(rng() % 4), value());
      case 2: return make_free_text(value());
      case 3: return make_exists(rng() % 2 ? literal("a") : pattern(true));
      case 4: return make_nested(field(), node(depth + 1));
      case 5: return make_not(node(depth + 1));
      default: {
        std::vector<NodePtr> kids;
        for (int n = 2 + rng() % 3; n > 0; --n) kids.push_back(node(depth + 1));
        return rng() % 2 ? make_and(std::move(kids)) : make_or(std::move(kids));
      }
    }
  };
  for (int i = 0; i < 20000; ++i) {
    NodePtr t = node(0);
    round_trip(*t, "random tree " + std::to_string(i));
    if (HasFailure()) break;
  }
}

TEST(KqlPrinter, RoundTripsEveryCorpusRule) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(RULEC_SHARED_DIR) / "corpus" / "detection-rules";
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  int files = 0, queries = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    toml::table doc;
    try {
      doc = toml::parse_file(entry.path().string());
    } catch (const toml::parse_error& e) {
      ADD_FAILURE() << entry.path() << ": " << e.description();
      continue;
    }
    if (doc["rule"]["language"].value_or(std::string()) != "kuery") continue;
    auto query = doc["rule"]["query"].value<std::string>();
    if (!query) continue;
    ++queries;
    ParseResult r = parse(*query);
    ASSERT_TRUE(r) << entry.path() << "\n" << rulec::render(*r.error, *query);
    round_trip(*r.ast, entry.path().string());
  }
  EXPECT_EQ(files, 729);
  EXPECT_EQ(queries, 729);
}

std::string canon(const std::string& q) {
  ParseResult r = parse(q);
  return r ? print(*r.ast) : "ERROR " + r.error->message;
}

TEST(KqlPrinter, CanonicalText) {
  EXPECT_EQ(canon("  A:b  OR  c : d AND NOT e:f "), "A:b or c:d and not e:f");
  EXPECT_EQ(canon("(a:b or c:d) and e:f"), "(a:b or c:d) and e:f");
  EXPECT_EQ(canon("((a:b and c:d)) or e:f"), "a:b and c:d or e:f");
  EXPECT_EQ(canon("not (a:b or c:d)"), "not (a:b or c:d)");
  EXPECT_EQ(canon("not (not a:b)"), "not (not a:b)");
  EXPECT_EQ(canon("a:(b or c) and d:x"), "a:(b or c) and d:x");
  EXPECT_EQ(canon("a:b and a:c"), "a:(b and c)");  // and/or trees on one field print as value lists
  EXPECT_EQ(canon("a:(b or not (c and d)) or a:*"), "a:(b or not (c and d) or *)");
  EXPECT_EQ(canon("not a:(b or c)"), "not a:(b or c)");
  EXPECT_EQ(canon("a:(not (not b)) and c:d"), "not (not a:b) and c:d");
  EXPECT_EQ(canon("x:1 or a:(b or c) and d:e"), "x:1 or a:(b or c) and d:e");
  EXPECT_EQ(canon("a:\"x\\\"y\\\\z\""), "a:\"x\\\"y\\\\z\"");
  EXPECT_EQ(canon("a:\"tab\\there\""), "a:\"tab\\there\"");
  EXPECT_EQ(canon("a:b \\or c"), "a:b \\or c");
  EXPECT_EQ(canon("a:b \\OR c or d:e"), "a:b \\OR c or d:e");
  EXPECT_EQ(canon("a:(b \\or) or c:d"), "a:b \\or or c:d");
  EXPECT_EQ(canon("a:(x \\and)"), "a:x and");  // at the very end `and` needs no escape
  EXPECT_EQ(canon("a:(cannot) or b:c"), "a:can\\u006Eot or b:c");
  EXPECT_EQ(canon("a:(CANNOT) or b:c"), "a:CAN\\NOT or b:c");
  EXPECT_EQ(canon("a:cannot"), "a:cannot");
  EXPECT_EQ(canon("a >= 5"), "a >= 5");
  EXPECT_EQ(canon("a<=\"5\""), "a <= \"5\"");
  EXPECT_EQ(canon("a:{ b:c }"), "a:{b:c}");
  EXPECT_EQ(canon("a: *"), "a:*");
  EXPECT_EQ(canon(" * : * "), "*:*");
  EXPECT_EQ(canon(""), "*:*");
  EXPECT_EQ(canon("a:*\\*"), "a:*\\*");
  EXPECT_EQ(canon("a:b\\tc"), "a:b\\tc");
  EXPECT_EQ(canon("a:b\tc"), "a:b\\tc");
  EXPECT_EQ(canon("a:\\u0041\\u00e9"), "a:A\xC3\xA9");
  EXPECT_EQ(canon("a:b\xC2\xA0" "c"), "a:b\\u00A0c");
  EXPECT_EQ(canon("a:\"true\""), "a:\"true\"");
  EXPECT_EQ(canon("a:true"), "a:true");
  EXPECT_EQ(canon("a:\\t"), "a:\\t");  // the empty unquoted value
  EXPECT_EQ(canon("\"a b\":\"c d\""), "\"a b\":\"c d\"");
  EXPECT_EQ(canon("a\\:b:c\\(d\\)"), "a\\:b:c\\(d\\)");
  EXPECT_EQ(canon("process.*:x*"), "process.*:x*");
}

TEST(KqlPrinter, PrintsUnexpressiblePatternsAsNonKql) {
  Pattern p;
  p.segments = {"C:\\", ".exe"};
  p.wildcards = "*";
  p.case_insensitive = true;
  EXPECT_EQ(print(*Is(F("process.executable"), Value{p, LiteralType::String})),
            "process.executable:~wildcard(\"C:\\\\*.exe\", case_insensitive)");
  Pattern q;
  q.segments = {"a*", "b"};
  q.wildcards = "?";
  EXPECT_EQ(print(*Is(F("f"), Value{q, LiteralType::String})), "f:~wildcard(\"a\\*?b\")");
  EXPECT_FALSE(parse(print(*Is(F("f"), Value{q, LiteralType::String}))));  // and it is not KQL
}

TEST(KqlPrinter, DumpFormat) {
  ParseResult r = parse("process.name:\"apache2\" or not a:(b* or true) and x < 5 or n:{m:*} or \"free\" or *:*");
  ASSERT_TRUE(r);
  EXPECT_EQ(dump(*r.ast),
            "or\n"
            "  is process.name q\"apache2\"\n"
            "  and\n"
            "    not\n"
            "      or\n"
            "        is a \"b\"*\n"
            "        is a true\n"
            "    range x < \"5\"\n"
            "  nested n\n"
            "    exists m\n"
            "  free_text q\"free\"\n"
            "  match_all\n");
  EXPECT_EQ(dump(*parse("\"a b\":*\\* or p.*:\"true\"").ast),
            "or\n"
            "  is q\"a b\" *\"*\"\n"
            "  is \"p.\"* q\"true\"\n");
}

TEST(KqlPrinter, JsonFormat) {
  ParseResult r = parse("a:b* and not c >= \"5\"");
  ASSERT_TRUE(r);
  nlohmann::json j = nlohmann::json::parse(to_json(*r.ast));
  EXPECT_EQ(j["kind"], "and");
  ASSERT_EQ(j["children"].size(), 2u);
  const auto& is = j["children"][0];
  EXPECT_EQ(is["kind"], "is");
  EXPECT_EQ(is["field"], (nlohmann::json{{"segments", {"a"}}, {"wildcards", ""}, {"quoted", false}}));
  EXPECT_EQ(is["value"],
            (nlohmann::json{{"segments", {"b", ""}}, {"wildcards", "*"}, {"quoted", false}, {"type", "string"}}));
  EXPECT_EQ(is["pos"], (nlohmann::json{{"line", 1}, {"column", 1}, {"offset", 0}}));
  const auto& neg = j["children"][1];
  EXPECT_EQ(neg["kind"], "not");
  EXPECT_EQ(neg["child"]["kind"], "range");
  EXPECT_EQ(neg["child"]["op"], ">=");
  EXPECT_EQ(neg["child"]["value"]["quoted"], true);
  EXPECT_EQ(nlohmann::json::parse(to_json(*parse("a:null").ast))["value"]["type"], "null");
  EXPECT_EQ(nlohmann::json::parse(to_json(*parse("").ast))["kind"], "match_all");
}

}  // namespace kql_printer_test
}  // namespace
