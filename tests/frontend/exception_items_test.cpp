// Tests of exception items: entries -> KQL AST, os_types, and attaching items to rules by list.
#include "compiler/frontend/exception_items.h"

#include <gtest/gtest.h>

#include "common/ast_util.h"

#include "common/test_util.h"

#include <algorithm>
#include <fstream>
#include <map>

namespace rulec {
namespace {
namespace exception_items_test {

using rulec::testing::list;

using json = nlohmann::json;
using kql::NodePtr;

NodePtr is_q(std::string f, std::string v) {
  kql::Value val;
  val.pattern = kql::literal(std::move(v), true);
  return kql::make_is(kql::literal(std::move(f)), std::move(val));
}
NodePtr exists(std::string f) { return kql::make_exists(kql::literal(std::move(f))); }

NodePtr tx(const std::string& entries, std::vector<Diagnostic>* out = nullptr) {
  std::vector<Diagnostic> d;
  NodePtr n = translate_exception_entries(json::parse(entries), d);
  if (out)
    *out = d;
  else
    EXPECT_TRUE(d.empty()) << entries << " -> " << (d.empty() ? "" : d[0].message);
  return n;
}

TEST(ExceptionEntries, MatchIncludedIsExactQuotedIs) {
  EXPECT_TREE(tx(R"([{"type": "match", "field": "host.name", "value": "test-host", "operator": "included"}])"),
              is_q("host.name", "test-host"));
}

TEST(ExceptionEntries, MatchExcludedIsNot) {
  EXPECT_TREE(tx(R"([{"type": "match", "field": "host.name", "value": "a", "operator": "excluded"}])"),
              kql::make_not(is_q("host.name", "a")));
}

TEST(ExceptionEntries, MatchAnyIsOr) {
  EXPECT_TREE(
      tx(R"([{"type": "match_any", "field": "user.name", "value": ["root", "admin"], "operator": "included"}])"),
      kql::make_or(list(is_q("user.name", "root"), is_q("user.name", "admin"))));
  EXPECT_TREE(
      tx(R"([{"type": "match_any", "field": "user.name", "value": ["root", "admin"], "operator": "excluded"}])"),
      kql::make_not(kql::make_or(list(is_q("user.name", "root"), is_q("user.name", "admin")))));
  EXPECT_TREE(tx(R"([{"type": "match_any", "field": "u", "value": ["one"], "operator": "included"}])"),
              is_q("u", "one"));
}

TEST(ExceptionEntries, WildcardIsCaseSensitiveEsPattern) {
  NodePtr n = tx(
      R"([{"type": "wildcard", "field": "file.path", "value": "C:\\\\Users\\\\*\\\\app?.exe", "operator": "included"}])");
  ASSERT_TRUE(n);
  ASSERT_EQ(n->kind, kql::NodeKind::Is);
  kql::Pattern p;
  p.segments = {"C:\\Users\\", "\\app", ".exe"};
  p.wildcards = "*?";
  EXPECT_EQ(n->value.pattern, p);
  EXPECT_FALSE(n->value.pattern.case_insensitive);  // Kibana sends no case_insensitive flag
  EXPECT_FALSE(n->value.pattern.quoted);
  NodePtr x = tx(R"([{"type": "wildcard", "field": "f", "value": "a*", "operator": "excluded"}])");
  ASSERT_TRUE(x);
  EXPECT_EQ(x->kind, kql::NodeKind::Not);
}

TEST(ExceptionEntries, Exists) {
  EXPECT_TREE(tx(R"([{"type": "exists", "field": "process.code_signature.trusted", "operator": "included"}])"),
              exists("process.code_signature.trusted"));
  EXPECT_TREE(tx(R"([{"type": "exists", "field": "a", "operator": "excluded"}])"), kql::make_not(exists("a")));
}

TEST(ExceptionEntries, EntriesAreAnded) {
  EXPECT_TREE(tx(R"([{"type": "match", "field": "a", "value": "1", "operator": "included"},
                     {"type": "exists", "field": "b", "operator": "excluded"},
                     {"type": "match_any", "field": "c", "value": ["x", "y"], "operator": "included"}])"),
              kql::make_and(list(is_q("a", "1"), kql::make_not(exists("b")),
                                 kql::make_or(list(is_q("c", "x"), is_q("c", "y"))))));
}

TEST(ExceptionEntries, NestedHoldsRelativeFields) {
  EXPECT_TREE(tx(R"([{"type": "nested", "field": "file.Ext.code_signature", "entries": [
                       {"type": "match", "field": "subject_name", "value": "Acme", "operator": "included"},
                       {"type": "exists", "field": "trusted", "operator": "included"}]}])"),
              kql::make_nested(kql::literal("file.Ext.code_signature"),
                               kql::make_and(list(is_q("subject_name", "Acme"), exists("trusted")))));
}

