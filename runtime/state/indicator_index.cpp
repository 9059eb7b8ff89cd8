// Indicator feeds for threat_match rules: loading (selection, hashing of mapped values) and matching events against them.
//
// Kibana's semantics (security_solution threat_mapping/build_threat_mapping_filter.ts and
// enrich_signal_threat_matches.ts): for each indicator the threat_query and threat_filters keep,
// each mapping whose entries all have exactly one value in the indicator (filterThreatMapping)
// becomes a `match` query per entry on the event field, ANDed; mappings are ORed. An event any
// such clause matches gets one enrichment per named query it matched (indicator id and index,
// entry field and value). Decision recorded here: the enrichments listed are those of the mappings
// that matched as a whole (Elasticsearch would also name an entry of a half-matched mapping when it
// happened to be in the same search chunk as a whole match, which depends on Kibana's paging).
#include "runtime/state/indicator_index.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "runtime/common/ascii.h"
#include "runtime/common/hash128.h"
#include "runtime/common/typed_values.h"
#include "runtime/eval/generic_tests.h"
#include "runtime/state/term_tuples.h"

namespace rulec::rt {

struct IndicatorIndex::Feed {
  std::string path;
  std::string name;  // the file name without its extension: the _index of plain documents
  int fd = -1;
  struct stat st {};
  ~Feed() {
    if (fd >= 0) ::close(fd);
  }
};

namespace {

uint64_t value_key(uint64_t field_id, std::string_view normalized) {
  const auto h = fast_hash128(normalized);
  return h.first ^ ((field_id + 1) * 0x9E3779B97F4A7C15ull) ^ (h.second >> 7);
}

std::string feed_name(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  const size_t dot = name.rfind('.');
  return dot == 0 || dot == std::string::npos ? name : name.substr(0, dot);
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
         a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

// The non-null leaves of `path`: Kibana keeps a mapping for an indicator only when the field has
// exactly one value there.
const Leaf* single_value(const Event& ev, std::string_view path) {
  const Leaf* found = nullptr;
  for (const Leaf& l : ev.leaves) {
    if (l.path != path || l.kind == ValueKind::Null) continue;
    if (found) return nullptr;
    found = &l;
  }
  return found;
}

}  // namespace

bool threat_value(ThreatCompare compare, std::string_view text, ValueKind kind, std::string& out) {
  out.clear();
  switch (compare) {
    case ThreatCompare::Exact: out.assign(text); return true;
    case ThreatCompare::Lower:
      out.resize(text.size());
      std::transform(text.begin(), text.end(), out.begin(), [](char c) { return ascii_lower(c); });
      return true;
    case ThreatCompare::Ip: {
      if (kind != ValueKind::String) return false;
      auto ip = parse_ip(text);
      if (!ip) return false;
      out.assign(reinterpret_cast<const char*>(ip->bytes.data()), ip->bytes.size());
      return true;
    }
    case ThreatCompare::Number: {
      auto n = parse_number(text);
      if (!n || n->d != n->d) return false;
      const double d = n->d == 0 ? 0.0 : n->d;  // -0 == 0
      out.assign(reinterpret_cast<const char*>(&d), sizeof d);
      return true;
    }
  }
  return false;
}

IndicatorIndex::~IndicatorIndex() = default;

void IndicatorIndex::insert(uint64_t key, uint32_t indicator) {
  if (table_.empty() || (entries_.size() + 1) * 2 > table_.size()) {
    std::vector<uint32_t> old = std::move(table_);
    table_.assign(old.empty() ? 1024 : old.size() * 2, kNone);
    const size_t mask = table_.size() - 1;
    for (uint32_t head : old) {
      if (head == kNone) continue;
      size_t i = entries_[head].key & mask;
      while (table_[i] != kNone) i = (i + 1) & mask;
      table_[i] = head;
    }
  }
  const size_t mask = table_.size() - 1;
  size_t i = key & mask;
  while (table_[i] != kNone && entries_[table_[i]].key != key) i = (i + 1) & mask;
  entries_.push_back({key, indicator, table_[i]});
  table_[i] = static_cast<uint32_t>(entries_.size() - 1);
}

uint32_t IndicatorIndex::find(uint64_t key) const {
  if (table_.empty()) return kNone;
  const size_t mask = table_.size() - 1;
  for (size_t i = key & mask;; i = (i + 1) & mask) {
    const uint32_t e = table_[i];
    if (e == kNone || entries_[e].key == key) return e;
  }
}

bool IndicatorIndex::has(uint64_t key, uint32_t indicator) const {
  for (uint32_t e = find(key); e != kNone; e = entries_[e].next)
    if (entries_[e].indicator == indicator) return true;
  return false;
}

std::unique_ptr<IndicatorIndex> IndicatorIndex::load(const std::vector<std::string>& paths,
                                                     const std::vector<RuleInfo>& rules, int64_t now_ms,
                                                     std::string& error,
                                                     const std::function<void(const std::string&)>& report,
                                                     const std::vector<std::string>& names) {
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<IndicatorIndex> x(new IndicatorIndex());
  x->paths_ = paths;
  std::vector<std::unique_ptr<OnDemandAtoms>> selections;
  std::map<std::pair<std::string, ThreatCompare>, uint64_t> field_ids;
  x->slot_of_rule_.assign(rules.size(), -1);
  for (size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& r = rules[i];
    if (r.kind != DetectionKind::ThreatMatch) continue;
    GenericProgram program;
    ByteReader reader(r.threat_selector);
    std::string why;
    if (!decode_generic(reader, program, 1, why)) {
      error = fmt::format("rule \"{}\": its indicator selection cannot be read: {}", r.rule_id, why);
      return nullptr;
    }
    x->reads_now_ = x->reads_now_ || program.needs_now();
    auto atoms = make_on_demand_atoms(std::move(program), 1, why);
    if (!atoms) {
      error = fmt::format("rule \"{}\": its indicator selection: {}", r.rule_id, why);
      return nullptr;
    }
    selections.push_back(std::move(atoms));
    Slot slot;
    slot.mapping = r.threat_mapping;
    slot.indicator_path = r.threat_indicator_path;
    slot.rule_id = r.rule_id;
    slot.definition_hash = r.definition_hash;
    for (const auto& m : r.threat_mapping) {
      std::vector<uint64_t> ids;
      for (const auto& e : m) ids.push_back(field_ids.try_emplace({e.value, e.compare}, field_ids.size()).first->second);
      slot.field_ids.push_back(std::move(ids));
    }
    x->slot_of_rule_[i] = static_cast<int32_t>(x->slots_.size());
    x->slots_.push_back(std::move(slot));
  }
  x->words_ = (x->slots_.size() + 63) / 64;
  if (x->slots_.empty()) return x;

  // A rule's selection is evaluated only on documents with a value in one of its mapped fields
  // (no other can match an event for that rule): per field, the rules mapping it.
  std::unordered_map<std::string_view, std::vector<uint64_t>> mapped_by;
  for (size_t s = 0; s < x->slots_.size(); ++s)
    for (const auto& m : x->slots_[s].mapping)
      for (const auto& e : m) {
        auto& bits = mapped_by[e.value];
        bits.resize(x->words_);
        bits[s / 64] |= uint64_t{1} << (s % 64);
      }
  std::vector<uint64_t> candidates(x->words_);
  Decoder decoder;
  Event ev;
  std::vector<uint64_t> mask(x->words_);
  std::vector<uint64_t> done;  // field ids indexed for the current indicator
  std::string normalized;
  for (size_t p = 0; p < paths.size(); ++p) {
    const std::string& path = paths[p];
    auto feed = std::make_unique<Feed>();
    feed->path = path;
    feed->name = feed_name(p < names.size() && !names[p].empty() ? names[p] : path);
    feed->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (feed->fd < 0 || ::fstat(feed->fd, &feed->st) != 0) {
      error = fmt::format("cannot read indicators file {}: {}", path, std::strerror(errno));
      return nullptr;
    }
    if (S_ISDIR(feed->st.st_mode)) {
      error = fmt::format("cannot read indicators file {}: it is a directory", path);
      return nullptr;
    }
    const uint32_t feed_no = static_cast<uint32_t>(x->feeds_.size());
    // Read through a stream of our own (a duplicate descriptor): the feed's descriptor stays
    // open for reading indicators back, whatever happens to the path.
    const int dup = ::fcntl(feed->fd, F_DUPFD_CLOEXEC, 0);
    FILE* in = dup < 0 ? nullptr : ::fdopen(dup, "rb");
    if (!in) {
      if (dup >= 0) ::close(dup);
      error = fmt::format("cannot read indicators file {}: {}", path, std::strerror(errno));
      return nullptr;
    }
    std::unique_ptr<FILE, int (*)(FILE*)> closer(in, &std::fclose);
    std::setvbuf(in, nullptr, _IOFBF, 1 << 20);
    char* buf = nullptr;  // getline's, grown as needed
    size_t cap = 0;
    struct FreeBuffer {
      char*& p;
      ~FreeBuffer() { std::free(p); }
    } free_buffer{buf};
    uint64_t line_no = 0, offset = 0;
    for (ssize_t got; (got = ::getline(&buf, &cap, in)) > 0;) {
      const size_t at = offset;
      offset += static_cast<size_t>(got);
      std::string_view line(buf, static_cast<size_t>(got));
      if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
      ++line_no;
      ++x->stats_.lines;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      std::string message;
      const DecodeError e = line.size() > UINT32_MAX ? DecodeError::TooLong : decoder.decode(line, ev, &message);
      if (e != DecodeError::None) {
        ++x->stats_.skipped;
        if (report)
          report(fmt::format("{}:{}: skipped: {}{}{}", p < names.size() && !names[p].empty() ? names[p] : path, line_no,
                             to_string(e), message.empty() ? "" : ": ", message));
        continue;
      }
      ++x->stats_.documents;
      std::fill(mask.begin(), mask.end(), 0);
      std::fill(candidates.begin(), candidates.end(), 0);
      for (const Leaf& l : ev.leaves)
        if (auto it = mapped_by.find(l.path); it != mapped_by.end())
          for (size_t w = 0; w < x->words_; ++w) candidates[w] |= it->second[w];
      bool any = false;
      for (size_t s = 0; s < selections.size(); ++s) {
        if (!((candidates[s / 64] >> (s % 64)) & 1)) continue;
        selections[s]->reset(ev, now_ms);
        if (!selections[s]->eval(0)) continue;
        mask[s / 64] |= uint64_t{1} << (s % 64);
        any = true;
      }
      if (!any) continue;
      ++x->stats_.selected;
      const auto id = static_cast<uint32_t>(x->indicators_.size());
      x->indicators_.push_back({at, static_cast<uint32_t>(line.size()), feed_no});
      x->masks_.insert(x->masks_.end(), mask.begin(), mask.end());
      done.clear();
      for (size_t s = 0; s < x->slots_.size(); ++s) {
        if (!((mask[s / 64] >> (s % 64)) & 1)) continue;
        const Slot& slot = x->slots_[s];
        for (size_t m = 0; m < slot.mapping.size(); ++m)
          for (size_t k = 0; k < slot.mapping[m].size(); ++k) {
            const uint64_t fid = slot.field_ids[m][k];
            if (std::find(done.begin(), done.end(), fid) != done.end()) continue;
            done.push_back(fid);
            const ThreatEntry& entry = slot.mapping[m][k];
            const Leaf* v = single_value(ev, entry.value);
            if (!v || !threat_value(entry.compare, v->text, v->kind, normalized)) continue;
            x->insert(value_key(fid, normalized), id);
            ++x->stats_.values;
          }
      }
      if (x->indicators_.size() >= kNone - 1) {
        error = "too many indicators (over 4 billion)";
        return nullptr;
      }
    }
    if (std::ferror(in)) {
      error = fmt::format("cannot read indicators file {}: {}", path, std::strerror(errno));
      return nullptr;
    }
    x->feeds_.push_back(std::move(feed));
  }
  x->indicators_.shrink_to_fit();
  x->masks_.shrink_to_fit();
  x->entries_.shrink_to_fit();
  x->stats_.bytes = x->indicators_.capacity() * sizeof(Indicator) + x->masks_.capacity() * 8 +
                    x->entries_.capacity() * sizeof(Entry) + x->table_.capacity() * 4;
  x->stats_.load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return x;
}

bool IndicatorIndex::rebind(const std::vector<RuleInfo>& rules) {
  std::vector<int32_t> slot_of(rules.size(), -1);
  size_t bound = 0;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].kind != DetectionKind::ThreatMatch) continue;
    auto it = std::find_if(slots_.begin(), slots_.end(), [&](const Slot& s) {
      return s.rule_id == rules[i].rule_id && s.definition_hash == rules[i].definition_hash;
    });
    if (it == slots_.end()) return false;
    slot_of[i] = static_cast<int32_t>(it - slots_.begin());
    ++bound;
  }
  if (bound != slots_.size()) return false;
  slot_of_rule_ = std::move(slot_of);
  return true;
}

