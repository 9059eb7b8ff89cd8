// LLVM IR emission: short-circuit code for each rule's DAG, memo functions for shared nodes.
#include "compiler/codegen/ir_emitter.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Verifier.h>

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "runtime/eval/eval_abi.h"

namespace rulec::codegen {

namespace {

// How an And/Or's children are emitted. Children answered by an atom bit (eager atoms, and
// pattern atoms once their group is scanned), or by its negation, fold into one branch-free mask
// test per kind when there are two or more of that kind: eager bits first, then patterns (after one
// scan call per group); the other children keep their short-circuit order after them.
struct Folded {
  struct Masks {
    std::map<uint32_t, std::pair<uint64_t, uint64_t>> words;  // atom word -> (positive, negated)
    std::vector<uint32_t> scan_atoms;                         // patterns: one atom per group to scan
    size_t count = 0;
  };
  Masks eager, patterns;
  std::vector<uint32_t> rest;
};

// The atom answering `id` with a bit (through a Not: negated), and whether it is a pattern.
std::optional<uint32_t> bit_atom(const plan::Plan& plan, uint32_t id, bool& negated, bool& pattern) {
  const plan::Expr* e = &plan.exprs[id];
  negated = false;
  if (e->op == plan::Op::Not && e->memo < 0) {
    e = &plan.exprs[e->kids[0]];
    negated = true;
  }
  if (e->op != plan::Op::Atom || e->memo >= 0) return std::nullopt;
  const plan::AtomKind k = plan.atoms[e->atom].kind;
  if (k == plan::AtomKind::Generic) return std::nullopt;
  pattern = k == plan::AtomKind::StrPattern;
  return e->atom;
}

Folded fold_kids(const plan::Plan& plan, const plan::Expr& e) {
  Folded f;
  for (uint32_t k : e.kids) {
    bool neg = false, pattern = false;
    if (const auto a = bit_atom(plan, k, neg, pattern)) ++(pattern ? f.patterns : f.eager).count;
  }
  std::set<std::tuple<std::string, bool, uint32_t>> groups;  // a pattern group: source, normalization
  for (uint32_t k : e.kids) {
    bool neg = false, pattern = false;
    const auto a = bit_atom(plan, k, neg, pattern);
    Folded::Masks& m = pattern ? f.patterns : f.eager;
    if (!a || m.count < 2) {
      f.rest.push_back(k);
      continue;
    }
    auto& [pos_mask, neg_mask] = m.words[*a / 64];
    (neg ? neg_mask : pos_mask) |= uint64_t{1} << (*a % 64);
    const plan::Atom& at = plan.atoms[*a];
    if (pattern && groups.emplace(at.source, at.lower, at.ignore_above).second) m.scan_atoms.push_back(*a);
  }
  return f;
}

class Emitter {
 public:
  Emitter(const plan::Plan& plan, llvm::LLVMContext& ctx, llvm::Module& m)
      : plan_(plan), ctx_(ctx), m_(m), b_(ctx) {
    ptr_ = llvm::PointerType::get(ctx, 0);
    i1_ = llvm::Type::getInt1Ty(ctx);
    i8_ = llvm::Type::getInt8Ty(ctx);
    i32_ = llvm::Type::getInt32Ty(ctx);
    i64_ = llvm::Type::getInt64Ty(ctx);
    lazy_ty_ = llvm::FunctionType::get(i32_, {ptr_, i32_}, false);
    memo_fns_.assign(plan.exprs.size(), nullptr);
  }

