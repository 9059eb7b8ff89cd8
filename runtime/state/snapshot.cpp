// The state log: checkpoints appended as checksummed records, compacted by atomic rewrite, validated on read.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "runtime/common/durable_file.h"
#include "runtime/common/hash128.h"
#include "runtime/state/rule_state.h"

namespace rulec::rt {

namespace {

constexpr char kMagic[8] = {'R', 'U', 'L', 'E', 'C', 'S', 'T', '\n'};      // a checkpoint's body
constexpr char kRecordMagic[8] = {'R', 'U', 'L', 'E', 'C', 'L', 'G', '\n'};  // a log record
constexpr size_t kRecordOverhead = 8 + 8 + 16;  // magic, body length, checksum

class Writer {
 public:
  void u64(uint64_t v) { out_.append(reinterpret_cast<const char*>(&v), 8); }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void str(const std::string& s) { u64(s.size()), out_ += s; }
  void key(const Key128& k) { u64(k.a), u64(k.b); }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

// Every read checks the remaining length first: a damaged file gives an error, never a bad read.
class Reader {
 public:
  Reader(const char* p, size_t n) : p_(p), n_(n) {}
  bool u64(uint64_t& v) { return take(&v, 8); }
  bool i64(int64_t& v) { uint64_t u; return u64(u) && (v = static_cast<int64_t>(u), true); }
  bool str(std::string& s) {
    uint64_t len;
    if (!u64(len) || len > n_ - pos_) return false;
    s.assign(p_ + pos_, len);
    pos_ += len;
    return true;
  }
  bool key(Key128& k) { return u64(k.a) && u64(k.b); }
  // A count of items each at least `min_bytes` long must fit in what is left.
  bool count(uint64_t& c, size_t min_bytes) { return u64(c) && c <= (n_ - pos_) / min_bytes; }
  bool done() const { return pos_ == n_; }

 private:
  bool take(void* dst, size_t k) {
    if (k > n_ - pos_) return false;
    std::memcpy(dst, p_ + pos_, k);
    pos_ += k;
    return true;
  }
  const char* p_;
  size_t n_, pos_ = 0;
};

std::string checksum(std::string_view body) {
  auto [a, b] = Hash128().add(body).value();
  std::string out(16, '\0');
  std::memcpy(out.data(), &a, 8);
  std::memcpy(out.data() + 8, &b, 8);
  return out;
}

}  // namespace

bool save_snapshot(const std::string& dir, const Snapshot& s, std::string& error, bool rewrite) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return error = fmt::format("cannot create state directory {}: {}", dir, ec.message()), false;
  Writer w;
  w.bytes().append(kMagic, sizeof kMagic);
  w.u64(Snapshot::kFormatVersion);
  w.u64(s.alerts_offset);
  w.str(s.alerts_path);
  w.i64(s.watermark);
  w.i64(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  w.u64(s.rule_ids.size());
  for (size_t i = 0; i < s.rule_ids.size(); ++i) {
    const RuleState& st = s.states[i];
    w.str(s.rule_ids[i].first);
    w.u64(s.rule_ids[i].second);
    w.u64(st.signal_buckets.size());
    for (auto [b, n] : st.signal_buckets) w.i64(b), w.i64(n);
    w.u64(st.terms.size());
    for (const auto& [k, t] : st.terms) w.key(k), w.i64(t);
    w.u64(st.groups.size());
    for (const auto& [k, g] : st.groups) {
      w.key(k), w.i64(g.bucket), w.i64(g.count), w.i64(g.first), w.i64(g.last), w.u64(g.alerted ? 1 : 0);
      w.u64(g.distinct.size());
      for (const auto& d : g.distinct) w.key(d);
    }
    w.str(st.sequence);
  }
  w.u64(s.dedupe.seen.size());
  for (const auto& [k, t] : s.dedupe.seen) w.key(k), w.i64(t);
  w.u64(s.region_start);
  w.u64(s.claims.size());
  for (const auto& [key, id] : s.claims) w.str(key), w.str(id);
  std::string body = std::move(w.bytes());
  std::string record(kRecordMagic, sizeof kRecordMagic);
  uint64_t len = body.size();
  record.append(reinterpret_cast<const char*>(&len), 8);
  record += body;
  record += checksum(body);

  // Append the record and fsync; when the log has grown past four records' worth, rewrite it with
  // only this one (temp file, fsync, rename, fsync of the directory).
  std::string path = dir + "/state.log";
  struct stat st {};
  bool compact = rewrite || ::stat(path.c_str(), &st) != 0 || static_cast<uint64_t>(st.st_size) > 4 * record.size();
  if (!compact) return append_file_durably(path, record, error);
  return replace_file_durably(path, record, error, 0600, dir + "/state.log.tmp");  // one writer per state folder
}

LoadStatus load_snapshot(const std::string& dir, Snapshot& s, std::string& error) {
  std::string path = dir + "/state.log";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return LoadStatus::Missing;
    error = fmt::format("cannot read {}: {}", path, std::strerror(errno));
    return LoadStatus::Error;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&](const std::string& why) {
    error = fmt::format("state {} is not usable: {}", path, why);
    return LoadStatus::Error;
  };
  // Walk the records; the last complete one is the checkpoint. A record cut short at the end is a
  // checkpoint a crash interrupted: it is ignored. A complete record that fails its checksum is
  // damage, and the state is refused rather than silently rolled back.
  std::string_view body;
  size_t pos = 0;
  uint64_t torn = 0;
  while (pos < bytes.size()) {
    size_t left = bytes.size() - pos;
    if (left >= 8 && std::memcmp(bytes.data() + pos, kRecordMagic, 8) != 0) return bad("not a rulec state log");
    uint64_t len = 0;
    if (left >= 16) std::memcpy(&len, bytes.data() + pos + 8, 8);
    if (left < kRecordOverhead || len > left - kRecordOverhead) {
      torn = left;
      break;
    }
    std::string_view rec_body(bytes.data() + pos + 16, len);
    if (rec_body.size() >= sizeof kMagic + 8) {
      uint64_t version;
      std::memcpy(&version, rec_body.data() + sizeof kMagic, 8);
      if (version > Snapshot::kFormatVersion)
        return bad(fmt::format("written by a newer rulec (format {}, this one reads {})", version, Snapshot::kFormatVersion));
    }
    if (checksum(rec_body) != std::string_view(bytes.data() + pos + 16 + len, 16))
      return bad(fmt::format("checksum mismatch in the record at byte {} (damaged)", pos));
    body = rec_body;
    pos += kRecordOverhead + len;
  }
  if (body.empty()) return bad(torn ? "its only checkpoint was cut short; remove the directory to start afresh" : "empty");
  if (body.size() < sizeof kMagic + 8 || std::memcmp(body.data(), kMagic, sizeof kMagic) != 0)
    return bad("not a rulec checkpoint");

