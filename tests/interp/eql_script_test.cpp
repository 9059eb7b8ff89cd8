// EQL script leaves against eql.md §2-§3: every function of the table, SQL nulls, value combinations, `not` inside a script.
#include <gtest/gtest.h>

#include <string>

#include "compiler/frontend/eql_lower.h"
#include "compiler/frontend/eql_parser.h"
#include "interp/interp_test_util.h"

namespace eql_script_test {

using namespace rulec;
using interp::testing::kNow;
using interp::testing::test_schema;

// The event every case runs on: strings, numbers (process.pid is long), a multi-valued field,
// an ip, a missing field (process.parent.name).
constexpr const char* kEvent =
    R"({"process":{"name":"Cmd.exe","pid":42,"command_line":"cmd.exe /c whoami","args":["a","bb","ccc"],)"
    R"("executable":"C:\\cmd.exe"},"source":{"ip":"10.1.2.3"},"user":{"name":"bob"},"file":{"name":"é𝄞x"}})";

// Is `condition` true on kEvent? Fails the test when it is not a script leaf (these cases must
// exercise the script path) or when it does not lower.
bool holds(const std::string& condition) {
  auto parsed = eql::parse("any where " + condition);
  EXPECT_TRUE(parsed) << condition << ": " << (parsed.error ? parsed.error->message : "");
  if (!parsed) return false;
  eql::LoweredFilter low = eql::lower_filter(parsed.query->event, test_schema(), "event.category");
  EXPECT_TRUE(low.tree) << condition << ": " << low.unsupported;
  if (!low.tree) return false;
  bool script = false;
  std::vector<const kql::Node*> stack{low.tree.get()};
  while (!stack.empty()) {
    const kql::Node* n = stack.back();
    stack.pop_back();
    script = script || n->kind == kql::NodeKind::Script;
    for (const auto& c : n->children) stack.push_back(c.get());
  }
  EXPECT_TRUE(script) << condition << " is not a script leaf";
  interp::testing::Doc d(kEvent);
  EXPECT_TRUE(d.ok);
  return interp::matches(*low.tree, d.ev, test_schema(), kNow);
}

TEST(EqlScript, Arithmetic) {
  EXPECT_TRUE(holds("process.pid + 1 == 43"));
  EXPECT_TRUE(holds("process.pid * 2 - 4 == 80"));
  EXPECT_TRUE(holds("process.pid / 5 == 8"));      // integer division truncates (Java)
  EXPECT_TRUE(holds("-process.pid % 5 == -2"));    // modulo takes the dividend's sign
  EXPECT_TRUE(holds("process.pid / 4.0 == 10.5"));
  EXPECT_TRUE(holds("add(process.pid, 1) == 43"));
  EXPECT_TRUE(holds("subtract(process.pid, 2) == 40"));
  EXPECT_TRUE(holds("multiply(process.pid, 2) == 84"));
  EXPECT_TRUE(holds("divide(process.pid, 4) == 10"));
  EXPECT_TRUE(holds("modulo(process.pid, 5) == 2"));
  EXPECT_FALSE(holds("process.pid / 0 == 1"));     // Elasticsearch fails the search: no match here
}

TEST(EqlScript, StringFunctions) {
  EXPECT_TRUE(holds("length(process.name) == 7"));
  EXPECT_TRUE(holds("length(file.name) == 4"));  // UTF-16 units: é is 1, the clef 2, x 1
  EXPECT_TRUE(holds("startsWith(process.command_line, concat(\"cmd\", \".exe\"))"));
  EXPECT_FALSE(holds("startsWith(process.name, concat(\"cmd\", \".exe\"))"));   // case-sensitive
  EXPECT_TRUE(holds("startsWith~(process.name, concat(\"cmd\", \".exe\"))"));
  EXPECT_TRUE(holds("endsWith(process.command_line, string(\"whoami\"))"));
  EXPECT_TRUE(holds("endsWith(concat(\"\"), \"\")"));                             // endsWith("", "") is true
  EXPECT_FALSE(holds("stringContains(process.command_line, concat(\"\"))"));     // an empty substring: false
  EXPECT_TRUE(holds("stringContains(process.command_line, user.name) == false"));
  EXPECT_TRUE(holds("indexOf(process.command_line, \"c\") == 0"));
  EXPECT_TRUE(holds("indexOf(process.command_line, \"c\", 1) == 9"));
  EXPECT_TRUE(holds("indexOf(process.command_line, \"c\", -5) == 0"));           // a negative start is 0
  EXPECT_FALSE(holds("indexOf(process.command_line, \"zzz\") >= 0"));           // a miss is null
  EXPECT_FALSE(holds("indexOf(process.command_line, \"c\", 99) >= 0"));         // a start past the end is null
  EXPECT_TRUE(holds("substring(process.command_line, 0, 3) == \"cmd\""));
  EXPECT_TRUE(holds("substring(process.command_line, -6) == \"whoami\""));      // Python slices
  EXPECT_TRUE(holds("substring(process.command_line, 4, -7) == \"exe /c\""));
  EXPECT_TRUE(holds("substring(process.command_line, 5, 2) == \"\""));
  EXPECT_TRUE(holds("between(process.command_line, \"cmd.exe \", \" whoami\") == \"/c\""));
  EXPECT_TRUE(holds("between(process.command_line, \"x\", \"y\") == \"\""));    // left not found
  EXPECT_TRUE(holds("between(process.command_line, \"c\", \"m\", true) == \"md.exe /c whoa\""));  // greedy
  EXPECT_TRUE(holds("between~(process.command_line, \"CMD.EXE \", \" WHOAMI\") == \"/c\""));
  EXPECT_TRUE(holds("number(\"0x2A\") == process.pid - 0"));
  EXPECT_TRUE(holds("number(\"101\", 2) == 5"));
  EXPECT_TRUE(holds("number(\"1.5\") == 1.5"));
  EXPECT_FALSE(holds("number(\"x\") == 1"));                                   // a conversion error: no match
  EXPECT_TRUE(holds("string(process.pid) == \"42\""));
  EXPECT_TRUE(holds("concat(process.name, \"-\", process.pid, true) == \"Cmd.exe-42true\""));
  EXPECT_TRUE(holds("cidrMatch(string(source.ip), \"10.0.0.0/8\")"));
  EXPECT_FALSE(holds("cidrMatch(string(source.ip), \"192.168.0.0/16\", \"11.0.0.0/8\")"));
}

TEST(EqlScript, NullsAndValueCombinations) {
  // A missing field is null, and any null operand makes the leaf null: no match, `not` included.
  EXPECT_FALSE(holds("length(process.parent.name) > 0"));
  EXPECT_FALSE(holds("not length(process.parent.name) > 0"));
  EXPECT_FALSE(holds("concat(process.name, process.parent.name) == \"Cmd.exe\""));
  EXPECT_TRUE(holds("not length(process.name) > 10"));
  // A multi-valued field: true when some value makes it true.
  EXPECT_TRUE(holds("length(process.args) == 3"));
  EXPECT_TRUE(holds("length(process.args) == 1"));
  EXPECT_FALSE(holds("length(process.args) == 4"));
  EXPECT_TRUE(holds("concat(process.args, user.name) == \"bbbob\""));  // every combination of the fields' values
  // `:`, like and in inside a script.
  EXPECT_TRUE(holds("substring(process.name, 0, 3) : \"CMD\""));
  EXPECT_TRUE(holds("substring(process.name, 0, 3) like~ \"c?D\""));
  EXPECT_FALSE(holds("substring(process.name, 0, 3) like \"c*\""));
  EXPECT_TRUE(holds("substring(process.name, 0, 3) in~ (\"x\", \"CMD\")"));
  EXPECT_TRUE(holds("substring(process.name, 0, 3) not in (\"x\", null)"));
}

}  // namespace eql_script_test