bool IndicatorIndex::feeds_changed() const {
  for (const auto& f : feeds_) {
    struct stat now {};
    if (::stat(f->path.c_str(), &now) != 0 || !same_file(now, f->st)) return true;
  }
  return false;
}

bool IndicatorIndex::read_line(const Indicator& ind, std::string& out) {
  out.resize(ind.length);
  const Feed& f = *feeds_[ind.feed];
  size_t got = 0;
  while (got < ind.length) {
    const ssize_t n = ::pread(f.fd, out.data() + got, ind.length - got, static_cast<off_t>(ind.offset + got));
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return false;  // the feed was truncated in place: this indicator is gone
    }
    got += static_cast<size_t>(n);
  }
  return true;
}

// The event's value keys of each entry; false when an entry's field has no value (the mapping
// cannot match).
bool IndicatorIndex::event_keys(const std::vector<ThreatEntry>& entries, const std::vector<uint64_t>& ids, const Event& ev) {
  if (keys_.size() < entries.size()) keys_.resize(entries.size());
  for (size_t k = 0; k < entries.size(); ++k) {
    const ThreatEntry& e = entries[k];
    terms::field_values(ev, e.field, e.ignore_above, values_, seen_);
    keys_[k].clear();
    for (std::string_view v : values_) {
      // field_values gives texts; a number's kind matters only to Ip (never a number).
      if (threat_value(e.compare, v, ValueKind::String, normalized_)) keys_[k].push_back(value_key(ids[k], normalized_));
    }
    if (keys_[k].empty()) return false;
  }
  return true;
}

