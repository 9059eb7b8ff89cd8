// Typed query values read the way Elasticsearch reads them: numbers, CIDR blocks, booleans.
#include "compiler/frontend/values.h"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace rulec {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();

NumericTerm numeric_error(const char* why) { return {NumericOutcome::Error, false, 0, 0, why}; }
NumericTerm numeric_none(const char* why) { return {NumericOutcome::MatchNone, false, 0, 0, why}; }
NumericTerm numeric_int(int64_t v) { return {NumericOutcome::Value, true, v, static_cast<double>(v), {}}; }
NumericTerm numeric_double(double v) { return {NumericOutcome::Value, false, 0, v, {}}; }

// Inclusive limits of the small integer types.
bool int_limits(FieldType t, int64_t& lo, int64_t& hi) {
  switch (t) {
    case FieldType::Byte: lo = -128; hi = 127; return true;
    case FieldType::Short: lo = -32768; hi = 32767; return true;
    case FieldType::Integer: lo = std::numeric_limits<int32_t>::min(); hi = std::numeric_limits<int32_t>::max(); return true;
    default: return false;
  }
}

// Java's (long) cast of a double: truncation toward zero, NaN -> 0, saturating.
int64_t java_long(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return kI64Max;
  if (d <= -9223372036854775808.0) return kI64Min;
  return static_cast<int64_t>(d);
}

// longRangeQuery's rounding of a bound `v` (already truncated toward zero) read from `n`.
NumericTerm adjust_int_bound(int64_t v, const Number& n, bool lower, bool inclusive, int64_t lo, int64_t hi) {
  const bool frac = n.has_fraction;
  if (lower) {
    if ((!frac && !inclusive) || (frac && n.d > 0)) {
      if (v >= hi) return numeric_none("is at the top of the field's range");
      ++v;
    }
  } else {
    if ((!frac && !inclusive) || (frac && n.d < 0)) {
      if (v <= lo) return numeric_none("is at the bottom of the field's range");
      --v;
    }
  }
  return numeric_int(v);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Numbers

std::optional<double> parse_double(std::string_view text) {
  auto n = parse_number(text);
  if (!n) return std::nullopt;
  return n->d;
}

NumericTerm numeric_term(FieldType type, std::string_view text) {
  auto n = parse_number(text);
  if (!n) return numeric_error("is not a number");
  int64_t lo = 0, hi = 0;
  if (int_limits(type, lo, hi)) {
    if (n->has_fraction) return numeric_none("has a decimal part");
    if (!(n->d >= static_cast<double>(lo) && n->d <= static_cast<double>(hi))) return numeric_none("is out of the field's range");
    return numeric_int(java_long(n->d));
  }
  switch (type) {
    case FieldType::Long:
    case FieldType::UnsignedLong:
      if (n->has_fraction) return numeric_none("has a decimal part");
      if (!n->plain) return numeric_error("is not a plain decimal number");  // BigDecimal rejects it
      if (type == FieldType::UnsignedLong) {
        if (n->d < 0) return numeric_none("is negative");
        if (n->int_overflow) {
          if (n->d >= 18446744073709551616.0) return numeric_none("is out of the field's range");
          return numeric_double(n->d);
        }
        return numeric_int(n->i);
      }
      if (n->int_overflow) return numeric_none("is out of the field's range");
      return numeric_int(n->i);
    case FieldType::Double:
    case FieldType::ScaledFloat:  // the scaling factor is not in the schema: compared as a double
      if (!std::isfinite(n->d)) return numeric_none("is not finite");
      return numeric_double(n->d);
    case FieldType::Float:
    case FieldType::HalfFloat: {
      const float f = static_cast<float>(n->d);
      if (!std::isfinite(f)) return numeric_none("is not finite");
      return numeric_double(static_cast<double>(f));
    }
    default:
      return numeric_error("is not on a numeric field");
  }
}

NumericTerm numeric_range_bound(FieldType type, kql::RangeOp op, std::string_view text) {
  const bool lower = op == kql::RangeOp::Gt || op == kql::RangeOp::Ge;
  const bool inclusive = op == kql::RangeOp::Ge || op == kql::RangeOp::Le;
  auto n = parse_number(text);
  if (!n) return numeric_error("is not a number");
  int64_t lo = 0, hi = 0;
  if (int_limits(type, lo, hi)) {
    // INTEGER.parse(value, coerce=true): out of the int range throws; byte and short use it too.
    if (n->d < static_cast<double>(std::numeric_limits<int32_t>::min()) ||
        n->d > static_cast<double>(std::numeric_limits<int32_t>::max()))
      return numeric_error("is out of range for an integer");
    return adjust_int_bound(java_long(n->d), *n, lower, inclusive, std::numeric_limits<int32_t>::min(),
                            std::numeric_limits<int32_t>::max());
  }
  switch (type) {
    case FieldType::Long:
    case FieldType::UnsignedLong:
      // objectToLong(value, coerce=true): the double must be in range, then Numbers.toLong parses
      // the text exactly (BigDecimal) and truncates toward zero.
      if (n->d < -9223372036854775808.0 || (type == FieldType::Long && n->d > 9223372036854775807.0))
        return numeric_error("is out of range for a long");
      if (!n->plain) return numeric_error("is not a plain decimal number");
      if (n->int_overflow) {
        if (type == FieldType::Long) return numeric_error("is out of range for a long");
        if (lower) return numeric_double(n->d);
        return numeric_int(kI64Max);  // approximation: unsigned values above 2^63 are rare
      }
      return adjust_int_bound(n->i, *n, lower, inclusive, kI64Min, kI64Max);
    case FieldType::Double:
    case FieldType::ScaledFloat: {
      double d = n->d;
      if (!inclusive) d = std::nextafter(d, lower ? kInf : -kInf);
      return numeric_double(d);
    }
    case FieldType::Float:
    case FieldType::HalfFloat: {
      float f = static_cast<float>(n->d);
      if (!inclusive) f = std::nextafter(f, lower ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity());
      return numeric_double(static_cast<double>(f));
    }
    default:
      return numeric_error("is not on a numeric field");
  }
}

// ---------------------------------------------------------------------------------------------
// IP addresses

std::optional<Cidr> parse_cidr(std::string_view text) {
  // Java's String.split("/"): trailing empty parts are dropped; exactly two parts must remain.
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t slash = text.find('/', start);
    parts.push_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  if (parts.size() != 2) return std::nullopt;
  auto ip = parse_ip(parts[0]);
  if (!ip) return std::nullopt;
  const bool v6_text = parts[0].find(':') != std::string_view::npos;
  if (v6_text && ip->is_v4()) return std::nullopt;  // IPv6-mapped IPv4 with a prefix is ambiguous
  // Integer.parseInt: optional sign, digits.
  std::string_view num = parts[1];
  if (!num.empty() && num[0] == '+') num.remove_prefix(1);
  int64_t prefix = -1;
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), prefix);
  if (ec != std::errc() || ptr != num.data() + num.size()) return std::nullopt;
  const int64_t max = v6_text ? 128 : 32;
  if (prefix < 0 || prefix > max) return std::nullopt;
  Cidr c;
  c.prefix = static_cast<uint8_t>(v6_text ? prefix : prefix + 96);
  c.addr = *ip;
  for (unsigned bit = c.prefix; bit < 128; ++bit) c.addr.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  return c;
}

// ---------------------------------------------------------------------------------------------
// Booleans

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

}  // namespace rulec
