// Fast text helpers of the mixed scenario: JSON writer, hex/base64/UUID, ISO timestamps, argv buffers.
#pragma once

#include <charconv>
#include <cstring>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "bench/gen/event_gen.h"
#include "bench/gen/gen_vocab.h"

namespace rulec::gen::mix {

// Append-only JSON writer with a fixed key order; keys are literals that need no escaping.
class JsonOut {
 public:
  JsonOut() { out_.reserve(1 << 14); }
  void clear() { out_.clear(); first_ = true; }
  const std::string& text() const { return out_; }

  JsonOut& open(std::string_view key = {}) { key_(key); out_ += '{'; first_ = true; return *this; }
  JsonOut& close() { out_ += '}'; first_ = false; return *this; }
  JsonOut& arr(std::string_view key) { key_(key); out_ += '['; first_ = true; return *this; }
  JsonOut& end_arr() { out_ += ']'; first_ = false; return *this; }
  JsonOut& str(std::string_view key, std::string_view v) { key_(key); quote(v); return *this; }
  JsonOut& item(std::string_view v) { key_({}); quote(v); return *this; }
  JsonOut& num(std::string_view key, int64_t v) {
    key_(key);
    char b[24];
    auto r = std::to_chars(b, b + sizeof b, v);
    out_.append(b, static_cast<size_t>(r.ptr - b));
    return *this;
  }
  JsonOut& boolean(std::string_view key, bool v) { key_(key); out_ += v ? "true" : "false"; return *this; }
  JsonOut& str1(std::string_view key, std::string_view v) { arr(key).item(v); return end_arr(); }  // ["v"]
  // A pre-rendered member ("key":value) or element, written as is.
  JsonOut& fragment(std::string_view f) { key_({}); out_ += f; return *this; }

 private:
  void key_(std::string_view key) {
    if (!first_) out_ += ',';
    first_ = false;
    if (!key.empty()) {
      out_ += '"';
      out_ += key;
      out_ += "\":";
    }
  }
  // True if none of the 8 bytes needs escaping (no control character, quote or backslash).
  static bool clean8(const char* p) {
    constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t x;
    std::memcpy(&x, p, 8);
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    return ((((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs) == 0;
  }
  void quote(std::string_view s) {
    out_ += '"';
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (i + 8 <= s.size() && clean8(s.data() + i)) {
        i += 7;
        continue;
      }
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(s.data() + start, i - start);
      start = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default: {
          static constexpr char hx[] = "0123456789abcdef";
          char u[6] = {'\\', 'u', '0', '0', hx[c >> 4], hx[c & 15]};
          out_.append(u, 6);
        }
      }
    }
    out_.append(s.data() + start, s.size() - start);
    out_ += '"';
  }
  std::string out_;
  bool first_ = true;
};

// Appends `digits` lowercase (or uppercase) hex digits of v (most significant first).
inline void append_hex(std::string& out, uint64_t v, int digits, bool upper = false) {
  const char* hx = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char b[16];
  for (int i = digits - 1; i >= 0; --i, v >>= 4) b[i] = hx[v & 15];
  out.append(b, static_cast<size_t>(digits));
}
inline void append_uuid(std::string& out, uint64_t a, uint64_t b, bool upper = false) {
  append_hex(out, a >> 32, 8, upper);
  out += '-';
  append_hex(out, (a >> 16) & 0xffff, 4, upper);
  out += '-';
  append_hex(out, 0x4000 | (a & 0xfff), 4, upper);
  out += '-';
  append_hex(out, 0x8000 | ((b >> 48) & 0x3fff), 4, upper);
  out += '-';
  append_hex(out, b & 0xffffffffffffull, 12, upper);
}
inline void append_uuid(std::string& out, Rng& r, bool upper = false) {
  uint64_t a = r.next();
  append_uuid(out, a, r.next(), upper);
}
void append_base64(std::string& out, std::string_view bytes);
// Random base64 text of n characters (n a multiple of 4 gives no padding).
void append_random_base64(std::string& out, Rng& r, size_t n);
inline void append_num(std::string& out, int64_t v) {
  char b[24];
  auto res = std::to_chars(b, b + sizeof b, v);
  out.append(b, static_cast<size_t>(res.ptr - b));
}

// Concatenates strings and integers (avoids `"literal" + std::to_string()`, which GCC 12 warns about).
template <class... A>
std::string cat(const A&... a) {
  std::string s;
  auto one = [&s](const auto& v) {
    if constexpr (std::is_integral_v<std::decay_t<decltype(v)>>) append_num(s, static_cast<int64_t>(v));
    else s += std::string_view(v);
  };
  (one(a), ...);
  return s;
}

// A stable 64-bit hash (FNV-1a then a splitmix finaliser) for identities derived from names.
uint64_t hash64(std::string_view s, uint64_t salt = 0);

// ISO-8601 UTC timestamps with milliseconds, the date part cached per day.
class TimeFmt {
 public:
  // Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" (24 chars) for epoch ms t.
  std::string_view iso(int64_t t);
  // Writes "YYYY-MM-DDTHH:MM:SSZ" (seconds precision, as event.ingested often is).
  std::string_view iso_s(int64_t t);
  std::string_view yyyymmdd(int64_t t);  // "20260101"
 private:
  void day(int64_t t);
  int64_t day_ = INT64_MIN;
  char date_[11] = {};  // "YYYY-MM-DD"
  char buf_[32] = {};
};

// An argv built in one buffer: arg i is [ends[i-1], ends[i]).
struct Argv {
  std::string buf;
  std::vector<uint32_t> ends;
  void clear() { buf.clear(); ends.clear(); }
  size_t size() const { return ends.size(); }
  std::string_view operator[](size_t i) const {
    uint32_t b = i ? ends[i - 1] : 0;
    return std::string_view(buf).substr(b, ends[i] - b);
  }
  void push() { ends.push_back(static_cast<uint32_t>(buf.size())); }  // closes the arg being built
  // process.command_line: Windows quotes arguments with spaces; Linux and macOS join with spaces.
  void command_line(std::string& out, bool windows) const;
};

// What placeholders expand from.
struct ExpandCtx {
  Rng* r = nullptr;
  Os os = Os::lin;
  std::string_view user, home, host, ad_domain;
  int64_t t_ms = 0;
  TimeFmt* tf = nullptr;
};

// Appends template `t` to out with its `{{name}}` placeholders expanded.
void expand(std::string_view t, ExpandCtx& c, std::string& out);

}  // namespace rulec::gen::mix