  void emit(const EmitOptions& opts) {
    auto* eval_ty = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_), {ptr_, ptr_}, false);
    std::vector<llvm::Function*> batches;
    const size_t n = plan_.roots.size();
    const size_t per = std::max<size_t>(64, opts.batch - opts.batch % 64);
    // Rules go to internal functions of at most `per` rules and about `max_units` code units (a
    // rule larger than that gets a function of its own), so that no function grows past what
    // LLVM's register allocation handles in near-linear time.
    llvm::Function* f = nullptr;
    size_t in_f = 0, units = 0;
    llvm::Value* word = nullptr;
    auto flush_word = [&](size_t r) {  // ORs the result bits of rules [.., r] of r's word into place
      llvm::Value* slot = b_.CreateConstInBoundsGEP1_64(i64_, f->getArg(1), r / 64);
      b_.CreateStore(b_.CreateOr(b_.CreateLoad(i64_, slot), word), slot);
      word = llvm::ConstantInt::get(i64_, 0);
    };
    for (size_t r = 0; r < n; ++r) {
      const size_t u = code_units(plan_, plan_.roots[r]);
      if (f && (in_f == per || (units + u > opts.max_units && in_f > 0))) {
        flush_word(r - 1);
        b_.CreateRetVoid();
        f = nullptr;
      }
      if (!f) {
        f = llvm::Function::Create(eval_ty, llvm::Function::InternalLinkage, fmt::format("rules_{}", r), m_);
        f->addFnAttr(llvm::Attribute::NoInline);
        begin(f);
        batches.push_back(f);
        in_f = units = 0;
        word = llvm::ConstantInt::get(i64_, 0);
      }
      llvm::Value* v = expr(plan_.roots[r]);
      word = b_.CreateOr(word, b_.CreateShl(b_.CreateZExt(v, i64_), r & 63));
      ++in_f, units += u;
      if (r % 64 == 63 || r + 1 == n) flush_word(r);
    }
    if (f) b_.CreateRetVoid();
    if (opts.per_rule) {
      auto* rule_ty = llvm::FunctionType::get(i1_, {ptr_}, false);
      for (size_t r = 0; r < n; ++r) {
        auto* one = llvm::Function::Create(rule_ty, llvm::Function::ExternalLinkage, fmt::format("rulec_rule_{}", r), m_);
        begin(one);
        b_.CreateRet(expr(plan_.roots[r]));
      }
    }
    auto* top = llvm::Function::Create(eval_ty, llvm::Function::ExternalLinkage, rt::kEvalSymbol, m_);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", top));
    for (llvm::Function* batch : batches) b_.CreateCall(batch, {top->getArg(0), top->getArg(1)});
    b_.CreateRetVoid();
  }

 private:
  // Starts a function whose first argument is the frame: loads the frame's pointers once.
  void begin(llvm::Function* f) {
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", f));
    llvm::Value* frame = f->getArg(0);
    atoms_ = b_.CreateLoad(ptr_, b_.CreateConstInBoundsGEP1_64(i8_, frame, offsetof(rt::EvalFrame, atoms)), "atoms");
    memo_ = b_.CreateLoad(ptr_, b_.CreateConstInBoundsGEP1_64(i8_, frame, offsetof(rt::EvalFrame, memo)), "memo");
    lazy_ = b_.CreateLoad(ptr_, b_.CreateConstInBoundsGEP1_64(i8_, frame, offsetof(rt::EvalFrame, lazy)), "lazy");
    frame_ = frame;
  }

  llvm::Value* expr(uint32_t id) {
    const plan::Expr& e = plan_.exprs[id];
    if (e.memo >= 0) return b_.CreateCall(memo_fn(id), {frame_});
    return compute(id);
  }

