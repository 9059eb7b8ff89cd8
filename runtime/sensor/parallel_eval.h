// Batches of raw lines prefiltered, decoded and evaluated by worker threads (one engine clone each); results handed back in input order.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/decoder/decoder.h"
#include "runtime/eval/evaluator.h"

namespace rulec::rt {

// One batch: the lines' bytes (each followed by Decoder::kPadding bytes), and per line what a
// worker found.
struct LineBatch {
  enum class Kind : uint8_t { NoMatch, Matched, PassedOver, Undecodable };
  struct Line {
    size_t offset = 0, size = 0;
    uint64_t line = 0;
    uint32_t input = 0;
    Kind kind = Kind::NoMatch;
    DecodeError error = DecodeError::None;
    uint32_t shelf = 0, first_leaf = 0, leaf_count = 0, first_scope = 0, scope_count = 0;  // Matched: its event
  };
  // A worker's copies of the events its matched lines decoded to (their strings in `arena`, as
  // offsets until the batch is applied), so that the detector needs no second decode.
  struct Shelf {
    struct KeptLeaf {
      uint32_t path_off, path_len, text_off, text_len, scope, slot;
      ValueKind kind;
    };
    struct KeptScope {
      uint32_t parent, path_off, path_len;
    };
    std::string arena;
    std::vector<KeptLeaf> leaves;
    std::vector<KeptScope> scopes;
    void clear() { arena.clear(), leaves.clear(), scopes.clear(); }
  };
  std::string bytes;
  std::vector<Line> lines;
  std::vector<std::string> messages;  // per line: an undecodable line's reason
  std::vector<uint64_t> bits;         // per line: `words` words, the rules it matched
  size_t words = 0;
  std::vector<Shelf> shelves;         // one per worker

  // A matched line's event as its worker decoded it (views into this batch until it is reused).
  void event_of(size_t i, Event& ev) const;

  std::string_view text(size_t i) const { return std::string_view(bytes).substr(lines[i].offset, lines[i].size); }
  const uint64_t* matched(size_t i) const { return bits.data() + i * words; }
  void clear() { bytes.clear(), lines.clear(); }
};

class ParallelEval {
 public:
  static constexpr size_t kBatchLines = 512;
  static constexpr size_t kBatchBytes = 8u << 20;  // a batch of long lines ends sooner

  // `workers` threads, each evaluating with its own clone of `engine`. nullptr with `error` when
  // the engine cannot be cloned.
  static std::unique_ptr<ParallelEval> create(const StreamEngine& engine, size_t workers, bool prefilter,
                                              int64_t wall_ms, std::string& error);
  ~ParallelEval();  // stops and joins the workers
  ParallelEval(const ParallelEval&) = delete;
  ParallelEval& operator=(const ParallelEval&) = delete;

  // Appends a line (its raw text copied) to the batch being filled.
  void add(const Event& ev);
  bool full() const { return filling_->lines.size() >= kBatchLines || filling_->bytes.size() >= kBatchBytes; }
  bool empty() const { return filling_->lines.empty() && !in_flight_; }
  // Waits for the batch in flight, starts the workers on the one being filled (if it has lines),
  // and returns the finished batch (nullptr: none) for the caller to apply before the next call.
  LineBatch* submit();
  // Waits for the batch in flight and returns it (nullptr: none); nothing new is started.
  LineBatch* drain();

 private:
  ParallelEval() = default;
  void work(size_t index);
  void wait_done(std::unique_lock<std::mutex>& lock);

  struct Worker {
    std::unique_ptr<StreamEngine> engine;
    Decoder decoder;
    Event ev;
    RuleBits bits;
    std::thread thread;
  };
  std::vector<std::unique_ptr<Worker>> workers_;
  bool prefilter_ = true;
  int64_t wall_ms_ = 0;
  std::unique_ptr<LineBatch> filling_, flying_, done_;
  bool in_flight_ = false;

  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  uint64_t generation_ = 0;  // bumped for each batch started
  size_t remaining_ = 0;     // workers still on the batch in flight
  bool stop_ = false;
};

}  // namespace rulec::rt