TEST(ExceptionEntries, NestedInsideNestedIsRefused) {
  std::vector<Diagnostic> d;
  EXPECT_EQ(
      tx(R"([{"type": "nested", "field": "a", "entries": [{"type": "nested", "field": "b", "entries": []}]}])", &d),
      nullptr);
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0].code, "RUL303");
}

TEST(ExceptionEntries, ValueListIsNotAvailable) {
  std::vector<Diagnostic> d;
  EXPECT_EQ(tx(R"([{"type": "match", "field": "a", "value": "1", "operator": "included"},
                   {"type": "list", "field": "source.ip", "operator": "included",
                    "list": {"id": "trusted-ips.txt", "type": "ip"}}])",
               &d),
            nullptr);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "RUL303");
  EXPECT_EQ(d[0].severity, Severity::Error);
  EXPECT_EQ(d[0].offending, "trusted-ips.txt");
  EXPECT_NE(d[0].message.find("value list 'trusted-ips.txt' not available"), std::string::npos) << d[0].message;
}

TEST(ExceptionEntries, BadEntriesAreRul303) {
  const char* bad[] = {
      R"([])",
      R"({"type": "match"})",
      R"([{"type": "match", "field": "a", "value": "1"}])",                        // no operator
      R"([{"type": "match", "field": "a", "value": 1, "operator": "included"}])",  // not a string
      R"([{"type": "match_any", "field": "a", "value": [], "operator": "included"}])",
      R"([{"type": "regex", "field": "a", "value": "x", "operator": "included"}])",  // unknown type
      R"([{"field": "a", "value": "x", "operator": "included"}])",                   // no type
      R"([{"type": "match", "value": "x", "operator": "included"}])",                // no field
      R"([42])",
  };
  for (const char* b : bad) {
    std::vector<Diagnostic> d;
    EXPECT_EQ(tx(b, &d), nullptr) << b;
    ASSERT_FALSE(d.empty()) << b;
    EXPECT_EQ(d[0].code, "RUL303") << b;
  }
}

TEST(ExceptionEntries, BlankAroundFieldIsAWarningAndKeptVerbatim) {
  std::vector<Diagnostic> d;
  NodePtr n = tx(R"([{"type": "match", "field": " host.name", "value": "liv-win-ser", "operator": "included"}])", &d);
  EXPECT_TREE(std::move(n), is_q(" host.name", "liv-win-ser"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].severity, Severity::Warning);
  EXPECT_EQ(d[0].code, "RUL303");
}

TEST(ExceptionItem, OsTypesAddTheHostOsClause) {
  std::vector<Diagnostic> d;
  NodePtr n = translate_exception_item(
      json::parse(R"([{"type": "match", "field": "process.name", "value": "x.exe", "operator": "included"}])"),
      {"windows", "macos"}, d);
  EXPECT_TREE(std::move(n),
              kql::make_and(list(
                  kql::make_or(list(is_q("host.os.type", "windows"), is_q("host.os.type", "macos"),
                                    is_q("host.os.name.caseless", "windows"), is_q("host.os.name.caseless", "macos"))),
                  is_q("process.name", "x.exe"))));
  EXPECT_TRUE(d.empty());
}

TEST(ExceptionItem, FromExportObject) {
  std::string why;
  auto item = exception_item_from_json(json::parse(R"({"item_id": "i1", "list_id": "L", "name": "n", "id": "so1",
      "namespace_type": "agnostic", "type": "simple", "os_types": [], "expire_time": "2030-01-01T00:00:00.000Z",
      "entries": [{"type": "exists", "field": "a", "operator": "included"}]})"),
                                       &why);
  ASSERT_TRUE(item) << why;
  EXPECT_EQ(item->item_id, "i1");
  EXPECT_EQ(item->list_id, "L");
  EXPECT_EQ(item->id, "so1");
  EXPECT_EQ(item->namespace_type, "agnostic");
  EXPECT_EQ(item->expire_time, "2030-01-01T00:00:00.000Z");
  EXPECT_TREE(std::move(item->ast), exists("a"));
  EXPECT_TRUE(item->diagnostics.empty());
}

