// Tests of the NDJSON event reader: inputs in order, stdin, line handling, skipped lines and bounded memory.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/sanitizers.h"
#include "runtime/decoder/decoder.h"

namespace rulec::rt {
namespace {
namespace event_reader_test {

// A fresh directory for one test's input files.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "rulec_reader_XXXXXX";
    dir_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    for (const auto& f : files_) std::remove(f.c_str());
    ::rmdir(dir_.c_str());
  }
  std::string write(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    files_.push_back(path);
    return path;
  }
  std::string path(const std::string& name) {
    files_.push_back(dir_ + "/" + name);
    return files_.back();
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::vector<std::string> files_;
};

struct Seen {
  uint32_t input;
  uint64_t line;
  std::string raw;
  std::string first_text;  // text of the first leaf
};

struct ReadResult {
  std::vector<Seen> events;
  std::vector<SkippedLine> skips;
  uint64_t events_read = 0, lines_skipped = 0, bytes_read = 0;
};

void collect_skip(const SkippedLine& s, void* ctx) { static_cast<ReadResult*>(ctx)->skips.push_back(s); }

ReadResult read_all(std::vector<std::string> paths, DecoderLimits limits = {}) {
  ReadResult run;
  EventReader reader(std::move(paths), limits);
  reader.set_on_skip(collect_skip, &run);
  Event ev;
  while (reader.next(ev)) {
    run.events.push_back(Seen{ev.input, ev.line, std::string(ev.raw),
                              ev.leaves.empty() ? std::string() : std::string(ev.leaves[0].text)});
  }
  run.events_read = reader.events_read();
  run.lines_skipped = reader.lines_skipped();
  run.bytes_read = reader.bytes_read();
  return run;
}

TEST(EventReader, SeveralFilesInOrder) {
  TempDir tmp;
  const std::string a = "{\"n\":1}\n{\"n\":2}\n";
  const std::string b = "{\"n\":3}\n";
  const auto pa = tmp.write("a.ndjson", a), pb = tmp.write("b.ndjson", b);
  const ReadResult run = read_all({pa, pb});
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_EQ(run.events[0].input, 0u);
  EXPECT_EQ(run.events[0].line, 1u);
  EXPECT_EQ(run.events[0].raw, "{\"n\":1}");
  EXPECT_EQ(run.events[1].line, 2u);
  EXPECT_EQ(run.events[1].first_text, "2");
  EXPECT_EQ(run.events[2].input, 1u);
  EXPECT_EQ(run.events[2].line, 1u);  // line numbers restart with each input
  EXPECT_EQ(run.events[2].first_text, "3");
  EXPECT_TRUE(run.skips.empty());
  EXPECT_EQ(run.events_read, 3u);
  EXPECT_EQ(run.lines_skipped, 0u);
  EXPECT_EQ(run.bytes_read, a.size() + b.size());
  EventReader reader({pa, pb});
  EXPECT_EQ(reader.paths(), (std::vector<std::string>{pa, pb}));
}

// Runs `body` with fd 0 replaced by `fd`.
template <class F>
void with_stdin(int fd, F body) {
  const int saved = ::dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(::dup2(fd, STDIN_FILENO), STDIN_FILENO);
  body();
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
}

TEST(EventReader, DashIsStdin) {
  TempDir tmp;
  const auto pa = tmp.write("a.ndjson", "{\"n\":\"file a\"}\n");
  const auto ps = tmp.write("stdin.ndjson", "{\"n\":\"stdin 1\"}\n{\"n\":\"stdin 2\"}");
  const int fd = ::open(ps.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ReadResult run;
  with_stdin(fd, [&] { run = read_all({pa, "-", pa}); });
  ::close(fd);
  ASSERT_EQ(run.events.size(), 4u);
  EXPECT_EQ(run.events[1].first_text, "stdin 1");
  EXPECT_EQ(run.events[1].input, 1u);
  EXPECT_EQ(run.events[2].first_text, "stdin 2");
  EXPECT_EQ(run.events[2].line, 2u);
  EXPECT_EQ(run.events[3].input, 2u);
  EXPECT_TRUE(run.skips.empty());
  EXPECT_GE(::fcntl(STDIN_FILENO, F_GETFD), 0);  // stdin itself is left open
}

TEST(EventReader, StdinPipeWithLinesSplitAcrossReads) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([w = fds[1]] {
    const std::string data = "{\"n\":\"one\"}\n{\"n\":\"t" "wo\"}\r\n\n{\"n\":\"three\"}";
    for (char c : data) {  // one byte per write: every line arrives in pieces
      if (::write(w, &c, 1) != 1) break;
    }
    ::close(w);
  });
  ReadResult run;
  with_stdin(fds[0], [&] { run = read_all({"-"}); });
  writer.join();
  ::close(fds[0]);
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_EQ(run.events[0].first_text, "one");
  EXPECT_EQ(run.events[1].first_text, "two");
  EXPECT_EQ(run.events[2].first_text, "three");
  EXPECT_EQ(run.events[2].line, 4u);
}

TEST(EventReader, CrLfLastLineWithoutNewlineAndBlankLines) {
  TempDir tmp;
  const auto p = tmp.write("crlf.ndjson", "\n{\"n\":\"a\"}\r\n  \r\n\r\n\t\n{\"n\":\"b\"}\r\n\n{\"n\":\"c\"}");
  const ReadResult run = read_all({p});
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_EQ(run.events[0].line, 2u);
  EXPECT_EQ(run.events[0].raw, "{\"n\":\"a\"}");  // the '\r' is not part of the event
  EXPECT_EQ(run.events[1].line, 6u);
  EXPECT_EQ(run.events[2].line, 8u);  // the last line has no '\n' and still counts
  EXPECT_EQ(run.events[2].first_text, "c");
  EXPECT_TRUE(run.skips.empty());  // blank lines are not reported
  EXPECT_EQ(run.lines_skipped, 0u);
}

TEST(EventReader, ByteOrderMarkOnTheFirstLine) {
  TempDir tmp;
  const auto p = tmp.write("bom.ndjson", "\xEF\xBB\xBF{\"n\":1}\n\xEF\xBB\xBF{\"n\":2}\n");
  const ReadResult run = read_all({p});
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].raw, "{\"n\":1}");
  ASSERT_EQ(run.skips.size(), 1u);  // only the start of an input may carry one
  EXPECT_EQ(run.skips[0].line, 2u);
  EXPECT_EQ(run.skips[0].error, DecodeError::BadJson);
}

