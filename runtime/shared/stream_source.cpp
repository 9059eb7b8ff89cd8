// Reading a Redis Stream through a consumer group: replays, claims of dead consumers' entries, blocking reads, acknowledgements.
#include "runtime/shared/stream_source.h"

#include <algorithm>

#include <fmt/format.h>

namespace rulec::rt {

namespace {

constexpr int kBlockMs = 200;   // one blocking read; the interrupt flag is looked at in between
constexpr size_t kAckChunk = 1000;  // ids per XACK

bool is_error_like(const RedisReply& r, std::string_view code) { return r.is_error() && r.str.rfind(code, 0) == 0; }

}  // namespace

RedisStreamSource::~RedisStreamSource() = default;

std::unique_ptr<RedisStreamSource> RedisStreamSource::open(const std::string& url, const StreamSourceOptions& options,
                                                           const char* program, std::string& error) {
  std::unique_ptr<RedisStreamSource> s(new RedisStreamSource());
  if (!parse_stream_url(url, s->url_, error)) return nullptr;
  RedisCredentials creds;
  if (!credentials_from_environment(creds, error)) return nullptr;
  s->options_ = options;
  s->shown_ = fmt::format("redis-stream://{}/{}", s->url_.node.str(), s->url_.stream);
  s->retry_.what = "event stream " + s->shown_;
  s->retry_.program = program;
  s->client_ = RedisClient::connect(s->url_.node, creds, {}, error);
  if (!s->client_) return nullptr;
  if (!s->create_group()) return error = s->error_, nullptr;
  s->last_entry_ = std::chrono::steady_clock::now();
  return s;
}

void RedisStreamSource::set_stop(const std::atomic<uint32_t>* flag, uint32_t bits) {
  retry_.stop = flag;
  retry_.stop_bits = bits;
}

bool RedisStreamSource::run(const std::vector<RedisCommand>& cmds, std::vector<RedisReply>& replies) {
  std::string why;
  if (execute_retrying(*client_, cmds, replies, retry_, why)) {
    for (const auto& r : replies)
      if (r.is_error() && !is_error_like(r, "BUSYGROUP") && !is_error_like(r, "NOGROUP"))
        return error_ = fmt::format("{}: {}", shown_, r.str), false;
    return true;
  }
  return false;  // stopped: not an error of the stream
}

bool RedisStreamSource::create_group() {
  std::vector<RedisReply> r;
  const RedisCommand cmd{{"XGROUP", "CREATE", url_.stream, url_.group, "0", "MKSTREAM"}, url_.stream};
  std::string why;
  if (!client_->execute({cmd}, r, why)) return error_ = fmt::format("{}: {}", shown_, why), false;
  if (r[0].is_error() && !is_error_like(r[0], "BUSYGROUP"))
    return error_ = fmt::format("{}: cannot create the consumer group {}: {}", shown_, url_.group, r[0].str), false;
  return true;
}

bool RedisStreamSource::take_entries(const RedisReply& list, int32_t owner) {
  if (list.type != RedisReply::Type::Array) return error_ = fmt::format("{}: unexpected reply to a read", shown_), false;
  for (const RedisReply& e : list.elements) {
    if (e.type != RedisReply::Type::Array || e.elements.size() != 2 || e.elements[0].type != RedisReply::Type::String)
      return error_ = fmt::format("{}: unexpected entry in a reply", shown_), false;
    Entry out;
    out.id = e.elements[0].str;
    out.owner = owner;
    const RedisReply& fields = e.elements[1];
    if (fields.is_nil()) {  // deleted from the stream while pending: nothing to process, acknowledged
      delivered_.push_back(std::move(out.id));
      continue;
    }
    bool found = false;
    for (size_t i = 0; i + 1 < fields.elements.size(); i += 2)
      if (fields.elements[i].str == "event") {
        out.doc = fields.elements[i + 1].str;
        found = true;
        break;
      }
    if (!found) out.why = "the entry has no field 'event' (the event's JSON document)";
    else if (out.doc.empty()) out.why = "the entry's field 'event' is empty";
    entries_.push_back(std::move(out));
  }
  return true;
}

// XREADGROUP with an id reads this consumer's own pending list (after a restart).
bool RedisStreamSource::read_own_pending() {
  std::vector<RedisReply> r;
  if (!run({RedisCommand{{"XREADGROUP", "GROUP", url_.group, url_.consumer, "COUNT", std::to_string(options_.batch),
                          "STREAMS", url_.stream, own_cursor_},
                         url_.stream}},
           r))
    return false;
  if (is_error_like(r[0], "NOGROUP")) return own_done_ = true, create_group();
  const size_t before = entries_.size(), acked = delivered_.size();
  if (r[0].type == RedisReply::Type::Array && !r[0].elements.empty()) {
    const RedisReply& s = r[0].elements[0];
    if (s.type != RedisReply::Type::Array || s.elements.size() != 2) return error_ = shown_ + ": unexpected reply to a read", false;
    const RedisReply& list = s.elements[1];
    if (!take_entries(list, 0)) return false;
    if (!list.elements.empty()) own_cursor_ = list.elements.back().elements[0].str;
  }
  if (entries_.size() == before && delivered_.size() == acked) own_done_ = true;
  return true;
}

// Entries pending longer than claim_idle_ms for another consumer: claimed, and replayed on its behalf.
bool RedisStreamSource::claim_dead_consumers() {
  const auto now = std::chrono::steady_clock::now();
  next_claim_ = now + std::chrono::milliseconds(std::max<int64_t>(options_.claim_idle_ms / 2, 50));
  std::vector<RedisReply> r;
  const std::string idle = std::to_string(options_.claim_idle_ms);
  if (!run({RedisCommand{{"XPENDING", url_.stream, url_.group, "IDLE", idle, "-", "+", std::to_string(options_.batch)},
                         url_.stream}},
           r))
    return false;
  if (is_error_like(r[0], "NOGROUP")) return create_group();
  if (r[0].type != RedisReply::Type::Array) return error_ = shown_ + ": unexpected reply to XPENDING", false;
  // Claimed per previous owner, so each replay knows whose alerts it takes over.
  std::vector<std::pair<std::string, std::vector<std::string>>> by_owner;
  for (const RedisReply& p : r[0].elements) {
    if (p.type != RedisReply::Type::Array || p.elements.size() < 2) return error_ = shown_ + ": unexpected reply to XPENDING", false;
    const std::string& owner = p.elements[1].str;
    if (owner == url_.consumer) continue;
    auto it = std::find_if(by_owner.begin(), by_owner.end(), [&](const auto& o) { return o.first == owner; });
    if (it == by_owner.end()) it = by_owner.insert(by_owner.end(), {owner, {}});
    it->second.push_back(p.elements[0].str);
  }
  for (auto& [owner, ids] : by_owner) {
    RedisCommand cmd{{"XCLAIM", url_.stream, url_.group, url_.consumer, idle}, url_.stream};
    for (auto& id : ids) cmd.argv.push_back(std::move(id));
    if (!run({cmd}, r)) return false;
    int32_t k = 0;
    for (size_t i = 1; i < owners_.size(); ++i)
      if (owners_[i] == owner) k = static_cast<int32_t>(i);
    if (!k) owners_.push_back(owner), k = static_cast<int32_t>(owners_.size() - 1);
    const size_t before = entries_.size();
    if (!take_entries(r[0], k)) return false;
    claimed_ += entries_.size() - before;
  }
  if (!by_owner.empty()) next_claim_ = now;  // there may be more: look again after these
  return true;
}

bool RedisStreamSource::read_new(bool& got) {
  std::vector<RedisReply> r;
  got = false;
  if (!run({RedisCommand{{"XREADGROUP", "GROUP", url_.group, url_.consumer, "COUNT", std::to_string(options_.batch),
                          "BLOCK", std::to_string(kBlockMs), "STREAMS", url_.stream, ">"},
                         url_.stream}},
           r))
    return false;
  if (is_error_like(r[0], "NOGROUP")) return create_group();  // the stream was deleted, or Redis lost it
  if (r[0].is_nil()) return true;
  if (r[0].type != RedisReply::Type::Array || r[0].elements.empty() || r[0].elements[0].elements.size() != 2)
    return error_ = shown_ + ": unexpected reply to a read", false;
  const size_t before = entries_.size();
  if (!take_entries(r[0].elements[0].elements[1], -1)) return false;
  got = entries_.size() > before;
  return true;
}

// Of the ids, those still pending for this consumer (another may have claimed some) get their
// idle time reset. KEYS[1]: the stream; ARGV: group, consumer, ids.
constexpr const char* kKeepAlive = R"lua(
local n = 0
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2])
  if #p == 1 then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    n = n + 1
  end
