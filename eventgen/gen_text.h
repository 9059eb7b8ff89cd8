// Fast text helpers of the mixed scenario: JSON writer, hex/base64/UUID, ISO timestamps, argv buffers.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstring>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "eventgen/event_gen.h"
#include "eventgen/gen_vocab.h"

namespace rulec::gen::mix {

// Append-only JSON writer with a fixed key order; keys are literals that need no escaping. It writes
// through a raw cursor into a buffer grown ahead of each write (the hot path of the generator).
class JsonOut {
 public:
  JsonOut() : buf_(1 << 14, '\0'), p_(buf_.data()) {}
  void clear() { p_ = buf_.data(), first_ = true; }
  std::string_view text() const { return {buf_.data(), static_cast<size_t>(p_ - buf_.data())}; }

  JsonOut& open(std::string_view key = {}) { key_(key, 1); *p_++ = '{'; first_ = true; return *this; }
  JsonOut& close() { ensure(1); *p_++ = '}'; first_ = false; return *this; }
  JsonOut& arr(std::string_view key) { key_(key, 1); *p_++ = '['; first_ = true; return *this; }
  JsonOut& end_arr() { ensure(1); *p_++ = ']'; first_ = false; return *this; }
  JsonOut& str(std::string_view key, std::string_view v) { key_(key, 6 * v.size() + 2); quote(v); return *this; }
  JsonOut& item(std::string_view v) { return str({}, v); }
  JsonOut& num(std::string_view key, int64_t v) {
    key_(key, 24);
    p_ = std::to_chars(p_, p_ + 24, v).ptr;
    return *this;
  }
  JsonOut& boolean(std::string_view key, bool v) { key_(key, 5); put(v ? "true" : "false"); return *this; }
  JsonOut& str1(std::string_view key, std::string_view v) { arr(key).item(v); return end_arr(); }  // ["v"]
  // A pre-rendered member ("key":value) or element, written as is.
  JsonOut& fragment(std::string_view f) { key_({}, f.size()); put(f); return *this; }

 private:
  void ensure(size_t n) {
    size_t used = static_cast<size_t>(p_ - buf_.data());
    if (used + n > buf_.size()) {
      buf_.resize(std::max(2 * buf_.size(), used + n));
      p_ = buf_.data() + used;
    }
  }
  void put(std::string_view s) {
    if (s.empty()) return;  // memcpy from an empty view's null data() is undefined
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  // Separator and key, with room for `more` bytes after them.
  void key_(std::string_view key, size_t more) {
    ensure(key.size() + 4 + more);
    if (!first_) *p_++ = ',';
    first_ = false;
    if (!key.empty()) {
      *p_++ = '"';
      put(key);
      *p_++ = '"';
      *p_++ = ':';
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
  void quote(std::string_view s) {  // room was ensured by the caller
    *p_++ = '"';
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (i + 8 <= s.size() && clean8(s.data() + i)) {
        i += 7;
        continue;
      }
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      put(s.substr(start, i - start));
      start = i + 1;
      *p_++ = '\\';
      switch (c) {
        case '"': *p_++ = '"'; break;
        case '\\': *p_++ = '\\'; break;
        case '\n': *p_++ = 'n'; break;
        case '\r': *p_++ = 'r'; break;
        case '\t': *p_++ = 't'; break;
        default: {
          static constexpr char hx[] = "0123456789abcdef";
          char u[5] = {'u', '0', '0', hx[c >> 4], hx[c & 15]};
          put(std::string_view(u, 5));
        }
      }
    }
    put(s.substr(start));
    *p_++ = '"';
  }
  std::string buf_;
  char* p_;
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
