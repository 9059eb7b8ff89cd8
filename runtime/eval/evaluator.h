// The one interface every rule evaluator implements (reference interpreter, compiled engine).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/decoder/event.h"

namespace rulec::rt {

// A set of rule indexes (0..n-1) as a bitset.
class RuleBits {
 public:
  explicit RuleBits(size_t n = 0) : words_((n + 63) / 64), n_(n) {}
  void resize(size_t n) { words_.assign((n + 63) / 64, 0), n_ = n; }
  void clear() { std::fill(words_.begin(), words_.end(), 0); }
  void set(size_t i) { words_[i >> 6] |= uint64_t{1} << (i & 63); }
  bool test(size_t i) const { return (words_[i >> 6] >> (i & 63)) & 1; }
  size_t size() const { return n_; }
  uint64_t* words() { return words_.data(); }
  const uint64_t* words() const { return words_.data(); }
  size_t word_count() const { return words_.size(); }
  // Calls fn(i) for each set bit i, in increasing order (the set words only: per-event work
  // follows what matched, not the rule count).
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (size_t w = 0; w < words_.size(); ++w)
      for (uint64_t bits = words_[w]; bits; bits &= bits - 1) {
        const size_t i = w * 64 + static_cast<size_t>(__builtin_ctzll(bits));
        if (i >= n_) return;
        fn(i);
      }
  }
  bool any() const {
    for (uint64_t w : words_)
      if (w) return true;
    return false;
  }

 private:
  std::vector<uint64_t> words_;
  size_t n_;
};

// Evaluates every rule of a rule set on one event: bit i of `matched` is set when rule i's query,
// filters and exception items all accept the event. Per-event calls must not allocate or log.
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual size_t rule_count() const = 0;
  virtual void evaluate(const Event& ev, RuleBits& matched) = 0;
};

class FieldFilter;
class LinePrefilter;

// An evaluator as a stream runs it: the decoder filter it wants and the event time it reads.
class StreamEngine {
 public:
  virtual ~StreamEngine() = default;
  virtual Evaluator& evaluator() = 0;
  virtual const FieldFilter* decode_filter() const = 0;  // nullptr: decode every field
  // False when no test reads `now` (date math): the loop may skip finding the event's time.
  virtual bool needs_now() const = 0;
  virtual void set_now_ms(int64_t now_ms) = 0;
  // The raw-line prefilter the reader applies before decoding (nullptr: every line is decoded).
  virtual LinePrefilter* line_prefilter() { return nullptr; }
  // An engine answering exactly as this one, with state of its own (for another thread); nullptr
  // with `error` when this engine cannot be cloned.
  virtual std::unique_ptr<StreamEngine> clone(std::string& error) const {
    error = "this engine runs on one thread only";
    return nullptr;
  }
};

}  // namespace rulec::rt
