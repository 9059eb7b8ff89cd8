// Events from a Redis Stream read through a consumer group: own pending entries first, dead consumers' entries claimed, acknowledged once durable.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "runtime/decoder/entry_source.h"
#include "runtime/shared/redis_client.h"
#include "runtime/shared/redis_retry.h"
#include "runtime/shared/redis_url.h"

namespace rulec::rt {

struct StreamSourceOptions {
  int64_t claim_idle_ms = 60000;  // a consumer's entries pending longer than this are claimed
  int64_t idle_exit_ms = -1;      // end after this long without an entry (< 0: wait for ever)
  size_t batch = 1024;            // entries asked per read
};

// The order entries are taken in:
// 1. This consumer's pending entries (delivered before a restart, never acknowledged): replays.
// 2. Entries pending for another consumer longer than claim_idle_ms (it died or hangs), claimed
//    with XCLAIM: replays on that consumer's behalf. Looked for at start and every
//    claim_idle_ms / 2.
// 3. New entries (XREADGROUP >), waiting 200 ms at a time.
// An entry's event is the JSON document in its field `event`. Acknowledged (XACK) by
// acknowledge(), which the detector calls once the entries' alerts and state are durable (every
// claim_idle_ms / 4 at most). Should acknowledgements lag, the waiting entries' idle time is reset
// once they are claim_idle_ms / 2 old (XCLAIM by this consumer, JUSTID), so a consumer that reads
// on is not taken for dead.
class RedisStreamSource final : public EntrySource {
 public:
  // Connects (credentials from the environment), creates the group at the stream's start when it
  // does not exist (MKSTREAM). nullptr with the reason.
  static std::unique_ptr<RedisStreamSource> open(const std::string& url, const StreamSourceOptions& options,
                                                 const char* program, std::string& error);
  ~RedisStreamSource() override;

  Status next(std::string_view& doc, std::string& why, const std::atomic<uint32_t>* interrupt) override;
  std::string where() const override;
  const std::string* replay_owner() const override;
  bool acknowledge(std::string& error) override;
  uint64_t unacknowledged() const override { return delivered_.size(); }
  const std::string& error() const override { return error_; }
  void set_stop(const std::atomic<uint32_t>* flag, uint32_t bits) override;

  const StreamUrl& url() const { return url_; }
  uint64_t claimed() const { return claimed_; }  // entries taken over from other consumers
  uint64_t round_trips() const { return client_->round_trips(); }

 private:
  struct Entry {
    std::string id, doc, why;
    int32_t owner = -1;  // -1: new; 0: this consumer's pending; k > 0: owners_[k]
  };
  RedisStreamSource() = default;
  // Runs one batch through outages. False: stopped (error_ empty) or failed (error_ set).
  bool run(const std::vector<RedisCommand>& cmds, std::vector<RedisReply>& replies);
  // Each fills entries_ (possibly with none). False: stopped or failed.
  bool read_own_pending();
  bool claim_dead_consumers();
  bool read_new(bool& got);
  bool create_group();
  // Resets the idle time of this consumer's entries not acknowledged yet (handed out, or waiting
  // here), so that no other consumer takes over a live one's entries while it works on them.
  bool keep_alive();
  // Appends the entries of an XREADGROUP/XCLAIM reply (a list of [id, [field, value...]]).
  bool take_entries(const RedisReply& list, int32_t owner);

  StreamUrl url_;
  std::string shown_;  // the URL for messages
  StreamSourceOptions options_;
  std::unique_ptr<RedisClient> client_;
  RedisRetry retry_;
  std::vector<Entry> entries_;
  size_t pos_ = 0;  // next entry of entries_ to hand out
  size_t current_ = SIZE_MAX;  // the one handed out last
  std::vector<std::string> owners_{""};
  std::vector<std::string> delivered_;  // handed out, not acknowledged
  std::string own_cursor_ = "0";        // phase 1: the next id of this consumer's pending list
  bool own_done_ = false;
  std::chrono::steady_clock::time_point next_claim_{}, last_entry_{};
  // last_touch_: no entry waiting for an acknowledgement has been idle since before it;
  // fetched_at_: the last read that brought entries.
  std::chrono::steady_clock::time_point last_touch_{}, fetched_at_{};
  uint64_t claimed_ = 0;
  std::string error_;
};

}  // namespace rulec::rt
