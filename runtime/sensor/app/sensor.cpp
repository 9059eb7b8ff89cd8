// rulesensor's run: load the bundle, install signal handlers and the file watcher, serve reloads and counters.
#include "runtime/sensor/app/sensor.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "runtime/common/dates.h"
#include "runtime/loader/bundle_loader.h"
#include "runtime/sensor/detect_loop.h"
#include "runtime/sensor/stop_signals.h"

namespace rulec::sensor {

namespace {

constexpr const char* kProgram = "rulesensor";

// What identifies a version of the bundle file on disk.
struct FileStamp {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

FileStamp stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return FileStamp{st.st_dev, st.st_ino, st.st_size, int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec};
}

// Polls the bundle file and raises a reload request when it changes (replaced or rewritten).
class Watcher {
 public:
  Watcher(std::string path, uint64_t every_ms) : path_(std::move(path)), every_ms_(every_ms), seen_(stamp_of(path_)) {
    if (every_ms_) thread_ = std::thread([this] { loop(); });
  }
  ~Watcher() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  // The loaded bundle's stamp (after a reload attempt, whatever its outcome).
  void loaded(FileStamp s) {
    std::lock_guard<std::mutex> lock(mu_);
    seen_ = s;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(every_ms_), [this] { return stop_; })) {
      const FileStamp now = stamp_of(path_);
      if (now.ino != 0 && !(now == seen_)) {
        seen_ = now;
        rt::signal_attention().fetch_or(rt::kAttentionReload);
      }
    }
  }
  std::string path_;
  uint64_t every_ms_;
  FileStamp seen_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

std::string describe(const rt::LoadedBundle& b) {
  std::string s = fmt::format("{} rules, {} {}, {}", b.rules.size(), b.target, b.tier,
                              b.signature.present ? "signed by " + rt::key_fingerprint(b.signature.key) : std::string("unsigned"));
  s += fmt::format(", loaded in {:.1f} ms", b.load_ms);
  if (!b.notes.empty()) s += "; " + b.notes;
  return s;
}

class CountersOut {
 public:
  explicit CountersOut(const std::string& path) : path_(path) {}
  bool at_exit() const { return !path_.empty(); }  // without --counters only SIGUSR1 asks for them
  void write(const std::string& json) {
    if (path_.empty() || path_ == "-") {
      fmt::print(stderr, "{}\n", json);
      return;
    }
    std::FILE* f = std::fopen(path_.c_str(), "a");
    if (!f) {
      fmt::print(stderr, "{}: cannot write counters to {}: {}\n", kProgram, path_, std::strerror(errno));
      return;
    }
    fmt::print(f, "{}\n", json);
    std::fclose(f);
  }

 private:
  std::string path_;
};

// The indicator feeds and value lists a bundle carries, as files of this process (memfds, closed
// with the object), joined to the sensor's own: its --indicators replace the carried feeds, its
// --value-list ID=FILE the carried list ID.
class CarriedFiles {
 public:
  ~CarriedFiles() {
    for (int fd : fds_) ::close(fd);
  }
  // False with the reason when a memfd cannot be made.
  bool join(const rt::LoadedBundle& b, const rt::DetectorOptions& given, std::string& error) {
    indicators_ = given.indicators, names_ = given.indicator_names, lists_ = given.value_lists;
    for (const auto& d : b.data) {
      const bool feed = d.kind == rt::BundledData::Kind::IndicatorFeed;
      if (feed && !given.indicators.empty()) continue;
      if (!feed && std::any_of(lists_.begin(), lists_.end(), [&](const auto& l) { return l.first == d.name; })) continue;
      const int fd = ::memfd_create(d.name.c_str(), MFD_CLOEXEC);
      if (fd < 0) return error = fmt::format("cannot hold the bundle's {}: {}", d.name, std::strerror(errno)), false;
      fds_.push_back(fd);
      for (size_t at = 0; at < d.bytes.size();) {
        const ssize_t n = ::write(fd, d.bytes.data() + at, d.bytes.size() - at);
        if (n <= 0) return error = fmt::format("cannot hold the bundle's {}: {}", d.name, std::strerror(errno)), false;
        at += static_cast<size_t>(n);
      }
      const std::string path = "/proc/self/fd/" + std::to_string(fd);
      if (feed) indicators_.push_back(path), names_.push_back(d.name);
      else lists_.emplace_back(d.name, path);
    }
    return true;
  }
  rt::DetectorOptions options(rt::DetectorOptions d) const {
    d.indicators = indicators_, d.indicator_names = names_, d.value_lists = lists_;
    return d;
  }
  void give(rt::Detector& d) const { d.set_sources(indicators_, names_, lists_); }

