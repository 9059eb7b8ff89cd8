// Indicator feeds for threat_match rules: the documents each rule's selection keeps, and one hash set of mapped values for all rules.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "runtime/alerts/alert_json.h"
#include "runtime/decoder/decoder.h"
#include "runtime/eval/rule_info.h"

namespace rulec::rt {

struct IndicatorStats {
  uint64_t lines = 0;      // lines read (blank ones included)
  uint64_t documents = 0;  // indicator documents decoded
  uint64_t skipped = 0;    // lines that were not a JSON object (reported)
  uint64_t selected = 0;   // documents at least one rule's threat_query and threat_filters keep
  uint64_t values = 0;     // mapped values indexed
  uint64_t bytes = 0;      // memory held by the index
  double load_ms = 0;
};

// Built once from the feeds for a rule set and queried by the detector for each event a
// threat_match rule's query matched. Each mapped indicator field gets its values hashed into one
// table shared by every rule that maps it (a value is 24 bytes however long: the index keeps
// hashes and line offsets, and reads an indicator's line back from its feed only to confirm a
// hit and build the enrichment). Not thread-safe (the detector's thread owns it).
class IndicatorIndex {
 public:
  ~IndicatorIndex();
  // Reads every feed (NDJSON: one indicator document, or search hit, per line) for the
  // threat_match rules of `rules`, whose selections are evaluated with `now_ms`. A line that is
  // not a JSON object is reported through `report` ("PATH:LINE: why") and skipped. nullptr with
  // the reason when a feed cannot be opened or read, or a selection is not a valid program.
  // `names`: each feed's name (the _index of its plain documents), empty: its file name without
  // the extension.
  static std::unique_ptr<IndicatorIndex> load(const std::vector<std::string>& paths, const std::vector<RuleInfo>& rules,
                                              int64_t now_ms, std::string& error,
                                              const std::function<void(const std::string&)>& report,
                                              const std::vector<std::string>& names = {});

  // The (indicator, entry) pairs of rules[rule] (a threat_match rule of the rules it was loaded
  // for) matching `ev`, in feed order, each pair once: the entries of every mapping whose entries
  // all match, for each indicator the rule keeps. Empty when none. The views stay valid until the
  // next call.
  const std::vector<ThreatMatchFact>& match(size_t rule, const Event& ev);

  // After a reload of the rules: points the index at `rules` when its threat_match rules are the
  // same (ids and definitions, in any order); false when the index must be built again.
  bool rebind(const std::vector<RuleInfo>& rules);

  const IndicatorStats& stats() const { return stats_; }
  // Some selection reads `now` (date math): the index must be rebuilt as time moves on.
  bool reads_now() const { return reads_now_; }
  // A feed was replaced, grew, shrank or vanished since it was loaded (compared by inode, size
  // and modification time).
  bool feeds_changed() const;
  const std::vector<std::string>& paths() const { return paths_; }

 private:
  IndicatorIndex() = default;
  struct Feed;
  struct Entry {
    uint64_t key;       // hash of (indicator field, comparison, normalized value)
    uint32_t indicator;
    uint32_t next;      // next entry of the same slot chain (kNone: last)
  };
  struct Indicator {
    uint64_t offset;  // of its line in its feed
    uint32_t length;
    uint32_t feed;
  };
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Slot {
    std::vector<std::vector<ThreatEntry>> mapping;
    std::vector<std::vector<uint64_t>> field_ids;  // per entry: the id of (indicator field, comparison)
    std::string indicator_path;
    std::string rule_id;
    uint64_t definition_hash = 0;
  };

  void insert(uint64_t key, uint32_t indicator);
  uint32_t find(uint64_t key) const;  // first entry with this key, kNone if none
  bool has(uint64_t key, uint32_t indicator) const;
  bool selects(size_t slot, uint32_t indicator) const {
    return (masks_[size_t{indicator} * words_ + slot / 64] >> (slot % 64)) & 1;
  }
  bool read_line(const Indicator& ind, std::string& out);
  bool confirm(const Slot& slot, size_t mapping, std::string_view line);
  bool event_keys(const std::vector<ThreatEntry>& entries, const std::vector<uint64_t>& ids, const Event& ev);

  std::vector<std::string> paths_;
  std::vector<std::unique_ptr<Feed>> feeds_;
  std::vector<Indicator> indicators_;
  std::vector<uint64_t> masks_;  // per indicator: which rule slots select it (words_ words each)
  size_t words_ = 0;
  std::vector<Entry> entries_;
  std::vector<uint32_t> table_;  // open addressing over entries_ (kNone: empty), a power of two
  std::vector<int32_t> slot_of_rule_;  // per rule of the rule set: its slot, or -1
  std::vector<Slot> slots_;
  IndicatorStats stats_;
  bool reads_now_ = false;
  // Per-match scratch.
  Decoder decoder_;
  Event event_;
  std::vector<std::string_view> values_;  // one entry's event values
  std::unordered_set<std::string_view> seen_;
  std::vector<std::vector<uint64_t>> keys_;  // per entry of a mapping: the event's value keys
  std::string normalized_;
  std::vector<std::pair<uint32_t, uint32_t>> hits_;  // (indicator, mapping)
  std::vector<std::string> lines_;
  std::vector<ThreatMatchFact> facts_;
};

// The value an entry compares, as bytes equal exactly when Elasticsearch's match query on a field
// of that comparison finds them equal; false when the text is no value of that kind (not an ip...).
bool threat_value(ThreatCompare compare, std::string_view text, ValueKind kind, std::string& out);

}  // namespace rulec::rt
