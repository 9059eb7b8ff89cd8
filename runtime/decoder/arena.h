// A reusable bump allocator for decoded paths: blocks are kept across resets, so steady-state decoding does not allocate.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace rulec::rt {

// Copies strings into stable storage. Views stay valid until reset(); blocks never move, and
// reset() rewinds without freeing, so after warm-up copy() does not allocate.
class Arena {
 public:
  explicit Arena(size_t block_size = 64 * 1024) : block_size_(block_size) {}

  void reset() {
    cur_ = 0;
    used_ = 0;
  }

  // Room for n bytes, to be filled by the caller.
  char* alloc(size_t n) {
    if (blocks_.empty() || used_ + n > blocks_[cur_].size) next_block(n);
    char* dst = blocks_[cur_].data.get() + used_;
    used_ += n;
    return dst;
  }

  std::string_view copy(std::string_view s) {
    char* dst = alloc(s.size());
    if (!s.empty()) std::memcpy(dst, s.data(), s.size());
    return {dst, s.size()};
  }

  size_t blocks() const { return blocks_.size(); }

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size = 0;
  };

  // Moves to the next kept block that can hold n bytes, or adds one. (Out of line: keeps copy() small.)
  [[gnu::noinline, gnu::cold]] void next_block(size_t n) {
    while (!blocks_.empty() && cur_ + 1 < blocks_.size()) {
      ++cur_;
      used_ = 0;
      if (blocks_[cur_].size >= n) return;
    }
    const size_t size = n > block_size_ ? n : block_size_;
    blocks_.push_back(Block{std::make_unique_for_overwrite<char[]>(size), size});
    cur_ = blocks_.size() - 1;
    used_ = 0;
  }

  size_t block_size_;
  std::vector<Block> blocks_;
  size_t cur_ = 0;   // block being filled
  size_t used_ = 0;  // bytes used in it
};

}  // namespace rulec::rt