 private:
  std::vector<int> fds_;
  std::vector<std::string> indicators_, names_;
  std::vector<std::pair<std::string, std::string>> lists_;
};

}  // namespace

int run(const Options& o) {
  rt::LoadOptions lopts;
  lopts.allow_unsigned = o.allow_unsigned;
  lopts.cache_dir = o.cache_dir;
  std::string error;
  if (!o.trusted_key.empty()) {
    rt::PublicKey key;
    if (!rt::read_public_key(o.trusted_key, key, error)) {
      fmt::print(stderr, "{}: {}\n", kProgram, error);
      return 1;
    }
    lopts.trusted = key;
  }
  FileStamp stamp = stamp_of(o.bundle);
  auto bundle = rt::load_bundle_file(o.bundle, lopts, error);
  if (!bundle) {
    fmt::print(stderr, "{}: refused {}\n", kProgram, error);
    return 1;
  }
  // Signals are handled from here on: once the "loaded" line is out, SIGHUP, SIGUSR1 and SIGTERM
  // are requests (served between events), never the default action.
  rt::install_stop_signals(/*reload_and_counters=*/true);
  fmt::print(stderr, "{}: loaded {}: {}\n", kProgram, o.bundle, describe(*bundle));

  auto carried = std::make_unique<CarriedFiles>();
  if (!carried->join(*bundle, o.stream.detector, error)) {
    fmt::print(stderr, "{}: {}\n", kProgram, error);
    return 1;
  }
  auto detector = rt::open_detector(bundle->infos(), carried->options(o.stream.detector), o.stream.alerts, kProgram);
  if (!detector) return 1;

  const auto reader_ptr = rt::open_reader(o.stream, *detector, kProgram);
  if (!reader_ptr) return 1;
  rt::EventReader& reader = *reader_ptr;
  CountersOut counters(o.counters);
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };

  Watcher watcher(o.bundle, o.watch_ms);
  watcher.loaded(stamp);

  rt::LoopControl control;
  control.attention = &rt::signal_attention();
  control.serve = [&](uint32_t req, rt::StreamEngine*& engine) {
    if (req & rt::kAttentionReload) {
      const FileStamp s = stamp_of(o.bundle);
      watcher.loaded(s);
      std::string why;
      auto next = rt::load_bundle_file(o.bundle, lopts, why);
      auto next_carried = std::make_unique<CarriedFiles>();
      if (next && !next_carried->join(*next, o.stream.detector, why)) next.reset();
      if (!next) {
        fmt::print(stderr, "{}: reload refused, the running bundle stays: {}\n", kProgram, why);
      } else {
        next_carried->give(*detector);
        const auto st = detector->replace_rules(next->infos());
        carried = std::move(next_carried);
        engine = next->engine.get();
        bundle = std::move(next);  // the old bundle (code, databases) is released here, after the switch
        fmt::print(stderr, "{}: reloaded {} after {} events: {}; state kept for {} rules, {} new, {} removed or changed\n",
                   kProgram, o.bundle, reader.events_read(), describe(*bundle), st.kept, st.added, st.dropped);
      }
    }
    if (req & rt::kAttentionCounters) counters.write(rt::counters_json(*detector, reader, elapsed()));
    return !(req & rt::kAttentionStop);
  };
  const rt::LoopResult res = rt::run_detection(reader, *detector, bundle->engine.get(), &control, o.stream.loop(kProgram));
  rt::print_summary(kProgram, *detector, reader, res.seconds, o.stream.json);
  if (o.stream.shared_usage) rt::print_shared_usage(kProgram, *detector);
  if (counters.at_exit()) counters.write(rt::counters_json(*detector, reader, res.seconds));
  return rt::report_end(kProgram, res, *detector);
}

}  // namespace rulec::sensor
