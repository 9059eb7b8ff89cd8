// Document values read the way Elasticsearch indexes them: numbers, IP addresses, booleans.
#include "runtime/common/typed_values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "runtime/common/ascii.h"

namespace rulec {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
}  // namespace

std::optional<Number> parse_number(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && static_cast<unsigned char>(text[b]) <= 0x20) ++b;  // String.trim()
  while (e > b && static_cast<unsigned char>(text[e - 1]) <= 0x20) --e;
  const bool trimmed = b != 0 || e != text.size();
  const std::string_view s = text.substr(b, e - b);
  size_t p = 0;
  bool neg = false;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) neg = s[p++] == '-';
  const std::string_view rest = s.substr(p);
  Number n;
  if (rest == "NaN" || rest == "Infinity") {
    n.d = rest == "NaN" ? std::numeric_limits<double>::quiet_NaN() : (neg ? -kInf : kInf);
    n.has_fraction = true;  // NaN % 1 and Infinity % 1 are NaN, which != 0
    return n;
  }
  const size_t int_start = p;
  while (p < s.size() && is_digit(s[p])) ++p;
  const std::string_view ints = s.substr(int_start, p - int_start);
  std::string_view fracs;
  if (p < s.size() && s[p] == '.') {
    const size_t frac_start = ++p;
    while (p < s.size() && is_digit(s[p])) ++p;
    fracs = s.substr(frac_start, p - frac_start);
  }
  if (ints.empty() && fracs.empty()) return std::nullopt;
  int64_t exp = 0;
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    ++p;
    bool exp_neg = false;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) exp_neg = s[p++] == '-';
    const size_t exp_start = p;
    while (p < s.size() && is_digit(s[p])) {
      exp = std::min<int64_t>(exp * 10 + (s[p] - '0'), int64_t{1} << 40);
      ++p;
    }
    if (p == exp_start) return std::nullopt;
    if (exp_neg) exp = -exp;
  }
  const size_t num_end = p;
  bool suffix = false;
  if (p < s.size() && (s[p] == 'f' || s[p] == 'F' || s[p] == 'd' || s[p] == 'D')) {
    suffix = true;
    ++p;
  }
  if (p != s.size()) return std::nullopt;

  // The double value.
  const char* first = s.data() + (s[0] == '+' ? 1 : 0);
  const char* last = s.data() + num_end;
  auto [ptr, ec] = std::from_chars(first, last, n.d);
  const size_t total = ints.size() + fracs.size();
  auto digit_at = [&](int64_t k) -> int {
    if (k < 0 || k >= static_cast<int64_t>(total)) return 0;
    return static_cast<size_t>(k) < ints.size() ? ints[k] - '0' : fracs[k - ints.size()] - '0';
  };
  if (ec == std::errc::result_out_of_range) {
    // Overflow gives an infinity, underflow zero (as Double.parseDouble does).
    int64_t first_nonzero = -1;
    for (size_t k = 0; k < total && first_nonzero < 0; ++k)
      if (digit_at(static_cast<int64_t>(k)) != 0) first_nonzero = static_cast<int64_t>(k);
    const bool huge = first_nonzero >= 0 && static_cast<int64_t>(ints.size()) - first_nonzero + exp > 0;
    n.d = huge ? (neg ? -kInf : kInf) : (neg ? -0.0 : 0.0);
  } else if (ec != std::errc() || ptr != last) {
    return std::nullopt;
  }
  // d % 1 != 0: true for NaN and the infinities (their remainder is NaN), else a fractional part.
  n.has_fraction = !std::isfinite(n.d) || n.d != std::trunc(n.d);

  // The exact integer part, as BigDecimal / Long.parseLong would give it.
  n.plain = !trimmed && !suffix && exp > -(int64_t{1} << 31) && exp < (int64_t{1} << 31);
  const int64_t point = static_cast<int64_t>(ints.size()) + exp;  // digits before the decimal point
  unsigned __int128 acc = 0;
  bool overflow = false;
  for (int64_t k = 0; k < point; ++k) {
    if (k >= static_cast<int64_t>(total) && acc == 0) break;  // the rest are zeros
    acc = acc * 10 + static_cast<unsigned>(digit_at(k));
    if (acc > (static_cast<unsigned __int128>(1) << 64)) {
      overflow = true;
      break;
    }
  }
  bool frac_nonzero = false;
  for (int64_t k = std::max<int64_t>(point, 0); k < static_cast<int64_t>(total) && !frac_nonzero; ++k)
    frac_nonzero = digit_at(k) != 0;
  const unsigned __int128 limit = neg ? (static_cast<unsigned __int128>(1) << 63) : (static_cast<unsigned __int128>(kI64Max));
  if (overflow || acc > limit || (acc == limit && frac_nonzero)) {
    n.int_overflow = n.plain;
  } else {
    n.is_int = n.plain;
    n.i = neg ? static_cast<int64_t>(-static_cast<__int128>(acc)) : static_cast<int64_t>(acc);
  }
  return n;
}

