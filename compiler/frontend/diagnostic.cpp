// Rendering of diagnostics: message, source line and caret.
#include "compiler/frontend/diagnostic.h"

#include <fmt/format.h>

namespace rulec {

SourcePos position_of(std::string_view source, uint32_t offset) {
  SourcePos p{offset, 1, 1};
  if (offset > source.size()) offset = static_cast<uint32_t>(source.size());
  for (uint32_t i = 0; i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(source[i]);
    if (c == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((c & 0xC0) != 0x80) {  // count code points, not continuation bytes
      ++p.column;
    }
  }
  return p;
}

std::string printable(std::string_view value, size_t max_chars) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (out.size() >= max_chars) {
      // Do not cut inside a UTF-8 sequence.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
      if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
      return out + "...";
    }
    unsigned char c = static_cast<unsigned char>(value[i]);
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7F) out += fmt::format("\\x{:02x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string render(const Diagnostic& d, std::string_view source) {
  const char* sev = d.severity == Severity::Error ? "error" : d.severity == Severity::Warning ? "warning" : "note";
  std::string out;
  if (d.pos.known())
    out = fmt::format("{}[{}]: line {}, column {}: {}", sev, d.code, d.pos.line, d.pos.column, d.message);
  else
    out = fmt::format("{}[{}]: {}", sev, d.code, d.message);
  if (!d.pos.known() || source.empty()) return out;
  // Find the source line holding the position.
  size_t begin = 0;
  for (uint32_t line = 1; line < d.pos.line; ++line) {
    size_t nl = source.find('\n', begin);
    if (nl == std::string_view::npos) return out;
    begin = nl + 1;
  }
  size_t end = source.find('\n', begin);
  std::string_view text = source.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  constexpr size_t kMaxShown = 200;  // a 10 MB single-line query must not print 10 MB
  size_t col = d.pos.column - 1;     // code points before the caret
  size_t shown_from = col > kMaxShown / 2 ? col - kMaxShown / 2 : 0;
  std::string line_out, caret;
  size_t cp = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool lead = (c & 0xC0) != 0x80;
    if (lead && i > 0) ++cp;
    if (cp < shown_from) continue;
    if (cp >= shown_from + kMaxShown) break;
    line_out += (c == '\t') ? ' ' : static_cast<char>(c);
    if (lead && cp < col) caret += ' ';
  }
  if (shown_from > 0) {
    line_out = "..." + line_out;
    caret = "   " + caret;
  }
  out += fmt::format("\n  {}\n  {}^", line_out, caret);
  return out;
}

}  // namespace rulec
