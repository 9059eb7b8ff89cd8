// Terminal progress on stderr, redrawn in place at most a few times a second (see progress.h).
#include "runtime/common/progress.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "runtime/common/durable_file.h"

namespace rulec::rt {

Progress* Progress::shown_now_ = nullptr;

Progress::Progress() : enabled_(::isatty(STDERR_FILENO) == 1) {
  long ms = 250;
  if (const char* e = std::getenv("RULEC_PROGRESS_MS"); e && *e) ms = std::strtol(e, nullptr, 10);
  every_ = std::chrono::milliseconds(ms < 0 ? 0 : ms);
  next_ = std::chrono::steady_clock::now() + every_;
}

bool Progress::due() {
  if (!enabled_) return false;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_) return false;
  next_ = now + every_;
  return true;
}

void Progress::show(std::string_view line) {
  if (!enabled_) return;
  std::string out = "\r";
  out.append(line);
  out.append("\033[K");  // erase what a longer previous line left
  shown_ = write_all(STDERR_FILENO, out) || shown_;
  if (shown_) shown_now_ = this;
}

void Progress::clear_shown() {
  if (shown_now_) shown_now_->clear();
}

void Progress::clear() {
  if (shown_now_ == this) shown_now_ = nullptr;
  if (!shown_) return;
  shown_ = false;
  (void)write_all(STDERR_FILENO, std::string_view("\r\033[K"));
}

}  // namespace rulec::rt
