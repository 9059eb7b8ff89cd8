// LLVM IR emission: short-circuit code for each rule's DAG, memo functions for shared nodes.
#include "compiler/codegen/ir_emitter.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Verifier.h>

#include <fmt/format.h>

#include "runtime/eval/eval_abi.h"

namespace rulec::codegen {

namespace {

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
    for (size_t first = 0; first < n; first += per) {
      auto* f = llvm::Function::Create(eval_ty, llvm::Function::InternalLinkage, fmt::format("rules_{}", first), m_);
      f->addFnAttr(llvm::Attribute::NoInline);
      begin(f);
      for (size_t w = first; w < std::min(n, first + per); w += 64) {
        llvm::Value* word = llvm::ConstantInt::get(i64_, 0);
        for (size_t r = w; r < std::min(n, w + 64); ++r) {
          llvm::Value* v = expr(plan_.roots[r]);
          word = b_.CreateOr(word, b_.CreateShl(b_.CreateZExt(v, i64_), r & 63));
        }
        llvm::Value* slot = b_.CreateConstInBoundsGEP1_64(i64_, f->getArg(1), w / 64);
        b_.CreateStore(b_.CreateOr(b_.CreateLoad(i64_, slot), word), slot);
      }
      b_.CreateRetVoid();
      batches.push_back(f);
    }
    if (opts.per_rule) {
      auto* rule_ty = llvm::FunctionType::get(i1_, {ptr_}, false);
      for (size_t r = 0; r < n; ++r) {
        auto* f = llvm::Function::Create(rule_ty, llvm::Function::ExternalLinkage, fmt::format("rulec_rule_{}", r), m_);
        begin(f);
        b_.CreateRet(expr(plan_.roots[r]));
      }
    }
    auto* top = llvm::Function::Create(eval_ty, llvm::Function::ExternalLinkage, rt::kEvalSymbol, m_);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", top));
    for (llvm::Function* f : batches) b_.CreateCall(f, {top->getArg(0), top->getArg(1)});
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
        llvm::Function* f = b_.GetInsertBlock()->getParent();
        auto* done = llvm::BasicBlock::Create(ctx_, conj ? "and.end" : "or.end", f);
        std::vector<std::pair<llvm::BasicBlock*, llvm::Value*>> in;
        for (size_t i = 0; i < e.kids.size(); ++i) {
          llvm::Value* v = expr(e.kids[i]);
          if (i + 1 == e.kids.size()) {
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