  llvm::Value* compute(uint32_t id) {
    const plan::Expr& e = plan_.exprs[id];
    switch (e.op) {
      case plan::Op::False: return llvm::ConstantInt::getFalse(ctx_);
      case plan::Op::True: return llvm::ConstantInt::getTrue(ctx_);
      case plan::Op::Atom: return atom(e.atom);
      case plan::Op::Not: return b_.CreateNot(expr(e.kids[0]));
      case plan::Op::And:
      case plan::Op::Or: {
        const bool conj = e.op == plan::Op::And;
        const Folded fold = fold_kids(plan_, e);
        // The chain: the folded eager test, the folded pattern test, then the other children.
        std::vector<std::pair<const Folded::Masks*, uint32_t>> chain;
        for (const Folded::Masks* m : {&fold.eager, &fold.patterns})
          if (!m->words.empty()) chain.emplace_back(m, 0);
        for (uint32_t k : fold.rest) chain.emplace_back(nullptr, k);
        auto link = [&](size_t i) { return chain[i].first ? mask_test(*chain[i].first, conj) : expr(chain[i].second); };
        if (chain.size() == 1) return link(0);
        llvm::Function* f = b_.GetInsertBlock()->getParent();
        auto* done = llvm::BasicBlock::Create(ctx_, conj ? "and.end" : "or.end", f);
        std::vector<std::pair<llvm::BasicBlock*, llvm::Value*>> in;
        for (size_t i = 0; i < chain.size(); ++i) {
          llvm::Value* v = link(i);
          if (i + 1 == chain.size()) {
            in.emplace_back(b_.GetInsertBlock(), v);
            b_.CreateBr(done);
            break;
          }
          auto* next = llvm::BasicBlock::Create(ctx_, conj ? "and.next" : "or.next", f);
          in.emplace_back(b_.GetInsertBlock(), llvm::ConstantInt::get(i1_, conj ? 0 : 1));
          if (conj) b_.CreateCondBr(v, next, done);
          else b_.CreateCondBr(v, done, next);
          b_.SetInsertPoint(next);
        }
        b_.SetInsertPoint(done);
        auto* phi = b_.CreatePHI(i1_, static_cast<unsigned>(in.size()));
        for (auto& [bb, v] : in) phi->addIncoming(v, bb);
        return phi;
      }
    }
    return llvm::ConstantInt::getFalse(ctx_);
  }

  // One i1 for folded children (patterns: their groups scanned first, through `lazy`).
  // Or: some word has (w & pos) | (~w & neg) != 0. And: every word has (w & pos) == pos and
  // (w & neg) == 0.
  llvm::Value* mask_test(const Folded::Masks& m, bool conj) {
    for (uint32_t a : m.scan_atoms) b_.CreateCall(lazy_ty_, lazy_, {frame_, llvm::ConstantInt::get(i32_, a)});
    llvm::Value* acc = llvm::ConstantInt::get(i64_, 0);
    for (const auto& [w, masks] : m.words) {
      llvm::Value* word = b_.CreateLoad(i64_, b_.CreateConstInBoundsGEP1_64(i64_, atoms_, w));
      auto* pos = llvm::ConstantInt::get(i64_, masks.first);
      auto* neg = llvm::ConstantInt::get(i64_, masks.second);
      // One builder call per statement: the order of the instructions must not depend on the order
      // in which a compiler evaluates call arguments (GCC and Clang differ; the IR is a golden file).
      llvm::Value* t;
      if (conj) {
        llvm::Value* off = b_.CreateAnd(word, neg);
        llvm::Value* on = b_.CreateAnd(word, pos);
        t = b_.CreateOr(b_.CreateXor(on, pos), off);
      } else {
        llvm::Value* not_word = b_.CreateNot(word);
        llvm::Value* off = b_.CreateAnd(not_word, neg);
        llvm::Value* on = b_.CreateAnd(word, pos);
        t = b_.CreateOr(on, off);
      }
      acc = b_.CreateOr(acc, t);
    }
    return conj ? b_.CreateICmpEQ(acc, llvm::ConstantInt::get(i64_, 0))
                : b_.CreateICmpNE(acc, llvm::ConstantInt::get(i64_, 0));
  }

  llvm::Value* atom(uint32_t a) {
    const plan::AtomKind k = plan_.atoms[a].kind;
    if (k == plan::AtomKind::Generic || k == plan::AtomKind::StrPattern) {  // answered on first use
      llvm::Value* r = b_.CreateCall(lazy_ty_, lazy_, {frame_, llvm::ConstantInt::get(i32_, a)});
      return b_.CreateICmpNE(r, llvm::ConstantInt::get(i32_, 0));
    }
    llvm::Value* w = b_.CreateLoad(i64_, b_.CreateConstInBoundsGEP1_64(i64_, atoms_, a / 64));
    llvm::Value* bit = b_.CreateAnd(w, llvm::ConstantInt::get(i64_, uint64_t{1} << (a % 64)));
    return b_.CreateICmpNE(bit, llvm::ConstantInt::get(i64_, 0));
  }

