// Helpers of the interpreter test suites: the test schema, parsing a query, decoding a document, one table case.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "compiler/frontend/parser.h"
#include "compiler/frontend/schema.h"
#include "compiler/interp/interp.h"
#include "runtime/decoder/decoder.h"

namespace rulec::interp::testing {

// 2024-05-15T12:00:00Z: the fixed "now" of every date-math case.
inline constexpr int64_t kNow = 1715774400000;

// The built-in schema (ECS 9.5.0 + Elastic Defend) plus a few test-only fields for types ECS
// does not use or settings it does not have.
inline const Schema& test_schema() {
  static const Schema schema = [] {
    Diagnostic err;
    auto s = Schema::builtin(err, std::string(RULEC_SHARED_DIR) + "/schema");
    EXPECT_TRUE(s.has_value()) << err.message;
    Schema out = s ? std::move(*s) : Schema();
    auto set = [&](const char* name, FieldType t, uint32_t ignore_above = 0, bool lower = false) {
      FieldInfo i;
      i.type = t;
      i.ignore_above = ignore_above;
      i.lowercase = lower;
      out.set(name, i);
    };
    set("test.int", FieldType::Integer);
    set("test.short", FieldType::Short);
    set("test.byte", FieldType::Byte);
    set("test.double", FieldType::Double);
    set("test.ulong", FieldType::UnsignedLong);
    set("test.nanos", FieldType::DateNanos);
    set("test.kw5", FieldType::Keyword, 5);
    set("test.kw5.caseless", FieldType::Keyword, 5, true);
    set("test.kw5.text", FieldType::MatchOnlyText);
    set("test.nested", FieldType::Nested);
    set("test.nested.name", FieldType::Keyword, 1024);
    set("test.nested.count", FieldType::Long);
    set("test.nested.inner", FieldType::Nested);
    set("test.nested.inner.v", FieldType::Keyword, 1024);
    return out;
  }();
  return schema;
}

// A decoded document that owns its decoder (the event's views point into it).
struct Doc {
  rt::Decoder decoder;
  rt::Event ev;
  std::string json;
  bool ok = false;
  std::string error;

  explicit Doc(std::string_view text) : json(text) {
    ok = decoder.decode(json, ev, &error) == rt::DecodeError::None;
  }
};

// Parses `query` (failing the test on a syntax error) and evaluates it on `doc`.
inline bool eval_query(std::string_view query, std::string_view doc, int64_t now = kNow) {
  auto parsed = kql::parse(query);
  EXPECT_TRUE(parsed) << "query does not parse: " << query << ": " << (parsed.error ? parsed.error->message : "");
  if (!parsed) return false;
  Doc d(doc);
  EXPECT_TRUE(d.ok) << "document does not decode: " << doc << ": " << d.error;
  return matches(*parsed.ast, d.ev, test_schema(), now);
}

// One table-driven case: `query` on `doc` must give `expected`. `name` names the ctest case.
struct Case {
  const char* name;
  const char* query;
  const char* doc;
  bool expected;
};

inline std::string case_name(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

inline void PrintTo(const Case& c, std::ostream* os) { *os << c.query << "  on  " << c.doc; }

}  // namespace rulec::interp::testing
