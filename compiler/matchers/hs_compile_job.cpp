// Hyperscan compile jobs: compiling one in this process, the address-space cap, and the byte forms of a job and its reply.
#include "compiler/matchers/hs_compile_job.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define RULEC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RULEC_ASAN 1
#endif
#endif

namespace rulec::matchers {

namespace {

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// Reads fixed-size values and byte runs from a buffer, refusing any that run past its end.
class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  template <typename T>
  bool get(T& v) {
    if (b_.size() - at_ < sizeof v) return false;
    std::memcpy(&v, b_.data() + at_, sizeof v);
    at_ += sizeof v;
    return true;
  }
  bool bytes(uint64_t n, std::string& out) {
    if (b_.size() - at_ < n) return false;
    out.assign(b_.data() + at_, n);
    at_ += n;
    return true;
  }
  bool done() const { return at_ == b_.size(); }

 private:
  std::string_view b_;
  size_t at_ = 0;
};

}  // namespace

CompileResult compile_job(const CompileJob& job) {
  std::vector<const char*> exprs;
  std::vector<unsigned> ids;
  for (size_t i = 0; i < job.expressions.size(); ++i) {
    exprs.push_back(job.expressions[i].c_str());
    ids.push_back(static_cast<unsigned>(i));
  }
  CompileResult r;
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), job.flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                       job.has_platform ? &job.platform : nullptr, &db, &err) != HS_SUCCESS) {
    r.outcome = CompileOutcome::Refused;
    r.bad = err ? err->expression : -1;
    r.message = err && err->message ? err->message : "compile error";
    if (r.message.find("memory") != std::string::npos) r.outcome = CompileOutcome::OutOfMemory;
    hs_free_compile_error(err);
    return r;
  }
  char* bytes = nullptr;
  size_t len = 0;
  if (hs_serialize_database(db, &bytes, &len) == HS_SUCCESS) {
    r.outcome = CompileOutcome::Ok;
    r.database.assign(bytes, len);
    std::free(bytes);
  } else {
    r.message = "the database could not be serialized";
  }
  hs_free_database(db);
  return r;
}

CompileResult compile_job_caught(const CompileJob& job) {
  CompileResult r;
  try {
    r = compile_job(job);
  } catch (const std::bad_alloc&) {
    r.outcome = CompileOutcome::OutOfMemory;
  } catch (...) {
    r.outcome = CompileOutcome::Failed;
    r.message = "internal error in the compiler";
  }
  return r;
}

void cap_address_space(uint32_t max_mb) {
#ifndef RULEC_ASAN
  if (!max_mb) return;
  rlim_t mapped = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    unsigned long pages = 0;
    if (std::fscanf(f, "%lu", &pages) == 1) mapped = rlim_t{pages} * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE));
    std::fclose(f);
  }
  const rlim_t cap = mapped + (rlim_t{max_mb} << 20);
  rlimit lim{cap, cap};
  setrlimit(RLIMIT_AS, &lim);
#else
  (void)max_mb;
#endif
}

std::string encode_job(const CompileJob& job) {
  std::string out;
  put<uint8_t>(out, job.has_platform ? 1 : 0);
  if (job.has_platform) put(out, job.platform);
  put<uint32_t>(out, job.max_memory_mb);
  put<uint32_t>(out, static_cast<uint32_t>(job.expressions.size()));
  for (size_t i = 0; i < job.expressions.size(); ++i) {
    put<uint32_t>(out, job.flags[i]);
    put<uint32_t>(out, static_cast<uint32_t>(job.expressions[i].size()));
    out += job.expressions[i];
  }
  return out;
}

bool decode_job(std::string_view bytes, CompileJob& job) {
  Reader in(bytes);
  uint8_t has = 0;
  uint32_t n = 0;
  if (!in.get(has) || has > 1) return false;
  job.has_platform = has == 1;
  if (job.has_platform && !in.get(job.platform)) return false;
  if (!in.get(job.max_memory_mb) || !in.get(n)) return false;
  job.expressions.clear();
  job.flags.clear();
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t flags = 0, len = 0;
    std::string e;
    if (!in.get(flags) || !in.get(len) || !in.bytes(len, e)) return false;
    job.flags.push_back(flags);
    job.expressions.push_back(std::move(e));
  }
  return in.done();
}

std::string encode_reply(const CompileResult& r) {
  std::string out;
  put<uint8_t>(out, static_cast<uint8_t>(r.outcome));
  put<int64_t>(out, r.bad);
  put<uint64_t>(out, r.message.size());
  put<uint64_t>(out, r.database.size());
  return out + r.message + r.database;
}

bool decode_reply(std::string_view bytes, CompileResult& r) {
  Reader in(bytes);
  uint8_t o = 0;
  int64_t bad = -1;
  uint64_t ml = 0, dl = 0;
  if (!in.get(o) || o > static_cast<uint8_t>(CompileOutcome::Failed) || !in.get(bad) || !in.get(ml) || !in.get(dl) ||
      !in.bytes(ml, r.message) || !in.bytes(dl, r.database) || !in.done())
    return false;
  r.outcome = static_cast<CompileOutcome>(o);
  r.bad = static_cast<long>(bad);
  return true;
}

}  // namespace rulec::matchers
