// NDJSON event input: reads files or stdin in large chunks, splits lines and decodes each one in place.
//
// One buffer per reader: lines are decoded where they lie (the buffer keeps simdjson's padding
// after its data, so no copy), a partial line at the end of a chunk is moved to the front before
// the next read. The buffer grows only as far as max_line_bytes plus one chunk: a longer line is
// dropped chunk by chunk until its newline and reported as TooLong, so memory stays bounded.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include "runtime/decoder/decoder.h"
#include "runtime/eval/line_prefilter.h"

namespace rulec::rt {

namespace {
constexpr size_t kChunk = 1u << 20;  // bytes asked of each read(2)

// The first non-blank line of an input was not an event: when the input as a whole is plainly not
// NDJSON (one JSON document per line), what it looks like and how to convert it.
std::string_view input_shape_hint(std::string_view text, DecodeError e) {
  if (e == DecodeError::BadUtf8 || text.find('\0') != std::string_view::npos)
    return "this input looks like binary data, not NDJSON text (one JSON event per line)";
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (e == DecodeError::BadJson && text.starts_with('['))
    return "this input looks like a JSON array written over several lines; rulec reads NDJSON, one event per "
           "line: convert it with `jq -c '.[]' FILE`";
  if (e == DecodeError::NotObject && text.starts_with('['))
    return "this input looks like a JSON array; rulec reads NDJSON, one event per line: convert it with "
           "`jq -c '.[]' FILE`";
  if (e == DecodeError::BadJson && text.starts_with('{'))
    return "this input looks like a JSON document written over several lines (pretty-printed); rulec reads "
           "NDJSON, one event per line: convert it with `jq -c . FILE`";
  return {};
}
}  // namespace

struct EventReader::Impl {
  std::vector<std::string> paths;
  DecoderLimits limits;
  Decoder decoder;
  void (*on_skip)(const SkippedLine&, void*) = nullptr;
  void* on_skip_ctx = nullptr;
  uint64_t events = 0, skipped = 0, bytes = 0, failed = 0;
  LinePrefilter* prefilter = nullptr;
  bool raw = false;     // lines but an input's first are given undecoded (Event::Form::Raw)
  uint64_t passed = 0;  // lines the prefilter let no rule see (not decoded; counted in `events`)

  // The current input.
  size_t next_input = 0;   // index of the next input to open
  uint32_t input = 0;      // index of the open one
  int fd = -1;             // -1: none open
  bool eof = false;
  uint64_t line = 0;       // lines of this input taken so far (the current one included)
  bool content = false;    // this input had a non-blank line already
  bool discarding = false; // dropping the rest of a line longer than the limit
  uint64_t discarded = 0;  // its length so far

  // Data is buf[begin, end); cap bytes of room plus Decoder::kPadding after them.
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, Free> buf;
  size_t cap = 0, begin = 0, end = 0;
  std::string message;
  const std::atomic<uint32_t>* interrupt = nullptr;
  bool interrupted = false;  // the last next() returned to serve `interrupt`

  std::unique_ptr<EntrySource> source;  // entries instead of files
  std::string why;                      // an entry without a document: what it held

  Impl(std::vector<std::string> p, DecoderLimits l) : paths(std::move(p)), limits(l), decoder(l) {}
  ~Impl() { close_input(); }

  void report(DecodeError e, std::string msg, std::string_view hint = {}) { report_at(input, line, e, std::move(msg), hint); }
  void report_at(uint32_t in, uint64_t at, DecodeError e, std::string msg, std::string_view hint = {}) {
    if (on_skip) {
      std::string_view path = in < paths.size() ? std::string_view(paths[in]) : std::string_view("?");
      on_skip(SkippedLine{in, path, at, e, std::move(msg), e == DecodeError::None ? 0 : skipped, hint}, on_skip_ctx);
    }
  }

  void input_failed(std::string msg) {
    ++failed;
    report(DecodeError::None, std::move(msg));
  }

  void too_long(uint64_t length) {
    ++skipped;
    report(DecodeError::TooLong, fmt::format("line of {} bytes is longer than the limit of {} bytes", length,
                                             limits.max_line_bytes));
  }

