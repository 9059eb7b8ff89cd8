// The detector's threat_match part and value lists: indicator feeds loaded, reloaded between two events, and matched against events; value-list exception items.
#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "runtime/common/dates.h"
#include "runtime/state/detector.h"

namespace rulec::rt {

namespace {

// Feeds are looked at (a stat each) at most this often.
constexpr int64_t kFeedCheckMs = 1000;

}  // namespace

bool Detector::load_indicators(std::string& error) {
  const bool threat = std::any_of(rules_.begin(), rules_.end(), [](const RuleInfo& r) { return r.kind == DetectionKind::ThreatMatch; });
  if (!threat || options_.indicators.empty()) {
    indicators_.reset();
    return true;
  }
  const int64_t now = wall_clock_ms();
  size_t reported = 0;
  auto report = [&](const std::string& line) {
    if (reported++ < 10) fmt::print(stderr, "{}: indicators: {}\n", program_, line);
  };
  auto x = IndicatorIndex::load(options_.indicators, rules_, now, error, report, options_.indicator_names);
  if (!x) return false;
  const IndicatorStats& st = x->stats();
  if (reported > 10) fmt::print(stderr, "{}: indicators: {} more lines skipped\n", program_, reported - 10);
  if (st.documents == 0 && st.skipped > 0) {
    error = fmt::format("indicators: none of the {} non-blank lines of {} is a JSON document", st.skipped,
                        fmt::join(options_.indicators, ", "));
    return false;
  }
  // Kibana runs a rule's indicator search at each execution: a selection with date math is
  // evaluated again after the shortest interval of the rules.
  indicators_due_ms_ = INT64_MAX;
  if (x->reads_now())
    for (const RuleInfo& r : rules_)
      if (r.kind == DetectionKind::ThreatMatch) indicators_due_ms_ = std::min(indicators_due_ms_, now + r.interval_ms);
  indicators_ = std::move(x);
  feeds_checked_ms_ = steady_clock_ms();
  return true;
}

void Detector::refresh_indicators() {
  const int64_t now = steady_clock_ms();
  if (now < feeds_checked_ms_ + kFeedCheckMs) return;
  feeds_checked_ms_ = now;
  const bool due = wall_clock_ms() >= indicators_due_ms_;
  if (indicators_ && !due && !indicators_->feeds_changed()) return;
  if (!indicators_ && feed_error_.empty()) return;  // no threat_match rule
  std::string error;
  auto keep = std::move(indicators_);
  const int64_t keep_due = indicators_due_ms_;
  if (!load_indicators(error) || (indicators_ && indicators_->feeds_changed())) {
    // A broken feed, or one still being written: the running indicators stay.
    if (error.empty()) error = "a feed changed while it was read (replace feeds with a rename)";
    indicators_ = std::move(keep);
    indicators_due_ms_ = keep_due;
    if (error != feed_error_) fmt::print(stderr, "{}: indicators not reloaded, the running ones stay: {}\n", program_, error);
    feed_error_ = error;
    return;
  }
  feed_error_.clear();
  if (!due || (keep && keep->stats().selected != indicators_->stats().selected))
    fmt::print(stderr, "{}: indicators reloaded: {}\n", program_, indicators_report());
}

std::string Detector::indicators_report() const {
  std::vector<std::string> idle;
  for (const RuleInfo& r : rules_)
    if (r.kind == DetectionKind::ThreatMatch) idle.push_back(r.rule_id);
  if (idle.empty()) return {};
  if (!indicators_)
    return fmt::format("{} threat_match rule{} without indicators (--indicators FILE): {} raise{} no alert", idle.size(),
                       idle.size() == 1 ? "" : "s", fmt::join(idle, ", "), idle.size() == 1 ? "s" : "");
  const IndicatorStats& st = indicators_->stats();
  return fmt::format("indicators: {} documents in {} feed{}, {} kept by the rules' threat queries, {} values indexed, "
                     "{:.1f} MB ({:.0f} bytes per indicator), loaded in {:.0f} ms",
                     st.documents, indicators_->paths().size(), indicators_->paths().size() == 1 ? "" : "s", st.selected,
                     st.values, st.bytes / 1048576.0, st.selected ? static_cast<double>(st.bytes) / st.selected : 0.0,
                     st.load_ms);
}

const std::vector<ThreatMatchFact>* Detector::threat_matches(size_t rule, const Event& ev) {
  if (!indicators_) return nullptr;
  const auto& m = indicators_->match(rule, ev);
  return m.empty() ? nullptr : &m;
}

const std::vector<ThreatMatchFact>* Detector::threat_matches(size_t rule, std::string_view raw) {
  if (threat_decoder_.decode(raw, threat_event_) != DecodeError::None) return nullptr;
  return threat_matches(rule, threat_event_);
}

bool Detector::load_value_lists(std::string& error) {
  lists_.reset();
  lists_missing_.assign(rules_.size(), 0);
  const auto missing = ValueLists::missing(options_.value_lists, rules_);
  for (size_t i = 0; i < rules_.size(); ++i)
    for (const auto& item : rules_[i].value_list_items)
      for (const auto& e : item)
        if (std::find(missing.begin(), missing.end(), e.list_id) != missing.end()) lists_missing_[i] = 1;
  if (missing.size() == ValueLists::missing({}, rules_).size()) return true;  // no list given is used
  size_t reported = 0;
  auto report = [&](const std::string& line) {
    if (reported++ < 10) fmt::print(stderr, "{}: value lists: {}\n", program_, line);
  };
  lists_ = ValueLists::load(options_.value_lists, rules_, error, report);
  return lists_ != nullptr;
}

bool Detector::listed_out(size_t rule, const Event& ev) {
  if (lists_missing_[rule]) return true;
  return lists_ && lists_->excludes(rules_[rule], ev);
}

std::string Detector::value_lists_report() const {
  const auto missing = ValueLists::missing(options_.value_lists, rules_);
  std::vector<std::string> rules;
  for (size_t i = 0; i < rules_.size(); ++i)
    if (lists_missing_[i]) rules.push_back(rules_[i].rule_id);
  std::string out = lists_ ? lists_->report() : std::string();
  if (!missing.empty())
    out += fmt::format("{}value list{} {} not given (--value-list ID=FILE): rule{} {} raise{} nothing", out.empty() ? "" : "; ",
                       missing.size() == 1 ? "" : "s", fmt::join(missing, ", "), rules.size() == 1 ? "" : "s",
                       fmt::join(rules, ", "), rules.size() == 1 ? "s" : "");
  return out;
}

}  // namespace rulec::rt
