// Value lists for exception items: loading list files per type and the membership tests of Kibana's filterEventsAgainstList.
#include "runtime/state/value_lists.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <unordered_map>

#include <fmt/format.h>

#include "runtime/common/text_analysis.h"
#include "runtime/state/indicator_index.h"
#include "runtime/state/term_tuples.h"

namespace rulec::rt {

enum class ValueListKind : uint8_t { Bytes, Ip, IpRange, Number, Boolean, Text };

namespace {

using ListKind = ValueListKind;

ListKind kind_of(const std::string& type) {
  if (type == "ip") return ListKind::Ip;
  if (type == "ip_range") return ListKind::IpRange;
  if (type == "boolean") return ListKind::Boolean;
  if (type == "text") return ListKind::Text;
  if (type == "long" || type == "integer" || type == "short" || type == "byte" || type == "double" || type == "float" ||
      type == "half_float")
    return ListKind::Number;
  return ListKind::Bytes;  // keyword, binary
}

// A value as the list compares it; false when it is none of its kind.
bool normalize(ListKind kind, std::string_view text, std::string& out) {
  out.clear();
  switch (kind) {
    case ListKind::Bytes: out.assign(text); return true;
    // As an indicator mapping compares them (one definition of an address's and a number's bytes).
    case ListKind::Ip: return threat_value(ThreatCompare::Ip, text, ValueKind::String, out);
    case ListKind::Number: return threat_value(ThreatCompare::Number, text, ValueKind::String, out);
    case ListKind::Boolean:
      if (text != "true" && text != "false") return false;
      out.assign(text);
      return true;
    case ListKind::IpRange:
    case ListKind::Text: return false;  // ranges and analyzed items, not values
  }
  return false;
}

// An ip_range line: `A/N`, `A-B` or `A`, as an inclusive range of 16-byte addresses.
bool parse_range(std::string_view text, std::pair<IpAddr, IpAddr>& out) {
  if (const size_t slash = text.find('/'); slash != std::string_view::npos) {
    auto ip = parse_ip(text.substr(0, slash));
    const std::string_view bits = text.substr(slash + 1);
    if (!ip || bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    int prefix = std::stoi(std::string(bits));
    const int max = ip->is_v4() ? 32 : 128;
    if (prefix > max) return false;
    if (ip->is_v4()) prefix += 96;
    out = {*ip, *ip};
    for (int b = prefix; b < 128; ++b) {
      const auto bit = static_cast<uint8_t>(0x80 >> (b % 8));
      out.first.bytes[static_cast<size_t>(b / 8)] &= static_cast<uint8_t>(~bit);
      out.second.bytes[static_cast<size_t>(b / 8)] |= bit;
    }
    return true;
  }
  if (const size_t dash = text.find('-'); dash != std::string_view::npos) {
    auto a = parse_ip(text.substr(0, dash)), b = parse_ip(text.substr(dash + 1));
    if (!a || !b || *b < *a) return false;
    out = {*a, *b};
    return true;
  }
  auto ip = parse_ip(text);
  if (!ip) return false;
  out = {*ip, *ip};
  return true;
}

}  // namespace

struct ValueLists::List {
  std::string id, type;
  ValueListKind kind = ValueListKind::Bytes;
  std::unordered_set<std::string> values;
  std::vector<std::pair<IpAddr, IpAddr>> ranges;  // sorted by start, merged (ip_range)
  // text: each item's tokens (the standard analyzer), as postings: token -> items, ascending
  // (looked up by string_view: no allocation per event).
  struct TokenHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, std::vector<uint32_t>, TokenHash, std::equal_to<>> postings;
  uint32_t items = 0;
  mutable std::vector<std::string_view> tokens;
  mutable std::vector<const std::vector<uint32_t>*> lists;
  void add_text(std::string_view line, std::string& buf) {
    analyze(line, buf, tokens);
    for (std::string_view t : tokens) {
      auto& p = postings[std::string(t)];
      if (p.empty() || p.back() != items) p.push_back(items);
    }
    ++items;
  }
  // Kibana's text list search: `match` with operator and: some item holds every token of the value.
  bool has_text(std::string_view text, std::string& buf) const {
    analyze(text, buf, tokens);
    if (tokens.empty()) return false;
    lists.clear();
    for (std::string_view t : tokens) {
      auto it = postings.find(t);
      if (it == postings.end()) return false;
      lists.push_back(&it->second);
    }
    std::sort(lists.begin(), lists.end(), [](auto* a, auto* b) { return a->size() < b->size(); });
    for (uint32_t item : *lists[0])
      if (std::all_of(lists.begin() + 1, lists.end(), [&](auto* l) { return std::binary_search(l->begin(), l->end(), item); }))
        return true;
    return false;
  }
  bool has(std::string_view text, ValueKind leaf_kind, std::string& scratch) const {
    if (kind == ListKind::Text) return has_text(text, scratch);
    if (kind == ListKind::IpRange) {
      if (leaf_kind != ValueKind::String) return false;
      auto ip = parse_ip(text);
      if (!ip) return false;
      auto it = std::upper_bound(ranges.begin(), ranges.end(), *ip, [](const IpAddr& a, const auto& r) { return a < r.first; });
      return it != ranges.begin() && !(std::prev(it)->second < *ip);
    }
    return normalize(kind, text, scratch) && values.count(scratch);
  }
};

ValueLists::~ValueLists() = default;

std::vector<std::string> ValueLists::missing(const std::vector<std::pair<std::string, std::string>>& files,
                                             const std::vector<RuleInfo>& rules) {
  std::vector<std::string> out;
  for (const RuleInfo& r : rules)
    for (const auto& item : r.value_list_items)
      for (const auto& e : item) {
        const bool given = std::any_of(files.begin(), files.end(), [&](const auto& f) { return f.first == e.list_id; });
        if (!given && std::find(out.begin(), out.end(), e.list_id) == out.end()) out.push_back(e.list_id);
      }
  return out;
}

const ValueLists::List* ValueLists::find(const std::string& id, const std::string& type) const {
  for (const auto& l : lists_)
    if (l->id == id && l->type == type) return l.get();
  return nullptr;
}

std::unique_ptr<ValueLists> ValueLists::load(const std::vector<std::pair<std::string, std::string>>& files,
                                             const std::vector<RuleInfo>& rules, std::string& error,
                                             const std::function<void(const std::string&)>& report) {
  std::unique_ptr<ValueLists> x(new ValueLists());
  for (const RuleInfo& r : rules)
    for (const auto& item : r.value_list_items)
      for (const auto& e : item) {
        if (x->find(e.list_id, e.list_type)) continue;
        auto f = std::find_if(files.begin(), files.end(), [&](const auto& p) { return p.first == e.list_id; });
        if (f == files.end()) continue;  // missing(): the rule is left out
        auto list = std::make_unique<List>();
        list->id = e.list_id, list->type = e.list_type, list->kind = kind_of(e.list_type);
        std::ifstream in(f->second, std::ios::binary);
        if (!in) {
          error = fmt::format("cannot read value list {} file {}: {}", e.list_id, f->second, std::strerror(errno));
          return nullptr;
        }
        std::string line, normalized;
        uint64_t line_no = 0, bad = 0;
        while (std::getline(in, line)) {
          ++line_no;
          if (!line.empty() && line.back() == '\r') line.pop_back();
          if (line.empty()) continue;
          if (list->kind == ListKind::Text) {
            list->add_text(line, normalized);
            continue;
          }
          std::pair<IpAddr, IpAddr> range;
          const bool ok = list->kind == ListKind::IpRange ? parse_range(line, range) : normalize(list->kind, line, normalized);
          if (!ok) {
            if (report && bad < 10)
              report(fmt::format("{}:{}: skipped: not a value of a {} list: {}", f->second, line_no, e.list_type,
                                 line.substr(0, 80)));
            ++bad;
            continue;
          }
          if (list->kind == ListKind::IpRange) list->ranges.push_back(range);
          else list->values.insert(normalized);
        }
        if (in.bad()) {
          error = fmt::format("cannot read value list {} file {}: {}", e.list_id, f->second, std::strerror(errno));
          return nullptr;
        }
        if (list->values.empty() && list->ranges.empty() && list->postings.empty()) {
          error = fmt::format("value list {} file {} holds no {} value", e.list_id, f->second, e.list_type);
          return nullptr;
        }
        auto& rs = list->ranges;
        std::sort(rs.begin(), rs.end());
        size_t out = 0;
        for (size_t i = 0; i < rs.size(); ++i) {
          if (out && !(rs[out - 1].second < rs[i].first)) rs[out - 1].second = std::max(rs[out - 1].second, rs[i].second);
          else rs[out++] = rs[i];
        }
        rs.resize(out);
        x->lists_.push_back(std::move(list));
      }
  return x;
}

bool ValueLists::excludes(const RuleInfo& rule, const Event& ev) {
  for (const auto& item : rule.value_list_items) {
    bool all = true;
    for (const ValueListEntry& e : item) {
      const List* list = find(e.list_id, e.list_type);
      terms::field_values(ev, e.field, e.ignore_above, values_, seen_);
      if (!list || values_.empty()) {  // a missing field keeps the event (Kibana: eventItem == null)
        all = false;
        break;
      }
      bool in = false;
      for (const Leaf& l : ev.leaves) {
        if (l.path != e.field || l.kind == ValueKind::Null) continue;
        if (std::find(values_.begin(), values_.end(), l.text) == values_.end()) continue;  // over ignore_above
        if ((in = list->has(l.text, l.kind, normalized_))) break;
      }
      if (in != e.included) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

std::string ValueLists::report() const {
  size_t values = 0;
  for (const auto& l : lists_) values += l->values.size() + l->ranges.size() + l->items;
  return fmt::format("value lists: {} loaded, {} values", lists_.size(), values);
}

}  // namespace rulec::rt
