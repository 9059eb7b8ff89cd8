// Events that arrive as whole documents instead of lines of a file (a Redis Stream's entries), for EventReader.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace rulec::rt {

class EntrySource {
 public:
  enum class Status : uint8_t {
    Entry,  // an entry: its document (empty when it has none: reported as skipped)
    Idle,   // nothing for now, and `interrupt` (or the stop flag) asked for the loop back
    End,    // no more entries: idle for the configured time, or failed (error() non-empty)
  };
  virtual ~EntrySource() = default;
  // Waits for the next entry. `doc` stays valid until the next call; `why` (when the document
  // is missing) says what the entry held instead.
  virtual Status next(std::string_view& doc, std::string& why, const std::atomic<uint32_t>* interrupt) = 0;
  // The current entry's name in messages ("redis-stream://host:port/s entry 1700000000000-0").
  virtual std::string where() const = 0;
  // The current entry is a replay (delivered before and not acknowledged): nullptr when it is
  // not; otherwise the consumer it was delivered to ("" when this one).
  virtual const std::string* replay_owner() const = 0;
  // Every entry handed out so far is done (its alerts and state durable). False with the reason.
  [[nodiscard]] virtual bool acknowledge(std::string& error) = 0;
  virtual uint64_t unacknowledged() const = 0;
  virtual const std::string& error() const = 0;
  // While waiting for the source's server, `*flag & bits` non-zero ends the wait (next(): Idle).
  virtual void set_stop(const std::atomic<uint32_t>* flag, uint32_t bits) = 0;
};

}  // namespace rulec::rt
