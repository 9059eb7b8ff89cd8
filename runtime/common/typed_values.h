// Document values read the way Elasticsearch indexes them: numbers (Double.parseDouble), IP addresses, booleans.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/decoder/event.h"

namespace rulec {

// ---------------------------------------------------------------------------------------------
// Numbers. Elasticsearch reads a numeric value with Java's Double.parseDouble: surrounding
// characters <= U+0020 are trimmed, then an optional sign, decimal digits with an optional point and
// exponent, an optional f/F/d/D suffix, or "NaN"/"Infinity". Hexadecimal floats are not accepted.

struct Number {
  double d = 0;               // the value as Double.parseDouble reads it (may be NaN or infinite)
  bool plain = false;         // java.math.BigDecimal syntax too: no trimmed whitespace, suffix, NaN, Infinity
  bool is_int = false;        // plain, and the value truncated toward zero fits int64: `i` holds it exactly
  int64_t i = 0;
  bool has_fraction = false;  // Elasticsearch's hasDecimalPart: d % 1 != 0 (true for NaN and infinities)
  bool int_overflow = false;  // plain, but the exact value lies outside [INT64_MIN, INT64_MAX]
};

// nullopt when Double.parseDouble would throw (the search fails).
std::optional<Number> parse_number(std::string_view text);
// ---------------------------------------------------------------------------------------------
// IP addresses: Elasticsearch's InetAddresses.forString (dotted quads without leading zeros,
// RFC 4291 IPv6 text incl. embedded IPv4, no zone ids, no surrounding whitespace). Every address is
// kept in the 16-byte form Lucene indexes: IPv4 as the IPv4-mapped IPv6 address ::ffff:a.b.c.d.
struct IpAddr {
  std::array<uint8_t, 16> bytes{};
  bool is_v4() const;  // an IPv4-mapped address
  std::string to_string() const;
  auto operator<=>(const IpAddr&) const = default;  // byte order == Lucene's InetAddressPoint order
};

std::optional<IpAddr> parse_ip(std::string_view text);

struct Cidr {
  IpAddr addr;          // with the host bits cleared
  uint8_t prefix = 0;   // over the 16-byte form: an IPv4 /8 is 104 here
  bool contains(const IpAddr& ip) const;
};

// ---------------------------------------------------------------------------------------------
// Document values per field type (NumberFieldMapper with coerce, BooleanFieldMapper).

// The numeric field types, as the runtime knows them.
enum class NumType : uint8_t { Byte, Short, Integer, Long, UnsignedLong, Float, HalfFloat, Double };

// A document number as a field of type `t` indexes it: a JSON number or a numeric string (coerce);
// integer types truncate toward zero and must fit; floats round to float. !ok: not indexed.
struct DocNum {
  bool ok = false;
  bool is_int = false;
  int64_t i = 0;
  double d = 0;
};
DocNum doc_number(NumType t, const rt::Leaf& leaf);

// A boolean document value: true/false, "true"/"false", "" (false). -1 when not a boolean.
int doc_bool(const rt::Leaf& leaf);

}  // namespace rulec