TEST(ExceptionItem, DiagnosticsNameTheItem) {
  // A value list mixed with another entry: Kibana applies neither part (RUL303 error).
  auto item = exception_item_from_json(json::parse(R"({"item_id": "i9", "list_id": "L", "name": "ips",
      "entries": [{"type": "list", "field": "source.ip", "operator": "excluded", "list": {"id": "v1", "type": "ip"}},
                  {"type": "match", "field": "user.name", "operator": "included", "value": "x"}]})"));
  ASSERT_TRUE(item);
  EXPECT_EQ(item->ast, nullptr);
  EXPECT_TRUE(item->value_lists.empty());
  ASSERT_EQ(item->diagnostics.size(), 1u);
  EXPECT_NE(item->diagnostics[0].message.find("exception item 'ips' (i9)"), std::string::npos);
  EXPECT_NE(item->diagnostics[0].message.find("mixing value lists with other entries"), std::string::npos);
}

TEST(ExceptionItem, ValueListEntriesAreKeptForTheRuntime) {
  auto item = exception_item_from_json(json::parse(R"({"item_id": "i8", "list_id": "L", "name": "ips",
      "entries": [{"type": "list", "field": "source.ip", "operator": "excluded", "list": {"id": "v1", "type": "ip_range"}},
                  {"type": "list", "field": "user.name", "operator": "included", "list": {"id": "v2", "type": "keyword"}}]})"));
  ASSERT_TRUE(item);
  EXPECT_EQ(item->ast, nullptr);
  EXPECT_TRUE(item->diagnostics.empty());
  ASSERT_EQ(item->value_lists.size(), 2u);
  EXPECT_EQ(item->value_lists[0].field, "source.ip");
  EXPECT_EQ(item->value_lists[0].id, "v1");
  EXPECT_EQ(item->value_lists[0].type, "ip_range");
  EXPECT_FALSE(item->value_lists[0].included);
  EXPECT_TRUE(item->value_lists[1].included);
  auto bad = exception_item_from_json(json::parse(R"({"item_id": "i7", "list_id": "L", "name": "dates",
      "entries": [{"type": "list", "field": "@timestamp", "operator": "included", "list": {"id": "d", "type": "date_range"}}]})"));
  ASSERT_TRUE(bad);
  EXPECT_TRUE(bad->value_lists.empty());
  ASSERT_EQ(bad->diagnostics.size(), 1u);
  EXPECT_NE(bad->diagnostics[0].message.find("value list type 'date_range' is not supported"), std::string::npos);
}

TEST(ExceptionItem, WithoutListIdIsNoItem) {
  std::string why;
  EXPECT_EQ(exception_item_from_json(json::parse(R"({"item_id": "x", "entries": []})"), &why), nullptr);
  EXPECT_NE(why.find("list_id"), std::string::npos);
  EXPECT_EQ(exception_item_from_json(json::parse("[1]"), &why), nullptr);
}

// Every exception item of the real export translates.
TEST(ExceptionItem, ExportItemsTranslate) {
  std::ifstream in(RULEC_SHARED_DIR "/corpus/kibana-export.ndjson");
  std::string line;
  size_t items = 0;
  while (std::getline(in, line)) {
    json o = json::parse(line);
    if (o.value("type", "") != "simple") continue;
    auto item = exception_item_from_json(o);
    ASSERT_TRUE(item);
    ASSERT_TRUE(item->ast) << o.dump();
    EXPECT_EQ(item->ast->kind, kql::NodeKind::Is);
    ++items;
  }
  EXPECT_EQ(items, 2u);
}

// --- Attaching items to rules (load_rules) -----------------------------------------------------

using Strings = std::vector<std::string>;
using namespace rulec::testing;

