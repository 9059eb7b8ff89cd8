// Helpers shared by the test suites: finding rules and diagnostics, the built-in schema.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "compiler/frontend/rule.h"
#include "compiler/frontend/schema.h"

namespace rulec::testing {

inline const Rule* find(const RuleSet& s, std::string_view id) {
  for (const auto& r : s.rules)
    if (r.rule_id == id) return &r;
  return nullptr;
}

inline size_t count_diags(const Rule& r, std::string_view code, Severity sev = Severity::Error) {
  return std::count_if(r.diagnostics.begin(), r.diagnostics.end(),
                       [&](const Diagnostic& d) { return d.code == code && d.severity == sev; });
}

inline bool mentions(const Rule& r, std::string_view code, std::string_view text) {
  return std::any_of(r.diagnostics.begin(), r.diagnostics.end(),
                     [&](const Diagnostic& d) { return d.code == code && d.message.find(text) != std::string::npos; });
}

// Every file error and rule diagnostic, one per line (for failure messages).
inline std::string all_messages(const RuleSet& s) {
  std::string out;
  for (const auto& e : s.file_errors) out += e.path + ": " + e.diag.message + "\n";
  for (const auto& r : s.rules)
    for (const auto& d : r.diagnostics) out += r.origin.path + ": " + d.code + " " + d.message + "\n";
  return out;
}

// The built-in schema from the shared folder.
inline Schema load_builtin_schema() {
  Diagnostic err;
  auto s = Schema::builtin(err, std::string(RULEC_SHARED_DIR) + "/schema");
  EXPECT_TRUE(s.has_value()) << err.message;
  return s ? std::move(*s) : Schema();
}

// The built-in schema, loaded once per test binary.
inline const Schema& builtin_schema() {
  static const Schema s = load_builtin_schema();
  return s;
}

}  // namespace rulec::testing
