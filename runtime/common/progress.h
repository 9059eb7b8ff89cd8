// Terminal progress on stderr: one line redrawn in place (\r) a few times a second, only when stderr is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace rulec::rt {

// Shown only when stderr is a terminal (isatty): never in a file or a pipe. Callers ask due() at
// most every few hundred items (a clock read), and format a line only when it says yes; the line
// is redrawn at most every 250 ms ($RULEC_PROGRESS_MS overrides it; 0: at every due() call) and
// cleared by clear() or the destructor, so later output starts on a clean line.
class Progress {
 public:
  Progress();
  ~Progress() { clear(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return enabled_; }
  // True (and the next redraw scheduled) when enabled and the interval has passed since the last one.
  bool due();
  // Draws `line` over the previous one.
  void show(std::string_view line);
  // Erases the line, if one is shown.
  void clear();
  // Erases the line of whichever Progress shows one (before another message on stderr, so that
  // the message starts on a clean line); the next show() draws it again.
  static void clear_shown();

 private:
  bool enabled_ = false;
  bool shown_ = false;
  std::chrono::steady_clock::duration every_{};
  std::chrono::steady_clock::time_point next_{};
  static Progress* shown_now_;  // the Progress whose line is on the terminal (one thread draws)
};

}  // namespace rulec::rt
