// Text helpers of the mixed scenario: base64, hashing, cached ISO timestamps, command lines, placeholders.
#include "eventgen/gen_text.h"

#include <cstring>

namespace rulec::gen::mix {

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

template <class V>
std::string_view pick_zipf(Rng& r, const V& v) {
  return v[r.zipf(v.size())];
}

void two(char* p, int64_t v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}
}  // namespace

void append_base64(std::string& out, std::string_view in) {
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) | uint8_t(in[i + 2]);
    char q[4] = {kB64[v >> 18], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], kB64[v & 63]};
    out.append(q, 4);
  }
  if (size_t rest = in.size() - i) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(in[i + 1])) << 8;
    char q[4] = {kB64[v >> 18], kB64[(v >> 12) & 63], rest == 2 ? kB64[(v >> 6) & 63] : '=', '='};
    out.append(q, 4);
  }
}

void append_random_base64(std::string& out, Rng& r, size_t n) {
  uint64_t bits = 0;
  int left = 0;
  for (size_t i = 0; i < n; ++i) {
    if (left < 6) bits = r.next(), left = 64;
    out += kB64[bits & 63];
    bits >>= 6;
    left -= 6;
  }
}

uint64_t hash64(std::string_view s, uint64_t salt) {
  uint64_t h = 0xcbf29ce484222325ull ^ salt;
  for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

void TimeFmt::day(int64_t t) {
  int64_t days = t >= 0 ? t / 86400000 : -((-t + 86399999) / 86400000);
  if (days == day_) return;
  day_ = days;
  // civil_from_days (H. Hinnant).
  int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  two(date_, (y / 100) % 100);
  two(date_ + 2, y % 100);
  date_[4] = '-';
  two(date_ + 5, m);
  date_[7] = '-';
  two(date_ + 8, d);
}

std::string_view TimeFmt::iso(int64_t t) {
  day(t);
  int64_t rem = t - day_ * 86400000;
  std::memcpy(buf_, date_, 10);
  buf_[10] = 'T';
  two(buf_ + 11, rem / 3600000);
  buf_[13] = ':';
  two(buf_ + 14, rem / 60000 % 60);
  buf_[16] = ':';
  two(buf_ + 17, rem / 1000 % 60);
  buf_[19] = '.';
  int64_t ms = rem % 1000;
  buf_[20] = static_cast<char>('0' + ms / 100);
  two(buf_ + 21, ms % 100);
  buf_[23] = 'Z';
  return {buf_, 24};
}

std::string_view TimeFmt::iso_s(int64_t t) {
  iso(t);
  buf_[19] = 'Z';
  return {buf_, 20};
}

std::string_view TimeFmt::yyyymmdd(int64_t t) {
  day(t);
  std::memcpy(buf_, date_, 4);
  std::memcpy(buf_ + 4, date_ + 5, 2);
  std::memcpy(buf_ + 6, date_ + 8, 2);
  return {buf_, 8};
}

void Argv::command_line(std::string& out, bool windows) const {
  for (size_t i = 0; i < size(); ++i) {
    if (i) out += ' ';
    std::string_view a = (*this)[i];
    bool q = windows && (a.empty() || a.find(' ') != std::string_view::npos);
    if (!q) {
      out += a;
      continue;
    }
    out += '"';
    for (char c : a) {
      if (c == '"') out += '\\';
      out += c;
    }
    out += '"';
  }
}

namespace {

void private_ip(std::string& out, Rng& r) {
  out += "10.";
  append_num(out, static_cast<int64_t>(r.zipf(8)));
  out += '.';
  append_num(out, static_cast<int64_t>(r.below(32)));
  out += '.';
  append_num(out, 2 + static_cast<int64_t>(r.below(250)));
}

// Public addresses of well-known hosting ranges (not the documentation ranges, which rules exclude).
void public_ip(std::string& out, Rng& r) {
  static constexpr std::string_view kNets[] = {"142.250.", "52.96.", "13.107.", "151.101.", "104.16.",
                                                "140.82.", "20.190.", "34.117.", "185.199.", "172.217."};
  out += kNets[r.zipf(std::size(kNets))];
  append_num(out, static_cast<int64_t>(r.below(256)));
  out += '.';
  append_num(out, 1 + static_cast<int64_t>(r.below(254)));
}

void classpath(std::string& out, ExpandCtx& c) {
  const auto& jars = lists().jars;
  std::string_view app = pick_zipf(*c.r, lists().apps);
  size_t n = 3 + c.r->zipf(30);
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ':';
    out += "/opt/";
    out += app;
    out += "/lib/";
    out += jars[(i * 7 + c.r->below(3)) % jars.size()];
    out += "-";
    append_num(out, 1 + static_cast<int64_t>(c.r->below(6)));
    out += '.';
    append_num(out, static_cast<int64_t>(c.r->below(20)));
    out += ".jar";
  }
}

void chrome_flags(std::string& out, ExpandCtx& c) {
  const auto& f = lists().chrome_flags;
  out += "--field-trial-handle=";
  append_num(out, 1000 + static_cast<int64_t>(c.r->below(9000)));
  out += ",i,";
  append_num(out, static_cast<int64_t>(c.r->next() >> 4));
  out += ',';
  append_num(out, static_cast<int64_t>(c.r->next() >> 4));
  out += ",262144";
  size_t n = 1 + c.r->zipf(f.size() - 1);
  for (size_t i = 0; i < n; ++i) {
    out += ' ';
    out += f[(i * 5 + c.r->below(2)) % f.size()];
  }
}

}  // namespace