TEST(EventReader, MalformedLinesAreSkippedAndReported) {
  TempDir tmp;
  const auto p = tmp.write("bad.ndjson", "{\"n\":1}\n{\"n\":\n[1,2]\n{\"n\":\"\xFF\"}\n{\"n\":2}\n{\"n\":3} trailing\n");
  const ReadResult run = read_all({tmp.path("missing.ndjson"), p});
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].line, 1u);
  EXPECT_EQ(run.events[1].line, 5u);
  EXPECT_EQ(run.events[1].first_text, "2");
  ASSERT_EQ(run.skips.size(), 5u);
  // The missing file comes first: error None, a message naming it and the system's reason.
  EXPECT_EQ(run.skips[0].input, 0u);
  EXPECT_EQ(run.skips[0].error, DecodeError::None);
  EXPECT_NE(run.skips[0].message.find("missing.ndjson"), std::string::npos) << run.skips[0].message;
  EXPECT_NE(run.skips[0].message.find("No such file or directory"), std::string::npos) << run.skips[0].message;
  const std::vector<std::pair<uint64_t, DecodeError>> want = {
      {2, DecodeError::BadJson}, {3, DecodeError::NotObject}, {4, DecodeError::BadUtf8}, {6, DecodeError::BadJson}};
  for (size_t k = 0; k < want.size(); ++k) {
    const SkippedLine& s = run.skips[k + 1];
    EXPECT_EQ(s.input, 1u);
    EXPECT_EQ(s.line, want[k].first);
    EXPECT_EQ(s.error, want[k].second) << s.message;
    EXPECT_FALSE(s.message.empty());
  }
  EXPECT_NE(run.skips[4].message.find("at byte 8"), std::string::npos) << run.skips[4].message;
  EXPECT_EQ(run.lines_skipped, 4u);  // malformed lines; the missing file is not a line
  EXPECT_EQ(run.events_read, 2u);
}

TEST(EventReader, UnreadableInputIsReportedAndSkipped) {
  TempDir tmp;
  const auto p = tmp.write("ok.ndjson", "{\"n\":1}\n");
  const ReadResult run = read_all({tmp.dir(), p});  // a directory opens but cannot be read
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].input, 1u);
  ASSERT_EQ(run.skips.size(), 1u);
  EXPECT_EQ(run.skips[0].error, DecodeError::None);
  EXPECT_EQ(run.skips[0].input, 0u);
  EXPECT_NE(run.skips[0].message.find("Is a directory"), std::string::npos) << run.skips[0].message;
}

