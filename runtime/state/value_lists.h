// Value lists for exception items (`is in list` / `is not in list`): one value per line, loaded from files, compared as the list's type says.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "runtime/common/typed_values.h"
#include "runtime/decoder/event.h"
#include "runtime/eval/rule_info.h"

namespace rulec::rt {

// The lists a rule set's value-list exception items name, loaded from `ID=FILE` pairs. A list is
// read once per type the rules give it: keyword lists compare the values' bytes, text lists their
// words (Kibana's `match` with operator and: some line holds every word of the value, after the
// standard analyzer), ip lists
// addresses, ip_range lists address ranges (CIDR `10.0.0.0/8`, `A-B`, or one address), numeric
// lists numbers, boolean lists true/false. Not thread-safe (the detector's thread owns it).
class ValueLists {
 public:
  ~ValueLists();
  // Loads every list the rules' items name from `files` (id, path). A line that is no value of the
  // list's type is reported through `report` ("PATH:LINE: why") and skipped. nullptr with the
  // reason when a file cannot be read or holds no value at all.
  static std::unique_ptr<ValueLists> load(const std::vector<std::pair<std::string, std::string>>& files,
                                          const std::vector<RuleInfo>& rules, std::string& error,
                                          const std::function<void(const std::string&)>& report);
  // The ids the rules' items name that `files` does not give, in rule order, without repeats.
  static std::vector<std::string> missing(const std::vector<std::pair<std::string, std::string>>& files,
                                          const std::vector<RuleInfo>& rules);
  // Whether `rule`'s value-list items exclude `ev` (Kibana's filterEventsAgainstList): some item
  // whose every entry does (`is in list`: the field has a value in the list; `is not in list`: the
  // field has values, none in the list). A missing field never excludes.
  bool excludes(const RuleInfo& rule, const Event& ev);
  // "N lists, M values" for the summary.
  std::string report() const;

 private:
  ValueLists() = default;
  struct List;
  const List* find(const std::string& id, const std::string& type) const;
  std::vector<std::unique_ptr<List>> lists_;
  std::vector<std::string_view> values_;
  std::unordered_set<std::string_view> seen_;
  std::string normalized_;
};

}  // namespace rulec::rt
