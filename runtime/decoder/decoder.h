// NDJSON event input: reads lines from files or stdin and decodes each JSON document into an Event.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/decoder/entry_source.h"
#include "runtime/decoder/event.h"

namespace rulec::rt {

class FieldFilter;
class LinePrefilter;

enum class DecodeError : uint8_t {
  None,
  BadJson,      // not valid JSON (message says where)
  NotObject,    // valid JSON, but not an object
  BadUtf8,      // invalid UTF-8
  TooLong,      // longer than the line limit (skipped without buffering it)
  TooDeep,      // nesting deeper than the limit
  Empty,        // blank line (not an error: skipped silently, not counted as malformed)
};
const char* to_string(DecodeError e);

struct DecoderLimits {
  size_t max_line_bytes = 16u << 20;  // longer lines are skipped and reported
  size_t max_depth = 256;             // deeper documents are skipped and reported
};

// Decodes one JSON document into leaves (see event.h). Reuses the Event's and its own storage:
// after warm-up, decoding does not allocate. The Event's views stay valid until the next decode
// with this Decoder.
class Decoder {
 public:
  explicit Decoder(DecoderLimits limits = {});
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // `json` need not be padded. On error, `message` (if given) says what and where (byte offset).
  [[nodiscard]] DecodeError decode(std::string_view json, Event& ev, std::string* message = nullptr);

  // As decode(), without copying `json` first: at least kPadding readable bytes must follow it in
  // memory (their content does not matter). The Event's views may then point into `json`, which
  // must stay unchanged until the next decode. Used by EventReader on its read buffer.
  static constexpr size_t kPadding = 64;  // == SIMDJSON_PADDING
  [[nodiscard]] DecodeError decode_padded(std::string_view json, Event& ev, std::string* message = nullptr);

  // Decode only the leaves `filter` keeps, numbered with its slots (see field_filter.h); nullptr
  // (the default) keeps every leaf, all with slot kNoSlot. The rest of each document is still
  // validated: a document is accepted, or refused with the same error and message, either way.
  // The filter must outlive its use here and the Events decoded with it (they may point into it).
  void set_filter(const FieldFilter* filter);
  [[nodiscard]] const FieldFilter* filter() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One input line that was not an event: where and why.
struct SkippedLine {
  uint32_t input = 0;
  std::string_view path;  // the input's path ("-" for stdin)
  uint64_t line = 0;  // 0: not a line (an entry of a stream, named by `path`)
  DecodeError error = DecodeError::None;
  std::string message;
  uint64_t number = 0;    // 1 for the first line skipped by this reader, 2 for the next...; 0 for an unreadable input
  std::string_view hint;  // when the input as a whole looks like something else than NDJSON: what and what to do
};

// Before reading: every path but "-" names a readable file that is not a directory. False with
// the first one that is not, and why ("cannot read events file x.ndjson: No such file or directory").
[[nodiscard]] bool inputs_readable(const std::vector<std::string>& paths, std::string& error);

// Reads NDJSON events from several inputs in order ("-" is stdin), decoding each line.
class EventReader {
 public:
  EventReader(std::vector<std::string> paths, DecoderLimits limits = {});
  // Reads the entries of `source` instead (one document each; `name` is its input path).
  EventReader(std::unique_ptr<EntrySource> source, std::string name, DecoderLimits limits = {});
  ~EventReader();

  // Next event: true with `ev` filled, false at the end of all inputs. Malformed lines are skipped
  // (reported through `on_skip` when set, and counted). An unreadable input is reported as a
  // skip with error None and a message, and reading goes on with the next input.
  [[nodiscard]] bool next(Event& ev);

  void set_on_skip(void (*fn)(const SkippedLine&, void*), void* ctx);
  void set_filter(const FieldFilter* filter);  // as Decoder::set_filter, for the events read from now on
  // Lines (and entries) in which `prefilter` finds no rule's literal are not decoded: returned with
  // Event::Form::PassedOver (no leaf; for the detector's counts and checkpoints), counted in
  // events_read() and lines_passed_over(). An input's first line is always decoded (a file that is
  // not NDJSON is still reported). nullptr: every line is decoded.
  void set_prefilter(LinePrefilter* prefilter);
  uint64_t lines_passed_over() const;
  // Raw mode (files and stdin, not a stream's entries): lines but an input's first are returned
  // undecoded (Event::Form::Raw, its raw text valid until the next call) for other threads to
  // prefilter and decode, who then tell the reader what they found, in input order: a line the
  // prefilter passed over, or one that is not an event (counted and reported as the reader would).
  void set_raw(bool raw);
  void passed_over_elsewhere();
  void undecodable_elsewhere(const Event& ev, DecodeError e, std::string message);
  // While waiting for input on a pipe or terminal, next() returns false with interrupted() true
  // within about 200 ms of `*flag` becoming non-zero (it checks the flag; it does not clear it).
  // Reading resumes where it stopped on the next call.
  void set_interrupt(const std::atomic<uint32_t>* flag);
  bool interrupted() const;
  uint64_t events_read() const;
  uint64_t lines_skipped() const;
  uint64_t bytes_read() const;
  uint64_t inputs_failed() const;  // inputs that could not be opened or read to their end
  const std::vector<std::string>& paths() const;
  // The entry source (nullptr when reading files): its acknowledgements, replays and failure.
  EntrySource* source() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rulec::rt
