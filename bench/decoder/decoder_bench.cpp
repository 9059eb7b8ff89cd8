// Event decoder benchmark: simdjson parse ceilings (On-Demand, DOM) vs full and filtered decoding into Event, on generated ECS process events.
#include <sys/resource.h>
#include <unistd.h>

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/decoder/arena.h"
#include "runtime/decoder/decoder.h"
#include "runtime/decoder/raw_walk.h"
#include "runtime/decoder/field_filter.h"

namespace {

using namespace rulec::rt;
namespace od = simdjson::ondemand;

// ---- deterministic events: Elastic Defend Linux process events, 1-2 KB each -------------------

struct Rng {
  uint64_t s;
  uint64_t next() {  // splitmix64
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  template <class T, size_t N>
  const T& pick(const T (&a)[N]) { return a[below(N)]; }
};

std::string hex(Rng& r, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) s += kHex[r.next() & 15];
  return s;
}

std::string b64(Rng& r, size_t n) {
  static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s;
  for (size_t i = 0; i < n; ++i) s += kB64[r.next() & 63];
  return s + "==";
}

std::string ts(uint64_t ms) {
  const uint64_t s = ms / 1000;
  char buf[40];
  std::snprintf(buf, sizeof buf, "2026-01-%02u T%02u:%02u:%02u.%03uZ", unsigned(1 + s / 86400 % 28), unsigned(s / 3600 % 24),
                unsigned(s / 60 % 60), unsigned(s % 60), unsigned(ms % 1000));
  std::string out(buf);
  out.erase(10, 1);  // "2026-01-05T..."
  return out;
}

std::string q(const std::string& s) { return "\"" + s + "\""; }

std::string make_event(Rng& r, uint64_t seq) {
  static const char* kProcs[][2] = {{"ls", "/usr/bin/ls"}, {"bash", "/bin/bash"}, {"curl", "/usr/bin/curl"},
                                     {"python3", "/usr/bin/python3.11"}, {"nginx", "/usr/sbin/nginx"},
                                     {"sh", "/bin/sh"}, {"systemctl", "/usr/bin/systemctl"}, {"cron", "/usr/sbin/cron"}};
  static const char* kArgs[] = {"-la", "--color=auto", "-c", "/etc/passwd", "http://10.0.0.5/x.sh", "-o", "/tmp/.x",
                                "status", "nginx.service", "--version", "-q", "install"};
  static const char* kUsers[][2] = {{"0", "root"}, {"1000", "vagrant"}, {"33", "www-data"}, {"999", "deploy"}};
  const auto& proc = kProcs[r.below(8)];
  const auto& parent = kProcs[r.below(8)];
  const auto& user = kUsers[r.below(4)];
  std::vector<std::string> args = {proc[0]};
  for (size_t k = r.below(5); k > 0; --k) args.push_back(r.pick(kArgs));
  std::string cmd, argv;
  for (const auto& a : args) {
    cmd += cmd.empty() ? "" : " ";  // (appended in two steps: GCC 12 warns on "lit" + string)
    cmd += a;
    argv += argv.empty() ? "" : ",";
    argv += q(a);
  }
  if (r.below(8) == 0) {  // a quoted shell command: escapes in the JSON
    cmd += " \\\"$(id -u)\\\"";
    argv += ",\"\\\"$(id -u)\\\"\"";
  }
  const uint64_t ms = 1767225600000ull + seq * 137 + r.below(100);
  const std::string host = "web-" + std::to_string(1 + r.below(12));
  std::string ancestry;
  for (size_t k = 1 + r.below(3); k > 0; --k) {
    ancestry += ancestry.empty() ? "" : ",";
    ancestry += q(b64(r, 54));
  }
  std::string e = "{\"@timestamp\":" + q(ts(ms));
  e += ",\"agent\":{\"id\":" + q(hex(r, 8) + "-" + hex(r, 4) + "-" + hex(r, 4) + "-" + hex(r, 12)) +
       ",\"type\":\"endpoint\",\"version\":\"8.12.0\"}";
  e += ",\"process\":{\"pid\":" + std::to_string(1000 + r.below(60000)) + ",\"entity_id\":" + q(b64(r, 54)) +
       ",\"name\":" + q(proc[0]) + ",\"executable\":" + q(proc[1]) + ",\"args\":[" + argv + "],\"args_count\":" +
       std::to_string(args.size()) + ",\"command_line\":" + q(cmd) + ",\"working_directory\":\"/var/www/html\"" +
       ",\"interactive\":" + (r.below(2) ? "true" : "false") + ",\"start\":" + q(ts(ms - 5)) +
       ",\"parent\":{\"pid\":" + std::to_string(1 + r.below(60000)) + ",\"entity_id\":" + q(b64(r, 54)) +
       ",\"name\":" + q(parent[0]) + ",\"executable\":" + q(parent[1]) + ",\"args\":[" + q(parent[0]) + "]" +
       ",\"user\":{\"id\":" + user[0] + ",\"name\":" + q(user[1]) + "}" + ",\"group\":{\"id\":" + user[0] +
       ",\"name\":" + q(user[1]) + ",\"supplemental\":[{\"id\":4,\"name\":\"adm\"},{\"id\":27,\"name\":\"sudo\"}]}}" +
       ",\"Ext\":{\"ancestry\":[" + ancestry + "]},\"hash\":{\"sha256\":" + q(hex(r, 64)) +
       "}}";
  e += ",\"user\":{\"id\":" + q(user[0]) + ",\"name\":" + q(user[1]) + "}";
  e += ",\"host\":{\"hostname\":" + q(host) + ",\"name\":" + q(host) +
       ",\"os\":{\"name\":\"Linux\",\"type\":\"linux\",\"family\":\"debian\",\"kernel\":\"6.1.0-18-amd64\"},\"ip\":[" + q("10.20.0." + std::to_string(r.below(250))) +
       ",\"fe80::b6:64ff:fef1:a5f0\"],\"mac\":[\"02:b6:64:f1:a5:f0\"],\"architecture\":\"x86_64\"}";
  e += ",\"event\":{\"kind\":\"event\",\"category\":[\"process\"],\"type\":[\"start\"],\"action\":\"exec\",\"sequence\":" +
       std::to_string(seq) + ",\"ingested\":" + q(ts(ms + 900)) + ",\"created\":" + q(ts(ms)) +
       ",\"risk_score\":" + std::to_string(r.below(100)) + ".0,\"id\":" + q(b64(r, 22)) +
       ",\"dataset\":\"endpoint.events.process\",\"module\":\"endpoint\"}";
  e += ",\"ecs\":{\"version\":\"8.11.0\"},\"data_stream\":{\"namespace\":\"default\",\"type\":\"logs\","
       "\"dataset\":\"endpoint.events.process\"},\"elastic.agent.id\":" + q(hex(r, 32)) +
       ",\"message\":\"Endpoint process event\"}";
  return e;
}

// All events as one NDJSON buffer (so that each line has padding after it, as in EventReader).
struct Corpus {
  std::string ndjson;
  std::vector<std::string_view> lines;
  Corpus() {
    Rng r{42};
    for (uint64_t i = 0; i < 10000; ++i) ndjson += make_event(r, i) + "\n";
    ndjson.append(Decoder::kPadding, ' ');
    size_t start = 0;
    for (size_t nl; (nl = ndjson.find('\n', start)) != std::string::npos; start = nl + 1) {
      lines.push_back(std::string_view(ndjson).substr(start, nl - start));
      min_bytes = std::min(min_bytes, lines.back().size());
      max_bytes = std::max(max_bytes, lines.back().size());
    }
  }
  size_t min_bytes = SIZE_MAX, max_bytes = 0;
};

const Corpus& corpus() {
  static const Corpus c;
  return c;
}

void finish(benchmark::State& state, size_t checksum) {
  const auto& c = corpus();
  const int64_t events = state.iterations() * static_cast<int64_t>(c.lines.size());
  state.SetItemsProcessed(events);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(c.ndjson.size() - Decoder::kPadding));
  state.counters["ns/event"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["min_bytes"] = static_cast<double>(c.min_bytes);
  state.counters["max_bytes"] = static_cast<double>(c.max_bytes);
  state.counters["avg_bytes"] = static_cast<double>(c.ndjson.size() - Decoder::kPadding) / static_cast<double>(c.lines.size());
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  state.counters["peak_rss_MB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
  benchmark::DoNotOptimize(checksum);
}

// ---- ceilings: simdjson alone ------------------------------------------------------------------

// On-Demand: visit every key and value token, as the decoder does, but build nothing
// (runtime/decoder/raw_walk.h, the baseline `rulec bench` reports too).
void BM_OnDemandWalk(benchmark::State& state) {
  od::parser parser;
  size_t sum = 0;
  for (auto _ : state) {
    for (std::string_view line : corpus().lines) sum += raw_walk(parser, line);
  }
  finish(state, sum);
}
BENCHMARK(BM_OnDemandWalk);

void BM_DomParse(benchmark::State& state) {
  simdjson::dom::parser parser;
  size_t sum = 0;
  for (auto _ : state) {
    for (std::string_view line : corpus().lines) {
      simdjson::dom::element root;
      if (!parser.parse(line.data(), line.size(), false).get(root)) ++sum;
    }
  }
  finish(state, sum);
}
BENCHMARK(BM_DomParse);

// ---- DOM alternative: parse, then walk the tape into Event (numbers re-printed: text lost) ------

class DomDecoder {  // same leaves, scopes and path building as Decoder, over the DOM tape
 public:
  bool decode(std::string_view line, Event& ev) {
    ev.leaves.clear();
    ev.scopes.assign(1, Scope{});
    arena_.reset();
    ev_ = &ev;
    simdjson::dom::element root;
    if (parser_.parse(line.data(), line.size(), false).get(root)) return false;
    return walk(root, 0, {}, false);
  }

 private:
  void leaf(std::string_view path, std::string_view text, ValueKind k, uint32_t scope) {
    Leaf& l = ev_->leaves.emplace_back();
    l.path = path;
    l.text = text;
    l.kind = k;
    l.scope = scope;
  }
  std::string_view number(std::string_view path, const char* buf, const char* end, uint32_t scope) {
    leaf(path, arena_.copy({buf, size_t(end - buf)}), ValueKind::Number, scope);
    return path;
  }
  bool walk(simdjson::dom::element e, uint32_t scope, std::string_view path, bool in_array) {
    using T = simdjson::dom::element_type;
    char buf[32];
    switch (e.type()) {
      case T::OBJECT: {
        uint32_t s = scope;
        if (in_array) {
          s = static_cast<uint32_t>(ev_->scopes.size());
          ev_->scopes.push_back(Scope{scope, path});
        }
        simdjson::dom::object obj;
        if (e.get_object().get(obj)) return false;
        for (auto [key, value] : obj) {
          const size_t n = path.empty() ? key.size() : path.size() + 1 + key.size();
          char* dst = arena_.alloc(n);
          if (!path.empty()) {
            std::memcpy(dst, path.data(), path.size());
            dst[path.size()] = '.';
            std::memcpy(dst + path.size() + 1, key.data(), key.size());
          } else {
            std::memcpy(dst, key.data(), key.size());
          }
          walk(value, s, {dst, n}, false);
        }
        return true;
      }
      case T::ARRAY: {
        simdjson::dom::array arr;
        if (e.get_array().get(arr)) return false;
        for (auto el : arr) walk(el, scope, path, true);
        return true;
      }
      case T::STRING: leaf(path, e.get_string().value_unsafe(), ValueKind::String, scope); return true;
      case T::INT64: number(path, buf, std::to_chars(buf, buf + sizeof buf, e.get_int64().value_unsafe()).ptr, scope); return true;
      case T::UINT64: number(path, buf, std::to_chars(buf, buf + sizeof buf, e.get_uint64().value_unsafe()).ptr, scope); return true;
      case T::DOUBLE: number(path, buf, std::to_chars(buf, buf + sizeof buf, e.get_double().value_unsafe()).ptr, scope); return true;
      case T::BOOL: {
        const bool b = e.get_bool().value_unsafe();
        leaf(path, b ? "true" : "false", b ? ValueKind::True : ValueKind::False, scope);
        return true;
      }
      case T::NULL_VALUE: leaf(path, "null", ValueKind::Null, scope); return true;
    }
    return false;
  }

  simdjson::dom::parser parser_;
  Arena arena_;
  Event* ev_ = nullptr;
};

void BM_DomDecodeToEvent(benchmark::State& state) {
  DomDecoder d;
  Event ev;
  size_t sum = 0;
  for (auto _ : state) {
    for (std::string_view line : corpus().lines) {
      if (d.decode(line, ev)) sum += ev.leaves.size();
    }
  }
  finish(state, sum);
  state.counters["leaves/event"] = static_cast<double>(sum) / static_cast<double>(state.iterations() * corpus().lines.size());
}
BENCHMARK(BM_DomDecodeToEvent);

// ---- the runtime's decoder ---------------------------------------------------------------------

// Decodes the corpus in place, as EventReader does, with `filter` (nullptr: every leaf).
void run_decode(benchmark::State& state, const FieldFilter* filter) {
  Decoder d;
  d.set_filter(filter);
  Event ev;
  size_t sum = 0;
  for (auto _ : state) {
    for (std::string_view line : corpus().lines) {
      if (d.decode_padded(line, ev) == DecodeError::None) sum += ev.leaves.size();
    }
  }
  finish(state, sum);
  state.counters["leaves/event"] = static_cast<double>(sum) / static_cast<double>(state.iterations() * corpus().lines.size());
  if (filter) state.counters["paths"] = static_cast<double>(filter->slot_count());
}

void BM_DecodeToEvent(benchmark::State& state) { run_decode(state, nullptr); }
BENCHMARK(BM_DecodeToEvent);

void BM_DecodeToEventWithCopy(benchmark::State& state) {  // Decoder::decode on unpadded input
  Decoder d;
  Event ev;
  size_t sum = 0;
  for (auto _ : state) {
    for (std::string_view line : corpus().lines) {
      if (d.decode(line, ev) == DecodeError::None) sum += ev.leaves.size();
    }
  }
  finish(state, sum);
}
BENCHMARK(BM_DecodeToEventWithCopy);

// ---- filtered decoding: only the fields a rule set reads ----------------------------------------

// What a process rule reads (8 paths, 9 leaves per event here).
const std::vector<std::string> kRulePaths = {"process.name", "process.parent.name", "process.args", "process.executable",
                                             "event.category", "event.type", "host.os.type", "user.name"};

// A large rule set: every path of these events (55) and 245 ECS-like ones they lack, under the
// same objects and beside them, so most lookups happen among many siblings.
std::vector<std::string> many_paths() {
  std::vector<std::string> paths;
  const Corpus& c = corpus();
  Decoder d;
  Event ev;
  for (size_t i = 0; i < 100; ++i) {
    if (d.decode_padded(c.lines[i], ev) != DecodeError::None) continue;
    for (const Leaf& l : ev.leaves)
      if (std::find(paths.begin(), paths.end(), l.path) == paths.end()) paths.emplace_back(l.path);
  }
  static const char* kObjects[] = {"process", "process.parent", "host", "user", "event", "file", "network", "source",
                                   "destination", "dns", "url", "registry", "group", "dll", "agent", "process.Ext"};
  static const char* kFields[] = {"pe.original_file_name", "code_signature.subject_name", "hash.md5", "hash.sha1",
                                  "name", "id", "domain", "path", "extension", "args_count", "title", "ip", "port",
                                  "thread.id", "entry_leader.name", "session_leader.pid", "real_user.id"};
  for (const char* f : kFields)
    for (const char* o : kObjects) {
      std::string p = std::string(o) + "." + f;
      if (paths.size() < 300 && std::find(paths.begin(), paths.end(), p) == paths.end()) paths.push_back(std::move(p));
    }
  return paths;
}

void run_filtered(benchmark::State& state, const FieldFilter& filter) { run_decode(state, &filter); }

void BM_DecodeFiltered8(benchmark::State& state) { run_filtered(state, FieldFilter(kRulePaths)); }
BENCHMARK(BM_DecodeFiltered8);

void BM_DecodeFiltered300(benchmark::State& state) { run_filtered(state, FieldFilter(many_paths())); }
BENCHMARK(BM_DecodeFiltered300);

// A filter that keeps nothing: every token still visited and validated (the floor of any filter).
void BM_DecodeFilteredNone(benchmark::State& state) { run_filtered(state, FieldFilter({})); }
BENCHMARK(BM_DecodeFilteredNone);

// keep_all with the 8 slots: every leaf, along the trie where it can (vs BM_DecodeToEvent).
void BM_DecodeFilteredKeepAll(benchmark::State& state) { run_filtered(state, FieldFilter(kRulePaths, {}, true)); }
BENCHMARK(BM_DecodeFilteredKeepAll);

void BM_EventReaderFromFile(benchmark::State& state) {  // read(2) + line splitting + decoding
  char path[] = "/tmp/rulec_decoder_bench_XXXXXX";
  const int fd = mkstemp(path);
  const std::string_view data(corpus().ndjson.data(), corpus().ndjson.size() - Decoder::kPadding);
  if (fd < 0 || write(fd, data.data(), data.size()) != static_cast<ssize_t>(data.size())) {
    state.SkipWithError("cannot write the temporary file");
    return;
  }
  close(fd);
  size_t sum = 0;
  for (auto _ : state) {
    EventReader reader({path});
    Event ev;
    while (reader.next(ev)) sum += ev.leaves.size();
  }
  unlink(path);
  finish(state, sum);
}
BENCHMARK(BM_EventReaderFromFile);

}  // namespace
