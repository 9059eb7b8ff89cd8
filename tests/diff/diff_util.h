// Differential comparison of two rule evaluators on NDJSON events, with readable reports of every difference.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/decoder/decoder.h"
#include "runtime/eval/evaluator.h"

namespace rulec::diff {

// What a failure message says about rule i (the engines' rule i, in the same order).
struct DiffRule {
  std::string name;   // the rule's name, or a label ("random query #12")
  std::string query;  // the query text (filters / exceptions may be appended by the caller)
};

struct DiffOptions {
  size_t max_shown = 10;  // differences described in full; the rest are counted per rule
  std::string a_name = "a";
  std::string b_name = "b";
  // Called after each event is decoded, before both engines evaluate it (e.g. to set their `now`).
  std::function<void(const rt::Event&)> before_each;
  // A separate decoder for engine b (one with a FieldFilter, say); by default b sees a's Event.
  rt::Decoder* decoder_b = nullptr;
};

struct Mismatch {
  size_t event = 0;  // index into the events given
  size_t rule = 0;
  bool a = false;
  bool b = false;
};

struct DiffReport {
  size_t events = 0;       // events compared
  size_t undecodable = 0;  // lines either decoder refused (each is reported in `text`)
  size_t matches_a = 0;    // (event, rule) pairs engine a matched
  size_t matches_b = 0;
  std::vector<Mismatch> mismatches;
  std::string text;  // empty when ok(); else the problems, the first differences in full, per-rule counts
  bool ok() const { return text.empty(); }
};

namespace detail {
inline std::string clip(std::string_view s, size_t n = 1500) {
  std::string out(s.substr(0, n));
  if (s.size() > n) out += "... (" + std::to_string(s.size()) + " bytes)";
  return out;
}
}  // namespace detail

// Decodes each event line (rt::Decoder), evaluates both engines, and reports every (event, rule)
// pair where they disagree: the rule (index, name, query), the event JSON and both answers.
inline DiffReport diff_engines(rt::Evaluator& a, rt::Evaluator& b, const std::vector<std::string>& events,
                               const std::vector<DiffRule>& rules, const DiffOptions& opt = {}) {
  DiffReport r;
  const size_t n = a.rule_count();
  if (b.rule_count() != n || rules.size() != n) {
    r.text = "rule counts differ: " + opt.a_name + " has " + std::to_string(n) + ", " + opt.b_name + " has " +
             std::to_string(b.rule_count()) + ", " + std::to_string(rules.size()) + " rule descriptions\n";
    return r;
  }
  rt::Decoder dec_a;
  rt::Event ev_a, ev_b;
  rt::RuleBits bits_a(n), bits_b(n);
  std::string err;
  for (size_t e = 0; e < events.size(); ++e) {
    if (dec_a.decode(events[e], ev_a, &err) != rt::DecodeError::None ||
        (opt.decoder_b && opt.decoder_b->decode(events[e], ev_b, &err) != rt::DecodeError::None)) {
      ++r.undecodable;
      r.text += "event #" + std::to_string(e) + " does not decode (" + err + "): " + detail::clip(events[e], 300) + "\n";
      continue;
    }
    ++r.events;
    if (opt.before_each) opt.before_each(ev_a);
    bits_a.clear();
    bits_b.clear();
    a.evaluate(ev_a, bits_a);
    b.evaluate(opt.decoder_b ? ev_b : ev_a, bits_b);
    for (size_t w = 0; w < bits_a.word_count(); ++w) {
      r.matches_a += static_cast<size_t>(__builtin_popcountll(bits_a.words()[w]));
      r.matches_b += static_cast<size_t>(__builtin_popcountll(bits_b.words()[w]));
      uint64_t d = bits_a.words()[w] ^ bits_b.words()[w];
      while (d) {
        const size_t i = w * 64 + static_cast<size_t>(__builtin_ctzll(d));
        d &= d - 1;
        r.mismatches.push_back({e, i, bits_a.test(i), bits_b.test(i)});
      }
    }
  }
  if (r.mismatches.empty()) return r;
  r.text += opt.a_name + " and " + opt.b_name + " differ on " + std::to_string(r.mismatches.size()) +
            " (event, rule) pairs over " + std::to_string(r.events) + " events and " + std::to_string(n) + " rules\n";
  for (size_t k = 0; k < r.mismatches.size() && k < opt.max_shown; ++k) {
    const Mismatch& m = r.mismatches[k];
    r.text += "--- difference " + std::to_string(k + 1) + ": rule #" + std::to_string(m.rule) + " \"" + rules[m.rule].name + "\"\n";
    r.text += "  query: " + detail::clip(rules[m.rule].query) + "\n";
    r.text += "  event #" + std::to_string(m.event) + ": " + detail::clip(events[m.event]) + "\n";
    r.text += "  " + opt.a_name + ": " + (m.a ? "match" : "no match") + "   " + opt.b_name + ": " + (m.b ? "match" : "no match") + "\n";
  }
  std::map<size_t, size_t> per_rule;
  for (const Mismatch& m : r.mismatches) ++per_rule[m.rule];
  r.text += "differences per rule:";
  size_t shown = 0;
  for (const auto& [rule, count] : per_rule) {
    if (shown++ == 50) {
      r.text += " ... (" + std::to_string(per_rule.size()) + " rules)";
      break;
    }
    r.text += " #" + std::to_string(rule) + " x" + std::to_string(count);
  }
  r.text += "\n";
  return r;
}

// As diff_engines(), and a GoogleTest failure (ADD_FAILURE) with the report when anything differs.
inline DiffReport compare_engines(rt::Evaluator& a, rt::Evaluator& b, const std::vector<std::string>& events,
                                  const std::vector<DiffRule>& rules, const DiffOptions& opt = {}) {
  DiffReport r = diff_engines(a, b, events, rules, opt);
  if (!r.ok()) ADD_FAILURE() << r.text;
  return r;
}

}  // namespace rulec::diff
