// Per-event typed tests: each value parsed once per class (number type, ip, boolean) or normalized once (keyword ranges), then compared.
#include "runtime/eval/typed_tests.h"

#include <algorithm>

#include "runtime/common/bits.h"
#include "runtime/common/utf8.h"

namespace rulec::rt {

namespace {


int compare(const DocNum& a, const TypedTestSpec& b) {
  if (a.is_int && b.is_int) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  const double x = a.is_int ? static_cast<double>(a.i) : a.d;
  const double y = b.is_int ? static_cast<double>(b.i) : b.d;
  return x < y ? -1 : x > y ? 1 : 0;
}

bool contains(const TypedTestSpec& c, const IpAddr& ip) {
  const unsigned full = c.prefix / 8, rest = c.prefix % 8;
  for (unsigned k = 0; k < full; ++k)
    if (ip.bytes[k] != c.ip.bytes[k]) return false;
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (ip.bytes[full] & mask) == (c.ip.bytes[full] & mask);
}

bool test(const TypedTestSpec& s, const DocNum& n, const std::optional<IpAddr>& ip, int b) {
  using K = TypedTestSpec::Kind;
  switch (s.kind) {
    case K::Indexed:
      return s.cls == TypedTestSpec::Class::Number ? n.ok : s.cls == TypedTestSpec::Class::Ip ? ip.has_value() : b >= 0;
    case K::NumEqual: return n.ok && compare(n, s) == 0;
    case K::NumRange: return n.ok && range_ok(compare(n, s), s.op);  // Ge or Le: the bound is inclusive
    case K::IpEqual: return ip && *ip == s.ip;
    case K::IpCidr: return ip && contains(s, *ip);
    case K::IpRange: {
      if (!ip) return false;
      const auto c = *ip <=> s.ip;
      return range_ok(c < 0 ? -1 : c > 0 ? 1 : 0, s.op);
    }
    case K::BoolEqual: return b >= 0 && b == static_cast<int>(s.flag);
    case K::BoolRange: return b >= 0 && range_ok(b - static_cast<int>(s.flag), s.op);
    case K::StrRange: return false;  // tested in scan()
  }
  return false;
}

}  // namespace

std::unique_ptr<TypedTests> TypedTests::create(std::vector<TypedTestSpec> specs, size_t slot_count, std::string& error) {
  std::unique_ptr<TypedTests> t(new TypedTests());
  t->specs_ = std::move(specs);
  t->by_slot_.resize(slot_count);
  for (size_t i = 0; i < t->specs_.size(); ++i) {
    if (t->specs_[i].slot >= slot_count) {
      error = "typed test reads slot " + std::to_string(t->specs_[i].slot) + " of " + std::to_string(slot_count);
      return nullptr;
    }
    t->by_slot_[t->specs_[i].slot].push_back(static_cast<uint32_t>(i));
  }
  for (auto& v : t->by_slot_)
    std::stable_sort(v.begin(), v.end(), [&](uint32_t a, uint32_t b) {
      const auto& x = t->specs_[a];
      const auto& y = t->specs_[b];
      return std::tie(x.cls, x.num_type) < std::tie(y.cls, y.num_type);
    });
  return t;
}

void TypedTests::scan(uint32_t slot, const Leaf& leaf, uint64_t* atom_bits) {
  // Parse once per (class, number type) run of the slot's tests.
  bool have = false;
  TypedTestSpec::Class cls{};
  NumType nt{};
  DocNum n;
  std::optional<IpAddr> ip;
  int b = -1;
  for (uint32_t k : by_slot_[slot]) {
    const TypedTestSpec& s = specs_[k];
    if (!have || s.cls != cls || (s.cls == TypedTestSpec::Class::Number && s.num_type != nt)) {
      have = true;
      cls = s.cls;
      nt = s.num_type;
      switch (cls) {
        case TypedTestSpec::Class::Number: n = doc_number(nt, leaf); break;
        case TypedTestSpec::Class::Ip: ip = parse_ip(leaf.text); break;
        case TypedTestSpec::Class::Bool: b = doc_bool(leaf); break;
        case TypedTestSpec::Class::String: break;
      }
    }
    if (s.cls == TypedTestSpec::Class::String) {  // keyword range: bytes of the normalized value
      if (s.ignore_above && leaf.text.size() > s.ignore_above && utf16_length(leaf.text) > s.ignore_above) continue;
      std::string_view v = leaf.text;
      if (s.lower) {
        utf8_lower(leaf.text, lower_);
        v = lower_;
      }
      const int c = v.compare(s.text);
      if (range_ok(c < 0 ? -1 : c > 0 ? 1 : 0, s.op)) set_bit(atom_bits, s.atom);
      continue;
    }
    if (test(s, n, ip, b)) set_bit(atom_bits, s.atom);
  }
}

}  // namespace rulec::rt
