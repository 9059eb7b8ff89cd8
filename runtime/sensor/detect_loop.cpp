// The shared detection loop, its stderr summary and its JSON counters.
#include "runtime/sensor/detect_loop.h"

#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runtime/common/dates.h"
#include "runtime/common/progress.h"
#include "runtime/eval/line_prefilter.h"
#include "runtime/sensor/parallel_eval.h"

namespace rulec::rt {

namespace {

constexpr uint64_t kSkipsShown = 10;  // skipped lines reported one by one; the rest only counted
constexpr uint32_t kProgressEvery = 1024;  // events between two looks at the clock for the progress line

// The bytes the inputs hold when every one is a regular file (stdin included); 0 when unknown.
uint64_t input_size(const EventReader& reader) {
  uint64_t total = 0;
  for (const auto& p : reader.paths()) {
    struct stat st {};
    const int rc = p == "-" ? ::fstat(0, &st) : ::stat(p.c_str(), &st);
    if (rc != 0 || !S_ISREG(st.st_mode)) return 0;
    total += static_cast<uint64_t>(st.st_size);
  }
  return total;
}

void show_progress(Progress& progress, const EventReader& reader, uint64_t total_bytes, double seconds) {
  const double mb = static_cast<double>(reader.bytes_read()) / 1e6;
  std::string line = fmt::format("{} events, {:.1f} MB/s", reader.events_read(), seconds > 0 ? mb / seconds : 0.0);
  if (total_bytes)
    line += fmt::format(", {:.0f}% of the input read", 100.0 * static_cast<double>(reader.bytes_read()) /
                                                            static_cast<double>(total_bytes));
  progress.show(line);
}

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::unique_ptr<Detector> open_detector(std::vector<RuleInfo> rules, const DetectorOptions& options,
                                        const std::string& alerts, const char* program) {
  std::string error, recovered;
  DetectorOptions named = options;
  named.program = program;
  auto d = Detector::create(std::move(rules), std::move(named), alerts, error, recovered);
  if (!d) fmt::print(stderr, "{}: {}\n", program, error);
  else if (!recovered.empty()) fmt::print(stderr, "{}: {}\n", program, recovered);
  if (d && !d->indicators_report().empty()) fmt::print(stderr, "{}: {}\n", program, d->indicators_report());
  if (d && !d->value_lists_report().empty()) fmt::print(stderr, "{}: {}\n", program, d->value_lists_report());
  if (d && d->shared()) {
    d->set_program(program);
    fmt::print(stderr, "{}: {}\n", program, d->shared_report());
  }
  return d;
}

std::unique_ptr<EventReader> open_reader(const StreamOptions& o, Detector& detector, const char* program) {
  std::unique_ptr<EventReader> reader;
  if (o.reads_stream()) {
    std::string error;
    auto source = RedisStreamSource::open(o.events[0], o.stream, program, error);
    if (!source) {
      fmt::print(stderr, "{}: {}\n", program, error);
      return nullptr;
    }
    fmt::print(stderr, "{}: reading {} as consumer {} of group {}\n", program, o.events[0].substr(0, o.events[0].find('?')),
               source->url().consumer, source->url().group);
    EntrySource* s = source.get();
    detector.set_on_durable([s](std::string& e) { return s->acknowledge(e); });
    reader = std::make_unique<EventReader>(std::move(source), o.events[0]);
  } else {
    reader = std::make_unique<EventReader>(o.inputs());
  }
  report_skips_to_stderr(*reader, program, o.verbose);
  return reader;
}

LoopResult run_detection(EventReader& reader, Detector& detector, StreamEngine* engine, LoopControl* control,
                         const LoopOptions& options) {
  LoopResult res;
  reader.set_filter(engine->decode_filter());
  reader.set_prefilter(options.prefilter ? engine->line_prefilter() : nullptr);
  Event ev;
  RuleBits bits(engine->evaluator().rule_count());
  const int64_t wall = wall_ms();
  bool needs_now = engine->needs_now();
  const auto start = std::chrono::steady_clock::now();
  std::atomic<uint32_t>* attention = control ? control->attention : nullptr;
  reader.set_interrupt(attention);
  EntrySource* source = reader.source();
  // --threads N: files and stdin are read here as raw lines, batches of them prefiltered, decoded
  // and evaluated by N workers, and each batch's results applied here in input order (so the
  // detector, the state and the alerts see exactly what one thread gives).
  std::unique_ptr<ParallelEval> par;
  auto start_workers = [&] {
    par.reset();
    if (options.threads <= 1 || source) return;
    std::string why;
    par = ParallelEval::create(*engine, options.threads, options.prefilter, wall, why);
    if (!par) fmt::print(stderr, "{}: --threads {}: {}; running on one thread\n", options.program, options.threads, why);
    reader.set_raw(par != nullptr);
  };
  start_workers();
  // A batch's results, applied in order: what the one-thread loop does per event (in events of
  // their own: `ev` may hold the line read last, not applied yet).
  Event stub, shelved;
  auto apply = [&](const LineBatch* b) {
    for (size_t i = 0; b && i < b->lines.size() && res.ok; ++i) {
      const LineBatch::Line& l = b->lines[i];
      stub.line = l.line;
      stub.input = l.input;
      switch (l.kind) {
        case LineBatch::Kind::Undecodable: reader.undecodable_elsewhere(stub, l.error, b->messages[i]); continue;
        case LineBatch::Kind::PassedOver: reader.passed_over_elsewhere(); [[fallthrough]];
        case LineBatch::Kind::NoMatch:
          bits.clear();
          stub.raw = b->text(i);
          res.ok = detector.on_event(stub, bits);
          continue;
        case LineBatch::Kind::Matched:
          b->event_of(i, shelved);
          std::copy(b->matched(i), b->matched(i) + b->words, bits.words());
          res.ok = detector.on_event(shelved, bits);
          continue;
      }
    }
  };
  // Everything read so far evaluated and applied (before serving a request, on idle input, at the end).
  auto drain = [&] {
    if (!par) return;
    apply(par->submit());
    apply(par->drain());
  };
  // Shared state and streams: decisions waiting for Redis are resolved at least every 200 ms, so
  // an alert is not held back while input is idle, and idle input is checkpointed (a stream's
  // entries acknowledged) within a second; a stop request ends a wait for an unreachable Redis.
  std::atomic<bool> ticking{(detector.shared() || source || detector.watches_feeds()) && attention};
  std::mutex tick_mutex;
  std::condition_variable tick_cv;
  std::thread ticker;
  if (ticking) {
    detector.set_stop_flag(attention, kAttentionStop);
    if (source) source->set_stop(attention, kAttentionStop);
    ticker = std::thread([&] {
      std::unique_lock<std::mutex> lock(tick_mutex);
      while (!tick_cv.wait_for(lock, std::chrono::milliseconds(200), [&] { return !ticking.load(); }))
        attention->fetch_or(kAttentionTick);
    });
  }
  bool idle = false, replay = false;
  std::string replay_owner;
  // On a terminal: events, MB/s and the share of the input read, redrawn a few times a second.
  Progress progress;
  const uint64_t total_bytes = progress.enabled() && !source ? input_size(reader) : 0;
  uint32_t until_look = kProgressEvery;
  while (res.ok) {
    if (attention && attention->load(std::memory_order_relaxed)) {
      drain();
      if (!res.ok) break;
      uint32_t req = attention->exchange(0);
      if (req & kAttentionTick) {
        req &= ~uint32_t{kAttentionTick};
        if (!(res.ok = detector.flush_shared())) break;
        if (idle && !(res.ok = detector.idle_checkpoint(source && source->unacknowledged()))) break;
        if (detector.watches_feeds()) detector.refresh_indicators();
        if (!req) continue;
      }
      StreamEngine* before = engine;
      if (!control->serve(req, engine)) {
        res.stopped = true;
        break;
      }
      if (engine != before) {
        reader.set_filter(engine->decode_filter());
        reader.set_prefilter(options.prefilter ? engine->line_prefilter() : nullptr);
        needs_now = engine->needs_now();
        bits.resize(engine->evaluator().rule_count());
        if (par) start_workers();
      }
    }
    if (!reader.next(ev)) {
      drain();
      if ((idle = reader.interrupted())) continue;  // idle input: serve the request, then wait again
      break;
    }
    idle = false;
    if (ev.form == Event::Form::Raw) {
      par->add(ev);
      if (par->full()) apply(par->submit());
    } else {
      drain();  // an input's first line: after every line before it
      if (source) {  // a stream: entries replayed on some consumer's behalf, or new ones
        const std::string* owner = source->replay_owner();
        if ((owner != nullptr) != replay || (owner && *owner != replay_owner)) {
          detector.set_replay(owner);
          replay = owner != nullptr;
          replay_owner = owner ? *owner : std::string();
        }
      }
      if (ev.form == Event::Form::PassedOver) {  // no rule can match it: counted by the detector (checkpoints), not evaluated
        bits.clear();
      } else {
        if (needs_now) engine->set_now_ms(event_now(ev, wall));
        engine->evaluator().evaluate(ev, bits);
      }
      res.ok = res.ok && detector.on_event(ev, bits);
    }
    if (progress.enabled() && --until_look == 0) {
      until_look = kProgressEvery;
      if (progress.due())
        show_progress(progress, reader, total_bytes,
                      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  }
  par.reset();
  progress.clear();
  if (ticker.joinable()) {
    {
      const std::lock_guard<std::mutex> lock(tick_mutex);
      ticking = false;
    }
    tick_cv.notify_one();
    ticker.join();
  }
  if (replay) detector.set_replay(nullptr);
  res.ok = res.ok && detector.finish();  // what was read is checkpointed (acknowledged) even when the input failed
  if (source && !source->error().empty()) {
    res.ok = false;
    res.input_error = source->error();
  } else if (reader.inputs_failed()) {  // each one said why as it failed
    res.ok = false;
    res.input_error = fmt::format("{} of {} inputs could not be read", reader.inputs_failed(), reader.paths().size());
  } else if (reader.events_read() == 0 && reader.lines_skipped() > 0 && !res.stopped) {
    res.ok = false;
    res.input_error = fmt::format("no event read: all {} non-blank lines were skipped", reader.lines_skipped());
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return res;
}

void print_summary(const char* program, const Detector& d, const EventReader& reader, double seconds, bool json) {
  if (json) {
    const nlohmann::ordered_json j = nlohmann::ordered_json::parse(counters_json(d, reader, seconds));
    nlohmann::ordered_json out;
    out["program"] = program;
    for (auto it = j.begin(); it != j.end(); ++it) out[it.key()] = it.value();
    out["state_evictions"] = d.evictions();
    const Detector::SequenceStats seq = d.sequence_stats();
    out["sequence_partials"] = seq.partials;
    out["sequence_bytes"] = seq.bytes;
    out["sequence_evictions"] = seq.evictions;
    fmt::print(stderr, "{}\n", out.dump());
    return;
  }
  uint64_t alerts = 0, suppressed = 0;
  size_t rules = 0;  // an EQL sequence's terms are rules of the rule list, not rules of the user's
  for (size_t i = 0; i < d.rules().size(); ++i) {
    const auto& c = d.counters()[i];
    rules += d.rules()[i].kind != DetectionKind::SequenceTerm;
    alerts += c.alerts;
    suppressed += c.suppressed;
    if (!c.matched) continue;
    fmt::print(stderr, "  {:<60.60} matched {:>9}  alerts {:>6}", d.rules()[i].name, c.matched, c.alerts);
    if (c.suppressed) fmt::print(stderr, "  suppressed by max_signals {}", c.suppressed);
    if (c.learned) fmt::print(stderr, "  learned {}", c.learned);
    if (c.no_time) fmt::print(stderr, "  no event time {}", c.no_time);
    if (c.late) fmt::print(stderr, "  late {}", c.late);
    if (c.duplicates) fmt::print(stderr, "  already written {}", c.duplicates);
    if (c.elsewhere) fmt::print(stderr, "  written by another process {}", c.elsewhere);
    fmt::print(stderr, "\n");
  }
  const double n = static_cast<double>(reader.events_read());
  const double mb = static_cast<double>(reader.bytes_read()) / 1e6;
  fmt::print(stderr,
             "{}: {} events read, {} lines skipped, {} rules, {} alerts ({} suppressed by max_signals), "
             "{}{:.0f} events/s, {:.1f} MB/s, {:.0f} ns/event, {:.2f} s\n",
             program, reader.events_read(), reader.lines_skipped(), rules, alerts, suppressed,
             d.events_without_time() ? fmt::format("{} matched events without an event time, ", d.events_without_time()) : "",
             seconds > 0 ? n / seconds : 0.0, seconds > 0 ? mb / seconds : 0.0, n > 0 ? seconds * 1e9 / n : 0.0, seconds);
  if (d.events_without_time())
    fmt::print(stderr,
               "{}: warning: {} events matched a rule but had no readable event time (@timestamp, or the rule's "
               "timestamp_override) and raised no alert\n",
               program, d.events_without_time());
  if (reader.lines_passed_over())
    fmt::print(stderr, "{}: the prefilter passed over {} of the {} events (none held a literal of a rule: not decoded)\n",
               program, reader.lines_passed_over(), reader.events_read());
  if (d.shared()) fmt::print(stderr, "{}: {}\n", program, d.shared_report());
  if (d.evictions()) fmt::print(stderr, "{}: {} state entries evicted by --max-state-mb\n", program, d.evictions());
  if (const Detector::SequenceStats seq = d.sequence_stats(); seq.partials || seq.evictions)
    fmt::print(stderr, "{}: EQL sequences: {} partial sequences held ({:.1f} KB, events included), {} evicted over the caps\n",
               program, seq.partials, static_cast<double>(seq.bytes) / 1024.0, seq.evictions);
}

void print_shared_usage(const char* program, Detector& d) {
  std::string report;
  if (!d.shared_usage(report)) fmt::print(stderr, "{}: shared state usage unknown: {}\n", program, report);
  else fmt::print(stderr, "{}", report);
}

int report_end(const char* program, const LoopResult& res, const Detector& d) {
  if (res.stopped) fmt::print(stderr, "{}: stopped by signal; alerts flushed and state checkpointed\n", program);
  if (res.ok) return 0;
  if (!res.input_error.empty()) fmt::print(stderr, "{}: {}\n", program, res.input_error);
  if (!d.error().empty()) fmt::print(stderr, "{}: {}; state kept at its last checkpoint\n", program, d.error());
  return 1;
}

namespace {

// One skipped line on stderr; past `kSkipsShown` only counted, unless `Every`.
template <bool Every>
void print_skip(const SkippedLine& s, void* p) {
  const char* name = static_cast<const char*>(p);
  Progress::clear_shown();  // the message starts on a clean line
  const std::string_view shown = s.path == "-" ? std::string_view("<stdin>") : s.path;
  if (!s.hint.empty()) fmt::print(stderr, "{}: {}: {}\n", name, shown, s.hint);
  if (!Every && s.number > kSkipsShown) {
    if (s.number == kSkipsShown + 1)
      fmt::print(stderr, "{}: further skipped lines are counted, not shown (--verbose shows them all)\n", name);
    return;
  }
  if (s.error == DecodeError::None)
    fmt::print(stderr, "{}: {}: {}\n", name, shown, s.message);
  else if (s.line == 0)  // a stream entry: its name says where
    fmt::print(stderr, "{}: {}: skipped: {}{}{}\n", name, shown, to_string(s.error), s.message.empty() ? "" : ": ",
               s.message);
  else
    fmt::print(stderr, "{}: {}:{}: skipped: {}{}{}\n", name, shown, s.line, to_string(s.error),
               s.message.empty() ? "" : ": ", s.message);
}

}  // namespace

void report_skips_to_stderr(EventReader& reader, const char* program, bool every) {
  reader.set_on_skip(every ? &print_skip<true> : &print_skip<false>, const_cast<char*>(program));
}

std::string counters_json(const Detector& d, const EventReader& reader, double seconds) {
  nlohmann::ordered_json j;
  const double n = static_cast<double>(reader.events_read());
  const double mb = static_cast<double>(reader.bytes_read()) / 1e6;
  j["events"] = reader.events_read();
  j["prefilter_passed_over"] = reader.lines_passed_over();
  j["bytes"] = reader.bytes_read();
  j["lines_skipped"] = reader.lines_skipped();
  j["events_without_time"] = d.events_without_time();
  j["seconds"] = seconds;
  j["events_per_s"] = seconds > 0 ? n / seconds : 0.0;
  j["mb_per_s"] = seconds > 0 ? mb / seconds : 0.0;
  j["ns_per_event"] = n > 0 ? seconds * 1e9 / n : 0.0;
  j["state_entries"] = d.state_entries();
  uint64_t alerts = 0, suppressed = 0;
  for (const auto& c : d.counters()) alerts += c.alerts, suppressed += c.suppressed;
  j["alerts"] = alerts;
  j["suppressed"] = suppressed;
  auto& rules = j["rules"] = nlohmann::ordered_json::array();
  for (size_t i = 0; i < d.rules().size(); ++i) {
    const auto& c = d.counters()[i];
    rules.push_back({{"rule_id", d.rules()[i].rule_id},
                     {"name", d.rules()[i].name},
                     {"matched", c.matched},
                     {"alerts", c.alerts},
                     {"written_elsewhere", c.elsewhere},
                     {"suppressed", c.suppressed}});
  }
  return j.dump();
}

}  // namespace rulec::rt