end
return n
)lua";

bool RedisStreamSource::keep_alive() {
  last_touch_ = std::chrono::steady_clock::now();
  RedisCommand cmd{{"EVAL", kKeepAlive, "1", url_.stream, url_.group, url_.consumer}, url_.stream};
  for (const auto& id : delivered_) cmd.argv.push_back(id);
  for (size_t i = pos_; i < entries_.size(); ++i) cmd.argv.push_back(entries_[i].id);
  if (cmd.argv.size() == 6) return true;
  std::vector<RedisReply> r;
  return run({cmd}, r);
}

EntrySource::Status RedisStreamSource::next(std::string_view& doc, std::string& why, const std::atomic<uint32_t>* interrupt) {
  using clock = std::chrono::steady_clock;
  auto stopped = [&] { return retry_.stop && (retry_.stop->load(std::memory_order_relaxed) & retry_.stop_bits); };
  while (pos_ >= entries_.size()) {
    entries_.clear();
    pos_ = 0;
    if (!error_.empty()) return Status::End;
    if (stopped()) return Status::Idle;
    bool ok = true, got = false;
    if (!own_done_) ok = read_own_pending();
    else if (clock::now() >= next_claim_) ok = claim_dead_consumers();
    else ok = read_new(got);
    if (!ok) return error_.empty() ? Status::Idle : Status::End;
    if (!entries_.empty()) {
      fetched_at_ = clock::now();  // a read (or claim) resets the entries' idle time
      if (delivered_.empty()) last_touch_ = fetched_at_;  // none older waits for an acknowledgement
      break;
    }
    if (options_.idle_exit_ms >= 0 && own_done_ && !got &&
        clock::now() - last_entry_ >= std::chrono::milliseconds(options_.idle_exit_ms))
      return Status::End;
    if (interrupt && interrupt->load(std::memory_order_relaxed)) return Status::Idle;
  }
  last_entry_ = clock::now();
  // Checkpoints acknowledge every claim_idle/4 at most: entries this old mean they lag behind.
  if (last_entry_ - last_touch_ >= std::chrono::milliseconds(options_.claim_idle_ms / 2) && !keep_alive())
    return error_.empty() ? Status::Idle : Status::End;
  Entry& e = entries_[pos_++];
  delivered_.push_back(e.id);
  current_ = pos_ - 1;
  doc = e.doc;
  why = e.why;
  return Status::Entry;
}