TEST(EventReader, LinesLongerThanTheLimit) {
  TempDir tmp;
  const std::string fits = "{\"s\":\"" + std::string(100 - 8, 'x') + "\"}";  // exactly 100 bytes
  ASSERT_EQ(fits.size(), 100u);
  const std::string over = "{\"s\":\"" + std::string(5000, 'y') + "\"}";
  const auto p = tmp.write("long.ndjson", fits + "\n" + over + "\n{\"n\":1}\n" + fits + "x\r\n{\"n\":2}\n" + over);
  DecoderLimits limits;
  limits.max_line_bytes = 100;
  const ReadResult run = read_all({p}, limits);
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_EQ(run.events[0].line, 1u);
  EXPECT_EQ(run.events[1].line, 3u);
  EXPECT_EQ(run.events[2].line, 5u);
  ASSERT_EQ(run.skips.size(), 3u);
  EXPECT_EQ(run.skips[0].line, 2u);
  EXPECT_EQ(run.skips[0].error, DecodeError::TooLong);
  EXPECT_NE(run.skips[0].message.find("5008 bytes"), std::string::npos) << run.skips[0].message;
  EXPECT_EQ(run.skips[1].line, 4u);  // 101 bytes + '\r': the limit counts the line as read
  EXPECT_EQ(run.skips[2].line, 6u);  // the last line, without '\n'
  EXPECT_EQ(run.skips[2].error, DecodeError::TooLong);
  EXPECT_EQ(run.lines_skipped, 3u);
}

TEST(EventReader, ManyLinesAcrossChunkBoundaries) {
  TempDir tmp;
  std::string data;
  const int kLines = 50000;
  for (int i = 0; i < kLines; ++i) {
    data += "{\"i\":\"" + std::to_string(i) + "\",\"pad\":\"" + std::string(static_cast<size_t>(i % 97), 'p') + "\"}";
    data += i % 3 == 0 ? "\r\n" : "\n";
  }
  ASSERT_GT(data.size(), 3u << 20);  // several 1 MiB chunks
  const auto p = tmp.write("many.ndjson", data);
  const ReadResult run = read_all({p});
  ASSERT_EQ(run.events.size(), static_cast<size_t>(kLines));
  for (int i = 0; i < kLines; ++i) {
    ASSERT_EQ(run.events[i].first_text, std::to_string(i));
    ASSERT_EQ(run.events[i].line, static_cast<uint64_t>(i + 1));
  }
  EXPECT_EQ(run.bytes_read, data.size());
}

// Peak resident set size of this process (kB).
long vm_hwm_kb() {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == "VmHWM:") {
      long kb = 0;
      in >> kb;
      return kb;
    }
    in.ignore(1 << 20, '\n');
  }
  return -1;
}

TEST(EventReader, HundredMegabyteLineIsSkippedWithoutBufferingIt) {
  TempDir tmp;
  const std::string path = tmp.path("huge.ndjson");
  {  // written in pieces, so that making the file does not raise the peak itself
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("{\"n\":\"before\"}\n{\"s\":\"", f);
    const std::string piece(1 << 20, 'z');
    for (int k = 0; k < 100; ++k) std::fwrite(piece.data(), 1, piece.size(), f);
    std::fputs("\"}\n{\"n\":\"after\"}\n", f);
    std::fclose(f);
  }
  const long before = vm_hwm_kb();
  ASSERT_GT(before, 0);
  const ReadResult run = read_all({path});  // default limit: 16 MiB
  const long grown_mb = (vm_hwm_kb() - before) / 1024;
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].first_text, "before");
  EXPECT_EQ(run.events[1].first_text, "after");
  EXPECT_EQ(run.events[1].line, 3u);
  ASSERT_EQ(run.skips.size(), 1u);
  EXPECT_EQ(run.skips[0].line, 2u);
  EXPECT_EQ(run.skips[0].error, DecodeError::TooLong);
  EXPECT_NE(run.skips[0].message.find(std::to_string(100u * (1u << 20) + 8u) + " bytes"), std::string::npos)
      << run.skips[0].message;
  // At most the line limit plus a chunk is buffered (~17 MiB), never the whole 100 MB line.
  // AddressSanitizer adds shadow memory and keeps freed buffers in quarantine, so its bound is
  // looser; still below what buffering the 100 MB line would cost.
  EXPECT_LT(grown_mb, rulec::testing::kUnderAsan ? 90 : 40) << "peak RSS grew by " << grown_mb << " MB";
  std::printf("peak RSS grew by %ld MB reading a 100 MB line\n", grown_mb);
}

}  // namespace event_reader_test
}  // namespace
}  // namespace rulec::rt