// The indicator's line decoded again: every entry of the mapping has exactly one value there,
// equal to one of the event's (the hashes found it; this makes the match exact).
bool IndicatorIndex::confirm(const Slot& slot, size_t mapping, std::string_view line) {
  if (decoder_.decode(line, event_) != DecodeError::None) return false;
  const auto& entries = slot.mapping[mapping];
  for (size_t k = 0; k < entries.size(); ++k) {
    const Leaf* v = single_value(event_, entries[k].value);
    if (!v || !threat_value(entries[k].compare, v->text, v->kind, normalized_)) return false;
    const uint64_t key = value_key(slot.field_ids[mapping][k], normalized_);
    if (std::find(keys_[k].begin(), keys_[k].end(), key) == keys_[k].end()) return false;
  }
  return true;
}

const std::vector<ThreatMatchFact>& IndicatorIndex::match(size_t rule, const Event& ev) {
  facts_.clear();
  if (rule >= slot_of_rule_.size() || slot_of_rule_[rule] < 0) return facts_;
  const size_t s = static_cast<size_t>(slot_of_rule_[rule]);
  const Slot& slot = slots_[s];
  hits_.clear();
  for (size_t m = 0; m < slot.mapping.size(); ++m) {
    if (!event_keys(slot.mapping[m], slot.field_ids[m], ev)) continue;
    for (uint64_t key : keys_[0])
      for (uint32_t e = find(key); e != kNone; e = entries_[e].next) {
        const uint32_t ind = entries_[e].indicator;
        if (!selects(s, ind)) continue;
        bool all = true;
        for (size_t k = 1; all && k < slot.mapping[m].size(); ++k)
          all = std::any_of(keys_[k].begin(), keys_[k].end(), [&](uint64_t kk) { return has(kk, ind); });
        if (all) hits_.emplace_back(ind, static_cast<uint32_t>(m));
      }
  }
  if (hits_.empty()) return facts_;
  // In feed order, each (indicator, mapping) once; an indicator's line is read back once.
  std::sort(hits_.begin(), hits_.end());
  hits_.erase(std::unique(hits_.begin(), hits_.end()), hits_.end());
  if (lines_.size() < hits_.size()) lines_.resize(hits_.size());
  size_t used = 0;
  uint32_t last = kNone;
  const std::string* line = nullptr;
  for (auto [ind, m] : hits_) {
    if (ind != last) {
      last = ind;
      line = read_line(indicators_[ind], lines_[used]) ? &lines_[used++] : nullptr;
    }
    if (!line || !event_keys(slot.mapping[m], slot.field_ids[m], ev) || !confirm(slot, m, *line)) continue;
    for (const ThreatEntry& e : slot.mapping[m]) {
      const bool dup = std::any_of(facts_.begin(), facts_.end(), [&](const ThreatMatchFact& f) {
        return f.indicator_json.data() == line->data() && f.field == e.field && f.value == e.value;
      });
      if (!dup) facts_.push_back({*line, feeds_[indicators_[ind].feed]->name, e.field, e.value});
    }
  }
  return facts_;
}

}  // namespace rulec::rt