std::string RedisStreamSource::where() const {
  if (current_ >= entries_.size()) return shown_;
  return fmt::format("{} entry {}", shown_, entries_[current_].id);
}

const std::string* RedisStreamSource::replay_owner() const {
  if (current_ >= entries_.size() || entries_[current_].owner < 0) return nullptr;
  return &owners_[static_cast<size_t>(entries_[current_].owner)];
}

bool RedisStreamSource::acknowledge(std::string& error) {
  if (delivered_.empty()) return true;
  std::vector<RedisCommand> cmds;
  for (size_t i = 0; i < delivered_.size(); i += kAckChunk) {
    RedisCommand c{{"XACK", url_.stream, url_.group}, url_.stream};
    for (size_t j = i; j < delivered_.size() && j < i + kAckChunk; ++j) c.argv.push_back(delivered_[j]);
    cmds.push_back(std::move(c));
  }
  std::vector<RedisReply> r;
  std::string why;
  if (!execute_retrying(*client_, cmds, r, retry_, why)) return error = why, false;
  for (const auto& x : r)
    if (x.is_error() && !is_error_like(x, "NOGROUP")) return error = fmt::format("{}: XACK: {}", shown_, x.str), false;
  delivered_.clear();
  last_touch_ = pos_ < entries_.size() ? fetched_at_ : std::chrono::steady_clock::now();  // what still waits
  return true;
}

}  // namespace rulec::rt
