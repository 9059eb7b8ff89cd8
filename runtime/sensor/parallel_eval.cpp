// Worker threads over batches of raw lines: each prefilters, decodes and evaluates its share with its own engine clone.
#include "runtime/sensor/parallel_eval.h"

#include <fmt/format.h>

#include "runtime/common/dates.h"
#include "runtime/eval/line_prefilter.h"

namespace rulec::rt {

namespace {

uint32_t keep_text(std::string& arena, std::string_view s) {
  const auto off = static_cast<uint32_t>(arena.size());
  arena.append(s);
  return off;
}

// Copies `ev` (a matched line's event) onto the shelf, recording where in `l`.
void shelve(const Event& ev, LineBatch::Shelf& s, LineBatch::Line& l) {
  l.first_leaf = static_cast<uint32_t>(s.leaves.size());
  l.leaf_count = static_cast<uint32_t>(ev.leaves.size());
  l.first_scope = static_cast<uint32_t>(s.scopes.size());
  l.scope_count = static_cast<uint32_t>(ev.scopes.size());
  for (const Leaf& f : ev.leaves) {
    const uint32_t p = keep_text(s.arena, f.path), t = keep_text(s.arena, f.text);
    s.leaves.push_back({p, static_cast<uint32_t>(f.path.size()), t, static_cast<uint32_t>(f.text.size()), f.scope, f.slot,
                        f.kind});
  }
  for (const Scope& c : ev.scopes)
    s.scopes.push_back({c.parent, keep_text(s.arena, c.path), static_cast<uint32_t>(c.path.size())});
}

}  // namespace

void LineBatch::event_of(size_t i, Event& ev) const {
  const Line& l = lines[i];
  const Shelf& s = shelves[l.shelf];
  auto view = [&](uint32_t off, uint32_t len) { return std::string_view(s.arena).substr(off, len); };
  ev.raw = text(i);
  ev.line = l.line;
  ev.input = l.input;
  ev.form = Event::Form::Decoded;
  ev.leaves.resize(l.leaf_count);
  for (uint32_t k = 0; k < l.leaf_count; ++k) {
    const Shelf::KeptLeaf& f = s.leaves[l.first_leaf + k];
    ev.leaves[k] = Leaf{view(f.path_off, f.path_len), view(f.text_off, f.text_len), f.kind, f.scope, f.slot};
  }
  ev.scopes.resize(l.scope_count);
  for (uint32_t k = 0; k < l.scope_count; ++k) {
    const Shelf::KeptScope& c = s.scopes[l.first_scope + k];
    ev.scopes[k] = Scope{c.parent, view(c.path_off, c.path_len)};
  }
}

std::unique_ptr<ParallelEval> ParallelEval::create(const StreamEngine& engine, size_t workers, bool prefilter,
                                                   int64_t wall_ms, std::string& error) {
  std::unique_ptr<ParallelEval> p(new ParallelEval());
  p->prefilter_ = prefilter;
  p->wall_ms_ = wall_ms;
  for (auto* b : {&p->filling_, &p->flying_, &p->done_}) *b = std::make_unique<LineBatch>();
  for (size_t i = 0; i < workers; ++i) {
    auto w = std::make_unique<Worker>();
    w->engine = engine.clone(error);
    if (!w->engine) return nullptr;
    w->decoder.set_filter(w->engine->decode_filter());
    w->bits.resize(w->engine->evaluator().rule_count());
    p->workers_.push_back(std::move(w));
  }
  const size_t words = p->workers_.empty() ? 0 : p->workers_[0]->bits.word_count();
  for (auto* b : {&p->filling_, &p->flying_, &p->done_}) (*b)->words = words, (*b)->shelves.resize(workers);
  for (size_t i = 0; i < workers; ++i) p->workers_[i]->thread = std::thread([raw = p.get(), i] { raw->work(i); });
  return p;
}

ParallelEval::~ParallelEval() {
  {
    const std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
}

void ParallelEval::add(const Event& ev) {
  LineBatch& b = *filling_;
  LineBatch::Line l;
  l.offset = b.bytes.size();
  l.size = ev.raw.size();
  l.line = ev.line;
  l.input = ev.input;
  b.bytes.append(ev.raw);
  b.bytes.append(Decoder::kPadding, ' ');
  b.lines.push_back(l);
}

void ParallelEval::wait_done(std::unique_lock<std::mutex>& lock) {
  done_cv_.wait(lock, [&] { return remaining_ == 0; });
}

LineBatch* ParallelEval::submit() {
  std::unique_lock<std::mutex> lock(mu_);
  wait_done(lock);
  LineBatch* finished = nullptr;
  if (in_flight_) {
    std::swap(flying_, done_);
    finished = done_.get();
    in_flight_ = false;
  }
  if (!filling_->lines.empty()) {
    std::swap(filling_, flying_);  // the new batch flies; the old flying storage is refilled
    filling_->clear();
    LineBatch& f = *flying_;
    f.messages.resize(f.lines.size());
    f.bits.assign(f.lines.size() * f.words, 0);
    for (auto& s : f.shelves) s.clear();
    in_flight_ = true;
    remaining_ = workers_.size();
    ++generation_;
    lock.unlock();
    start_cv_.notify_all();
  }
  return finished;
}

LineBatch* ParallelEval::drain() {
  std::unique_lock<std::mutex> lock(mu_);
  wait_done(lock);
  if (!in_flight_) return nullptr;
  std::swap(flying_, done_);
  in_flight_ = false;
  return done_.get();
}

void ParallelEval::work(size_t index) {
  Worker& w = *workers_[index];
  uint64_t seen = 0;
  for (;;) {
    LineBatch* b;
    {
      std::unique_lock<std::mutex> lock(mu_);
      start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      b = flying_.get();
    }
    // This worker's share: a contiguous slice of the batch.
    const size_t n = b->lines.size(), k = workers_.size();
    const size_t from = n * index / k, to = n * (index + 1) / k;
    LinePrefilter* pf = prefilter_ ? w.engine->line_prefilter() : nullptr;
    const bool needs_now = w.engine->needs_now();
    for (size_t i = from; i < to; ++i) {
      LineBatch::Line& l = b->lines[i];
      const std::string_view text = b->text(i);
      if (pf && pf->passes_over(text)) {
        l.kind = LineBatch::Kind::PassedOver;
        continue;
      }
      l.error = w.decoder.decode_padded(text, w.ev, &b->messages[i]);
      if (l.error != DecodeError::None) {
        l.kind = LineBatch::Kind::Undecodable;
        continue;
      }
      if (needs_now) w.engine->set_now_ms(event_now(w.ev, wall_ms_));
      w.engine->evaluator().evaluate(w.ev, w.bits);
      l.kind = w.bits.any() ? LineBatch::Kind::Matched : LineBatch::Kind::NoMatch;
      if (l.kind == LineBatch::Kind::Matched) {
        std::copy(w.bits.words(), w.bits.words() + b->words, b->bits.data() + i * b->words);
        l.shelf = static_cast<uint32_t>(index);
        shelve(w.ev, b->shelves[index], l);
      }
    }
    {
      const std::lock_guard<std::mutex> lock(mu_);
      if (--remaining_ == 0) done_cv_.notify_one();
    }
  }
}

}  // namespace rulec::rt