  bool open_next() {
    while (next_input < paths.size()) {
      input = static_cast<uint32_t>(next_input++);
      line = 0;
      begin = end = 0;
      eof = discarding = content = false;
      const std::string& path = paths[input];
      if (path == "-") {
        fd = STDIN_FILENO;
        return true;
      }
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {
        (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        return true;
      }
      input_failed(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
    }
    return false;
  }

  void close_input() {
    if (fd > STDIN_FILENO || (fd == STDIN_FILENO && paths[input] != "-")) ::close(fd);
    fd = -1;
  }

  // Reads more after keeping the partial line (or dropping it when it is already too long).
  // False on a read error (reported; the input is then closed).
  bool fill() {
    if (!discarding && end - begin > limits.max_line_bytes) {
      discarding = true;
      discarded = 0;
    }
    if (discarding) {
      discarded += end - begin;
      begin = end = 0;
    } else if (begin > 0) {
      std::memmove(buf.get(), buf.get() + begin, end - begin);
      end -= begin;
      begin = 0;
    }
    if (cap - end < kChunk / 2) {  // the partial line fills the buffer: grow, up to limit + chunk
      const size_t most = limits.max_line_bytes < (SIZE_MAX >> 2) ? limits.max_line_bytes + kChunk : (SIZE_MAX >> 2);
      const size_t want = std::max(cap * 2, end + kChunk);
      const size_t new_cap = std::max(std::min(want, most), end + kChunk / 2);
      // realloc: big blocks are mmapped and grow by mremap, without a copy or a second peak.
      void* bigger = std::realloc(buf.get(), new_cap + Decoder::kPadding);
      if (bigger == nullptr) throw std::bad_alloc();
      (void)buf.release();
      buf.reset(static_cast<char*>(bigger));
      cap = new_cap;
    }
    // While a pipe or terminal has nothing to read, wake up a few times a second to see whether
    // the owner wants the loop back (a signal to serve); regular files are always ready.
    while (interrupt) {
      pollfd pfd{fd, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, 200);
      if (ready != 0 && !(ready < 0 && errno == EINTR)) break;
      if (interrupt->load(std::memory_order_relaxed)) {
        interrupted = true;
        return true;
      }
    }
    ssize_t n;
    do {
      n = ::read(fd, buf.get() + end, std::min(cap - end, size_t{1} << 30));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      input_failed(fmt::format("cannot read {}: {}", paths[input], std::strerror(errno)));
      close_input();
      return false;
    }
    if (n == 0) eof = true;
    end += static_cast<size_t>(n);
    bytes += static_cast<uint64_t>(n);
    return true;
  }

  // One complete line (without its '\n'): true when it gave an event.
  bool take(std::string_view text, Event& ev) {
    ++line;
    if (discarding) {
      discarding = false;
      too_long(discarded + text.size());
      return false;
    }
    if (text.size() > limits.max_line_bytes) {
      too_long(text.size());
      return false;
    }
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (line == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark
    if (text.empty()) return false;  // blank: not an event, not an error
    const bool first = !content;
    content = true;
    // An input's first line is always decoded: an input that is not NDJSON is still said so.
    if (!first && (undecoded(text, ev) || passed_over(text, ev))) {
      ev.line = line;
      ev.input = input;
      return true;
    }
    ev.form = Event::Form::Decoded;
    const DecodeError e = decoder.decode_padded(text, ev, &message);
    if (e == DecodeError::None) {
      ev.line = line;
      ev.input = input;
      ++events;
      return true;
    }
    if (e != DecodeError::Empty) {
      ++skipped;
      report(e, message, first ? input_shape_hint(text, e) : std::string_view());
    }
    return false;
  }

  // No rule can match the event written as `text`: counted, given undecoded (Event::Form::PassedOver).
  bool passed_over(std::string_view text, Event& ev) {
    if (!prefilter || !prefilter->passes_over(text)) return false;
    ++passed;
    return give_undecoded(text, ev, Event::Form::PassedOver);
  }

  // Raw mode: the line is given as it is (counted as an event until a decoder says otherwise).
  bool undecoded(std::string_view text, Event& ev) { return raw && give_undecoded(text, ev, Event::Form::Raw); }

  bool give_undecoded(std::string_view text, Event& ev, Event::Form form) {
    ++events;
    ev.raw = text;
    ev.leaves.clear();
    ev.scopes.clear();
    ev.form = form;
    return true;
  }

  // One entry of the source: true when it gave an event.
  bool next_entry(Event& ev) {
    for (;;) {
      std::string_view doc;
      switch (source->next(doc, why, interrupt)) {
        case EntrySource::Status::End: return false;
        case EntrySource::Status::Idle: interrupted = true; return false;
        case EntrySource::Status::Entry: break;
      }
      ++line;
      bytes += doc.size();
      if (why.empty() && doc.size() <= limits.max_line_bytes && passed_over(doc, ev)) {
        ev.line = line;
        ev.input = 0;
        return true;
      }
      ev.form = Event::Form::Decoded;
      const DecodeError e = why.empty() ? (doc.size() > limits.max_line_bytes ? DecodeError::TooLong
                                                                            : decoder.decode(doc, ev, &message))
                                        : DecodeError::None;  // no document: said as it is
      if (e == DecodeError::None && why.empty()) {
        ev.line = line;
        ev.input = 0;
        ++events;
        return true;
      }
      ++skipped;
      if (on_skip) {
        const std::string where = source->where();
        on_skip(SkippedLine{0, where, 0, e,
                            !why.empty()               ? why
                            : e == DecodeError::TooLong ? fmt::format("entry of {} bytes is longer than the limit of {} bytes", doc.size(), limits.max_line_bytes)
                                                        : message,
                            skipped, {}},
                on_skip_ctx);
      }
    }
  }

  bool next(Event& ev) {
    if (source) return next_entry(ev);
    for (;;) {
      if (fd < 0 && !open_next()) return false;
      char* nl = end > begin ? static_cast<char*>(std::memchr(buf.get() + begin, '\n', end - begin)) : nullptr;
      if (nl != nullptr) {
        const std::string_view text(buf.get() + begin, static_cast<size_t>(nl - (buf.get() + begin)));
        begin += text.size() + 1;
        if (take(text, ev)) return true;
        continue;
      }
      if (eof) {
        if (begin < end || discarding) {  // a last line without '\n'
          const std::string_view text(buf.get() + begin, end - begin);
          begin = end;
          if (take(text, ev)) return true;
          continue;
        }
        close_input();
        continue;
      }
      if (!fill()) continue;
      if (interrupted) return false;
    }
  }
};

bool inputs_readable(const std::vector<std::string>& paths, std::string& error) {
  for (const std::string& path : paths) {
    if (path == "-") continue;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || ::access(path.c_str(), R_OK) != 0) {
      error = fmt::format("cannot read events file {}: {}", path, std::strerror(errno));
      return false;
    }
    if (S_ISDIR(st.st_mode)) {
      error = fmt::format("cannot read events file {}: it is a directory", path);
      return false;
    }
  }
  return true;
}

EventReader::EventReader(std::vector<std::string> paths, DecoderLimits limits)
    : impl_(std::make_unique<Impl>(std::move(paths), limits)) {}
EventReader::EventReader(std::unique_ptr<EntrySource> source, std::string name, DecoderLimits limits)
    : impl_(std::make_unique<Impl>(std::vector<std::string>{std::move(name)}, limits)) {
  impl_->source = std::move(source);
}
EventReader::~EventReader() = default;
EntrySource* EventReader::source() const { return impl_->source.get(); }

bool EventReader::next(Event& ev) {
  impl_->interrupted = false;
  return impl_->next(ev);
}

void EventReader::set_interrupt(const std::atomic<uint32_t>* flag) { impl_->interrupt = flag; }
bool EventReader::interrupted() const { return impl_->interrupted; }

void EventReader::set_on_skip(void (*fn)(const SkippedLine&, void*), void* ctx) {
  impl_->on_skip = fn;
  impl_->on_skip_ctx = ctx;
}

void EventReader::set_filter(const FieldFilter* filter) { impl_->decoder.set_filter(filter); }
void EventReader::set_prefilter(LinePrefilter* prefilter) { impl_->prefilter = prefilter; }
void EventReader::set_raw(bool raw) { impl_->raw = raw && !impl_->source; }
void EventReader::passed_over_elsewhere() { ++impl_->passed; }
void EventReader::undecodable_elsewhere(const Event& ev, DecodeError e, std::string message) {
  --impl_->events;
  if (e == DecodeError::Empty) return;  // blanks only: not an event, not an error
  ++impl_->skipped;
  impl_->report_at(ev.input, ev.line, e, std::move(message));
}
uint64_t EventReader::lines_passed_over() const { return impl_->passed; }

uint64_t EventReader::events_read() const { return impl_->events; }
uint64_t EventReader::lines_skipped() const { return impl_->skipped; }
uint64_t EventReader::bytes_read() const { return impl_->bytes; }
uint64_t EventReader::inputs_failed() const { return impl_->failed; }
const std::vector<std::string>& EventReader::paths() const { return impl_->paths; }

}  // namespace rulec::rt