void expand(std::string_view t, ExpandCtx& c, std::string& out) {
  Rng& r = *c.r;
  for (;;) {
    size_t open = t.find("{{");
    if (open == std::string_view::npos) break;
    size_t close = t.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out += t.substr(0, open);
    std::string_view n = t.substr(open + 2, close - open - 2);
    t.remove_prefix(close + 2);
    const Lists& L = lists();
    if (n == "user") out += c.user;
    else if (n == "home") out += c.home;
    else if (n == "host") out += c.host;
    else if (n == "ad") out += c.ad_domain;
    else if (n == "guid") append_uuid(out, r);
    else if (n == "GUID") append_uuid(out, r, true);
    else if (n == "GUIDB") { out += '{'; append_uuid(out, r, true); out += '}'; }
    else if (n == "hex8") append_hex(out, r.next(), 8, true);
    else if (n == "hex16") append_hex(out, r.next(), 16);
    else if (n == "hex32") { append_hex(out, r.next(), 16); append_hex(out, r.next(), 16); }
    else if (n == "hex64") for (int i = 0; i < 4; ++i) append_hex(out, r.next(), 16);
    else if (n == "num") append_num(out, 1 + static_cast<int64_t>(r.below(65535)));
    else if (n == "n") append_num(out, 1 + static_cast<int64_t>(r.zipf(16)));
    else if (n == "pid") append_num(out, 300 + static_cast<int64_t>(r.below(60000)));
    else if (n == "port") append_num(out, 49152 + static_cast<int64_t>(r.below(16000)));
    else if (n == "tmp") {
      if (c.os == Os::win) { out += "tmp"; append_hex(out, r.next(), 4, true); out += ".tmp"; }
      else { out += "tmp."; append_random_base64(out, r, 10); for (size_t i = out.size() - 10; i < out.size(); ++i) if (out[i] == '/' || out[i] == '+') out[i] = 'x'; }
    }
    else if (n == "ip") private_ip(out, r);
    else if (n == "pubip") public_ip(out, r);
    else if (n == "site") out += pick_zipf(r, L.sites);
    else if (n == "pkg") out += pick_zipf(r, L.packages);
    else if (n == "doc") out += pick_zipf(r, L.documents);
    else if (n == "svc") out += pick_zipf(r, L.win_services);
    else if (n == "unit") out += pick_zipf(r, L.units);
    else if (n == "app") out += pick_zipf(r, L.apps);
    else if (n == "word") out += pick_zipf(r, L.words);
    else if (n == "script") out += pick_zipf(r, L.scripts);
    else if (n == "vendor") out += pick_zipf(r, L.vendors);
    else if (n == "b64") append_random_base64(out, r, 40 + 4 * r.below(30));
    else if (n == "cp") classpath(out, c);
    else if (n == "flags") chrome_flags(out, c);
    else if (n == "date") out += c.tf->yyyymmdd(c.t_ms);
    else if (n == "ver") {
      append_num(out, 1 + static_cast<int64_t>(r.zipf(12)));
      out += '.';
      append_num(out, static_cast<int64_t>(r.below(30)));
      out += '.';
      append_num(out, static_cast<int64_t>(r.below(200)));
    } else {
      out += "{{";  // not a placeholder: literal text
      out += n;
      out += "}}";
    }
  }
  out += t;
}

}  // namespace rulec::gen::mix