bool IpAddr::is_v4() const {
  for (int k = 0; k < 10; ++k)
    if (bytes[k] != 0) return false;
  return bytes[10] == 0xff && bytes[11] == 0xff;
}

std::string IpAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (is_v4()) {
    inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

std::optional<IpAddr> parse_ip(std::string_view text) {
  char buf[64];
  if (text.empty() || text.size() >= sizeof buf || text.find('\0') != std::string_view::npos) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddr ip;
  if (text.find(':') != std::string_view::npos) {
    if (inet_pton(AF_INET6, buf, ip.bytes.data()) != 1) return std::nullopt;
  } else {
    if (inet_pton(AF_INET, buf, ip.bytes.data() + 12) != 1) return std::nullopt;
    ip.bytes[10] = ip.bytes[11] = 0xff;
  }
  return ip;
}

bool Cidr::contains(const IpAddr& ip) const {
  const unsigned full = prefix / 8, rest = prefix % 8;
  for (unsigned k = 0; k < full; ++k)
    if (ip.bytes[k] != addr.bytes[k]) return false;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (ip.bytes[full] & mask) == (addr.bytes[full] & mask);
}

DocNum doc_number(NumType t, const rt::Leaf& leaf) {
  DocNum out;
  if (leaf.kind != rt::ValueKind::Number && leaf.kind != rt::ValueKind::String) return out;
  const auto n = parse_number(leaf.text);
  if (!n || std::isnan(n->d)) return out;
  switch (t) {
    case NumType::Byte:
    case NumType::Short:
    case NumType::Integer:
    case NumType::Long: {
      if (!std::isfinite(n->d) || n->int_overflow) return out;
      int64_t v = 0;
      if (n->is_int) {
        v = n->i;  // truncated toward zero (coerce)
      } else {
        if (!(n->d > -9223372036854775808.0 && n->d < 9223372036854775807.0)) return out;
        v = static_cast<int64_t>(n->d);
      }
      const int64_t lo = t == NumType::Byte ? -128 : t == NumType::Short ? -32768
                         : t == NumType::Integer ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int64_t>::min();
      const int64_t hi = t == NumType::Byte ? 127 : t == NumType::Short ? 32767
                         : t == NumType::Integer ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max();
      if (v < lo || v > hi) return out;
      return DocNum{true, true, v, static_cast<double>(v)};
    }
    case NumType::UnsignedLong:
      if (!std::isfinite(n->d) || n->d <= -1.0) return out;
      if (n->is_int) return DocNum{true, true, std::max<int64_t>(n->i, 0), static_cast<double>(std::max<int64_t>(n->i, 0))};
      if (n->d >= 18446744073709551616.0) return out;
      if (n->d < 9223372036854775807.0) {
        const auto v = static_cast<int64_t>(n->d);
        return DocNum{true, true, v, static_cast<double>(v)};
      }
      return DocNum{true, false, 0, std::trunc(n->d)};
    case NumType::Float:
    case NumType::HalfFloat: {
      const auto f = static_cast<float>(n->d);
      if (!std::isfinite(f)) return out;
      return DocNum{true, false, 0, static_cast<double>(f)};
    }
    default:  // double, scaled_float
      if (!std::isfinite(n->d)) return out;
      return DocNum{true, false, 0, n->d};
  }
}

int doc_bool(const rt::Leaf& leaf) {
  if (leaf.kind == rt::ValueKind::True) return 1;
  if (leaf.kind == rt::ValueKind::False) return 0;
  if (leaf.kind != rt::ValueKind::String) return -1;
  if (leaf.text == "true") return 1;
  if (leaf.text == "false" || leaf.text.empty()) return 0;
  return -1;
}

}  // namespace rulec