TEST(Attach, ExportItemsAttachToTheirRules) {
  RuleSet s = load_rules({RULEC_SHARED_DIR "/corpus/kibana-export.ndjson"});
  std::map<std::string, std::vector<std::string>> attached;
  for (const auto& r : s.rules)
    for (const auto* it : r.exception_items) attached[r.rule_id].push_back(it->item_id);
  EXPECT_EQ(attached.size(), 3u);
  EXPECT_EQ(attached["7e0f6dae-5847-465f-89e9-a6de0e9ef918"], (Strings{"734852b6-b3bf-4942-8b3b-c058bd16088f"}));
  EXPECT_EQ(attached["2390c9dd-ad90-4af6-97a4-1d607ba0f092"], (Strings{"734852b6-b3bf-4942-8b3b-c058bd16088f"}));
  EXPECT_EQ(attached["d46a29ca-9b5b-4cbd-b11f-35c6b59f207b"], (Strings{"9ed8fb85-d920-4759-ba47-8d273cbb55b6"}));
  // every item attaches somewhere and has an AST
  for (const auto& it : s.exception_items) {
    ASSERT_TRUE(it->ast) << it->item_id;
    EXPECT_EQ(it->ast->kind, kql::NodeKind::Is);
  }
  const Rule* nt = find(s, "2390c9dd-ad90-4af6-97a4-1d607ba0f092");
  const ExceptionItem* host = nt->exception_items[0];
  EXPECT_EQ(host->ast->field.joined(), "host.name");
  EXPECT_EQ(host->ast->value.pattern, kql::literal("test-host", true));
  EXPECT_EQ(host->namespace_type, "single");
  // the threshold rule's item names " host.name" (leading blank, as exported): kept, with a warning
  const Rule* th = find(s, "d46a29ca-9b5b-4cbd-b11f-35c6b59f207b");
  EXPECT_EQ(th->exception_items[0]->ast->field.joined(), " host.name");
  EXPECT_EQ(count_diags(*th, "RUL303", Severity::Warning), 1u);
  for (const auto& r : s.rules) EXPECT_EQ(count_diags(r, "RUL303"), 0u);  // no errors
}

TEST(Attach, ListsItemsAndMissingLists) {
  RuleSet s = load_rules({RULEC_SOURCE_DIR "/tests/data/rules/exceptions.ndjson"});
  ASSERT_EQ(s.rules.size(), 3u) << all_messages(s);
  EXPECT_TRUE(s.file_errors.empty()) << all_messages(s);
  EXPECT_EQ(s.exception_lists.size(), 3u);
  ASSERT_EQ(s.exception_items.size(), 3u);
  const Rule* r1 = find(s, "ex-rule-1");
  ASSERT_EQ(r1->exception_items.size(), 2u);
  const ExceptionItem* nested = r1->exception_items[0];
  EXPECT_EQ(nested->item_id, "i1");
  ASSERT_TRUE(nested->ast);
  ASSERT_EQ(nested->ast->kind, kql::NodeKind::And);
  EXPECT_EQ(nested->ast->children[0]->kind, kql::NodeKind::Nested);
  EXPECT_EQ(nested->ast->children[0]->field.joined(), "process.Ext.code_signature");
  EXPECT_EQ(nested->ast->children[1]->value.pattern.wildcards, "*");
  const ExceptionItem* users = r1->exception_items[1];
  ASSERT_TRUE(users->ast);
  EXPECT_EQ(users->os_types, (Strings{"linux"}));
  EXPECT_EQ(users->ast->kind, kql::NodeKind::And);  // os clause AND the match_any
  EXPECT_TRUE(mentions(*r1, "RUL303", "'L-missing'"));
  EXPECT_EQ(count_diags(*r1, "RUL303", Severity::Warning), 1u);
  // rule 2 names its list by saved-object id only; the item is a value list, kept for the runtime
  // (whether its file is given is analyze()'s concern: --value-list)
  const Rule* r2 = find(s, "ex-rule-2");
  ASSERT_EQ(r2->exception_items.size(), 1u);
  EXPECT_EQ(r2->exception_items[0]->ast, nullptr);
  ASSERT_EQ(r2->exception_items[0]->value_lists.size(), 1u);
  EXPECT_EQ(r2->exception_items[0]->value_lists[0].id, "trusted-ips");
  EXPECT_EQ(count_diags(*r2, "RUL303"), 0u);
  // rule 3's list is loaded and empty: nothing attached, nothing to warn about
  const Rule* r3 = find(s, "ex-rule-3");
  EXPECT_TRUE(r3->exception_items.empty());
  EXPECT_TRUE(r3->diagnostics.empty());
}

}  // namespace exception_items_test
}  // namespace
}  // namespace rulec