  uint64_t version;
  std::memcpy(&version, body.data() + sizeof kMagic, 8);
  Reader r(body.data() + sizeof kMagic + 8, body.size() - sizeof kMagic - 8);
  Snapshot out;
  uint64_t nrules;
  if (!r.u64(out.alerts_offset) || !r.str(out.alerts_path) || !r.i64(out.watermark) || !r.i64(out.saved_at_ms) ||
      !r.count(nrules, 40))
    return bad("truncated header");
  for (uint64_t i = 0; i < nrules; ++i) {
    std::pair<std::string, uint64_t> id;
    RuleState st;
    uint64_t n;
    if (!r.str(id.first) || !r.u64(id.second) || !r.count(n, 16)) return bad("truncated rule entry");
    for (uint64_t j = 0; j < n; ++j) {
      int64_t b, c;
      if (!r.i64(b) || !r.i64(c)) return bad("truncated signal counters");
      st.signal_buckets[b] = c;
    }
    if (!r.count(n, 24)) return bad("truncated term count");
    st.terms.reserve(n);
    for (uint64_t j = 0; j < n; ++j) {
      Key128 k;
      int64_t t;
      if (!r.key(k) || !r.i64(t)) return bad("truncated terms");
      st.terms[k] = t;
    }
    if (!r.count(n, 48)) return bad("truncated group count");
    for (uint64_t j = 0; j < n; ++j) {
      Key128 k;
      ThresholdGroup g;
      uint64_t alerted, nd;
      if (!r.key(k) || !r.i64(g.bucket) || !r.i64(g.count) || (version >= 3 && (!r.i64(g.first) || !r.i64(g.last))) ||
          !r.u64(alerted) || !r.count(nd, 16))
        return bad("truncated threshold group");
      g.alerted = alerted != 0;
      for (uint64_t d = 0; d < nd; ++d) {
        Key128 v;
        if (!r.key(v)) return bad("truncated cardinality values");
        g.distinct.insert(v);
      }
      st.groups.emplace(k, std::move(g));
    }
    if (version >= 4 && !r.str(st.sequence)) return bad("truncated sequence state");
    out.rule_ids.push_back(std::move(id));
    out.states.push_back(std::move(st));
  }
  uint64_t nd;
  if (!r.count(nd, 24)) return bad("truncated alert ids");
  for (uint64_t i = 0; i < nd; ++i) {
    Key128 k;
    int64_t t;
    if (!r.key(k) || !r.i64(t)) return bad("truncated alert ids");
    out.dedupe.seen[k] = t;
  }
  if (version >= 2) {
    uint64_t nc;
    if (!r.u64(out.region_start) || !r.count(nc, 16)) return bad("truncated alert claims");
    out.claims.resize(nc);
    for (auto& [key, id] : out.claims)
      if (!r.str(key) || !r.str(id)) return bad("truncated alert claims");
  }
  if (!r.done()) return bad("trailing bytes");
  out.torn_tail_bytes = torn;
  s = std::move(out);
  return LoadStatus::Ok;
}

}  // namespace rulec::rt