  // i1 memo_K(ptr frame): the shared node, computed on first use in an event.
  llvm::Function* memo_fn(uint32_t id) {
    if (memo_fns_[id]) return memo_fns_[id];
    const plan::Expr& e = plan_.exprs[id];
    auto* ty = llvm::FunctionType::get(i1_, {ptr_}, false);
    auto* f = llvm::Function::Create(ty, llvm::Function::InternalLinkage, fmt::format("shared_{}", e.memo), m_);
    memo_fns_[id] = f;
    // Save the caller's position and frame values, emit the function, restore.
    auto saved_ip = b_.saveIP();
    llvm::Value *sa = atoms_, *sm = memo_, *sl = lazy_, *sf = frame_;
    begin(f);
    llvm::Value* cell = b_.CreateConstInBoundsGEP1_64(i8_, memo_, static_cast<uint64_t>(e.memo));
    llvm::Value* m = b_.CreateLoad(i8_, cell);
    auto* hit = llvm::BasicBlock::Create(ctx_, "hit", f);
    auto* miss = llvm::BasicBlock::Create(ctx_, "miss", f);
    b_.CreateCondBr(b_.CreateICmpNE(m, llvm::ConstantInt::get(i8_, 0)), hit, miss);
    b_.SetInsertPoint(hit);
    b_.CreateRet(b_.CreateICmpEQ(m, llvm::ConstantInt::get(i8_, 2)));
    b_.SetInsertPoint(miss);
    llvm::Value* v = compute(id);
    b_.CreateStore(b_.CreateSelect(v, llvm::ConstantInt::get(i8_, 2), llvm::ConstantInt::get(i8_, 1)), cell);
    b_.CreateRet(v);
    atoms_ = sa, memo_ = sm, lazy_ = sl, frame_ = sf;
    b_.restoreIP(saved_ip);
    return f;
  }

  const plan::Plan& plan_;
  llvm::LLVMContext& ctx_;
  llvm::Module& m_;
  llvm::IRBuilder<> b_;
  llvm::Type *ptr_, *i1_, *i8_, *i32_, *i64_;
  llvm::FunctionType* lazy_ty_;
  llvm::Value *atoms_ = nullptr, *memo_ = nullptr, *lazy_ = nullptr, *frame_ = nullptr;
  std::vector<llvm::Function*> memo_fns_;
};

}  // namespace

size_t code_units(const plan::Plan& plan, uint32_t root) {
  const plan::Expr& e = plan.exprs[root];
  if (e.op == plan::Op::Not) return 1 + code_units(plan, e.kids[0]);
  if (e.op != plan::Op::And && e.op != plan::Op::Or) return 1;
  const Folded fold = fold_kids(plan, e);
  size_t units = 1 + fold.eager.words.size() + fold.patterns.words.size() + fold.patterns.scan_atoms.size();
  for (uint32_t k : fold.rest) units += plan.exprs[k].memo >= 0 ? 1 : code_units(plan, k);
  return units;
}

std::unique_ptr<llvm::Module> emit_module(const plan::Plan& plan, llvm::LLVMContext& ctx, const EmitOptions& opts) {
  auto m = std::make_unique<llvm::Module>("rulec", ctx);
  Emitter(plan, ctx, *m).emit(opts);
  auto* i32 = llvm::Type::getInt32Ty(ctx);
  auto* shape_ty = llvm::ArrayType::get(i32, 3);
  auto* shape = llvm::ConstantArray::get(
      shape_ty, {llvm::ConstantInt::get(i32, plan.roots.size()), llvm::ConstantInt::get(i32, plan.atoms.size()),
                 llvm::ConstantInt::get(i32, plan.memo_count)});
  new llvm::GlobalVariable(*m, shape_ty, true, llvm::GlobalValue::ExternalLinkage, shape, rt::kShapeSymbol);
  return m;
}

}  // namespace rulec::codegen
