// Helpers of the interpreter test suites: the test schema, parsing a query, decoding a document, one table case.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "compiler/frontend/parser.h"
#include "compiler/pipeline/build_engine.h"
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

// The compiled engine's answer for `ast` on `doc`, both on the event as decoded without a filter
// and as decoded with the engine's own field filter; the test fails when the two differ.
inline bool jit_query(const kql::Node& ast, const Doc& d, int64_t now) {
  plan::RuleAsts rule;
  rule.name = "query";
  rule.query = &ast;
  std::string error;
  auto built = pipeline::build({rule}, test_schema(), error);
  EXPECT_TRUE(built.has_value()) << "the compiled engine fails to build: " << error;
  if (!built) return false;
  rt::CompiledEngine& e = *built->engine;
  e.set_now_ms(now);
  rt::RuleBits bits(1);
  e.evaluate(d.ev, bits);
  const bool plain = bits.test(0);
  rt::Decoder dec;
  dec.set_filter(&e.filter());
  rt::Event ev;
  EXPECT_EQ(dec.decode(d.json, ev), rt::DecodeError::None);
  e.evaluate(ev, bits);
  EXPECT_EQ(bits.test(0), plain) << "compiled engine: filtered and unfiltered decodes disagree";
  // The raw-line prefilter never drops a match.
  if (plain && e.line_prefilter()) {
    EXPECT_TRUE(e.line_prefilter()->any(d.json)) << "the prefilter drops a match";
  }
  return plain;
}

// Parses `query` (failing the test on a syntax error) and evaluates it on `doc` with the reference
// interpreter, which it returns; the compiled engine must give the same answer (every table case
// of the interpreter's suites is also a case of the compiled engine).
inline bool eval_query(std::string_view query, std::string_view doc, int64_t now = kNow) {
  auto parsed = kql::parse(query);
  EXPECT_TRUE(parsed) << "query does not parse: " << query << ": " << (parsed.error ? parsed.error->message : "");
  if (!parsed) return false;
  Doc d(doc);
  EXPECT_TRUE(d.ok) << "document does not decode: " << doc << ": " << d.error;
  const bool reference = matches(*parsed.ast, d.ev, test_schema(), now);
  if (d.ok) {
    EXPECT_EQ(jit_query(*parsed.ast, d, now), reference) << "compiled engine differs on " << query << "  on  " << doc;
  }
  return reference;
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
