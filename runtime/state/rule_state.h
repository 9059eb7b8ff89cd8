// Detection state per rule (max_signals buckets, new-terms history, threshold groups) and its snapshot file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace rulec::rt {

// A 128-bit hash (common/hash128.h) used as a key: terms are stored as hashes, not strings.
struct Key128 {
  uint64_t a = 0, b = 0;
  bool operator==(const Key128&) const = default;
};
struct Key128Hash {
  size_t operator()(const Key128& k) const { return static_cast<size_t>(k.a ^ (k.b * 0x9E3779B97F4A7C15ull)); }
};

struct ThresholdGroup {
  int64_t bucket = 0;  // interval bucket the counts belong to
  int64_t count = 0;
  int64_t first = INT64_MAX, last = INT64_MIN;  // the earliest and latest event time counted
  bool alerted = false;
  std::unordered_set<Key128, Key128Hash> distinct;  // cardinality field values seen in the bucket
};

struct RuleState {
  std::map<int64_t, int64_t> signal_buckets;                   // interval bucket -> alerts written
  std::unordered_map<Key128, int64_t, Key128Hash> terms;       // new terms: tuple -> last seen (ms)
  std::unordered_map<Key128, ThresholdGroup, Key128Hash> groups;  // threshold: group -> counts
  std::string sequence;  // EQL sequence: the state machine's bytes (SequenceMachine::encode), at checkpoints
  size_t entries() const { return terms.size() + groups.size() + signal_buckets.size(); }
};

// Alert ids written recently (by event time), so a replay after a restart writes none twice.
struct DedupeSet {
  std::unordered_map<Key128, int64_t, Key128Hash> seen;  // uuid hash -> event time
};

// What a checkpoint holds. `rule_ids[i]` = (rule_id, definition_hash) of `states[i]`.
struct Snapshot {
  // 2: region_start and claims; 3: a threshold group's first and last event time; 4: a rule's
  // EQL sequence state (1 to 3 are read too)
  static constexpr uint32_t kFormatVersion = 4;
  uint64_t alerts_offset = 0;  // durable size of the alerts file at the checkpoint
  std::string alerts_path;
  int64_t watermark = INT64_MIN;
  int64_t saved_at_ms = 0;     // wall clock of the checkpoint
  std::vector<std::pair<std::string, uint64_t>> rule_ids;
  std::vector<RuleState> states;
  DedupeSet dedupe;
  // Shared state: the alerts written since the previous checkpoint, from byte region_start of the
  // alerts file, each with the key of its claim in Redis: (kSignals key, alert id). Their stream
  // entries may not have been acknowledged; after a restart they are settled (kSettle).
  uint64_t region_start = 0;
  std::vector<std::pair<std::string, std::string>> claims;
  uint64_t torn_tail_bytes = 0;  // on load: an interrupted checkpoint found (and ignored) at the end
};

// Appends a checkpoint record (magic, length, body, 128-bit checksum) to DIR/state.log and fsyncs
// it; when the log outgrows four records, or with `rewrite` (after a torn tail was found), it is
// rewritten with this one only (temp file, fsync, rename, fsync dir). A crash or an I/O error
// (full disk) at any moment leaves the previous checkpoint readable: a failed append is cut off.
[[nodiscard]] bool save_snapshot(const std::string& dir, const Snapshot& s, std::string& error, bool rewrite = false);

enum class LoadStatus { Ok, Missing, Error };
// Reads the last complete checkpoint of DIR/state.log, validating magics, the format version,
// every length against the file size, and the checksum. A record cut short at the end (a crash
// during a checkpoint) is ignored and reported in torn_tail_bytes; a newer format or a damaged
// record is an Error with the reason.
[[nodiscard]] LoadStatus load_snapshot(const std::string& dir, Snapshot& s, std::string& error);

}  // namespace rulec::rt
