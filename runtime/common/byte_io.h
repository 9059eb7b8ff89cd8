// Little-endian byte writer and bounds-checked reader: the encoding of every bundle section.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace rulec::rt {

// Appends fixed-width little-endian integers and length-prefixed byte strings.
class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { put(v); }
  void u64(uint64_t v) { put(v); }
  void i64(int64_t v) { put(static_cast<uint64_t>(v)); }
  void f64(double v) {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    put(b);
  }
  void boolean(bool v) { u8(v ? 1 : 0); }
  // u32 length, then the bytes.
  void str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  void raw(std::string_view s) { out_.append(s); }
  void strs(const std::vector<std::string>& v) {
    u32(static_cast<uint32_t>(v.size()));
    for (const auto& s : v) str(s);
  }
  size_t size() const { return out_.size(); }
  // Overwrites a u32 written earlier at `offset` (sizes known only later).
  void patch_u32(size_t offset, uint32_t v) {
    for (int i = 0; i < 4; ++i) out_[offset + i] = static_cast<char>((v >> (8 * i)) & 0xff);
  }
  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  template <class T>
  void put(T v) {
    for (size_t i = 0; i < sizeof(T); ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

// Reads what ByteWriter wrote. Every read checks the bounds; the first failure makes the reader
// fail (ok() false) and every later read return zero values, so a decoder may read a whole record
// and check once. fail() records the first reason with the offset where it happened.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  uint8_t u8() { return static_cast<uint8_t>(get(1)); }
  uint32_t u32() { return static_cast<uint32_t>(get(4)); }
  uint64_t u64() { return get(8); }
  int64_t i64() { return static_cast<int64_t>(get(8)); }
  double f64() {
    uint64_t b = get(8);
    double v;
    std::memcpy(&v, &b, 8);
    return v;
  }
  bool boolean() {
    uint8_t v = u8();
    if (v > 1) fail("a boolean is neither 0 nor 1");
    return v == 1;
  }
  // A length-prefixed string; views point into the reader's data.
  std::string_view view() {
    const uint32_t n = u32();
    return raw(n);
  }
  std::string str() { return std::string(view()); }
  std::string_view raw(size_t n) {
    if (!ok_) return {};
    if (n > data_.size() - pos_) {
      fail(std::to_string(n) + " bytes run past the end of the section");
      return {};
    }
    std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  // A count of records that each take at least `min_record_bytes`: refused when the remaining
  // bytes cannot hold that many (a corrupt count never triggers a huge allocation).
  uint32_t count(size_t min_record_bytes) {
    uint32_t n = u32();
    if (ok_ && min_record_bytes && n > (data_.size() - pos_) / min_record_bytes) {
      fail("a count of " + std::to_string(n) + " records does not fit in its section");
      return 0;
    }
    return ok_ ? n : 0;
  }
  std::vector<std::string> strs() {
    std::vector<std::string> v(count(4));
    for (auto& s : v) s = str();
    return v;
  }
  // A value that must be below `limit` (an index into another table).
  uint32_t index(uint32_t limit, const char* what) {
    uint32_t v = u32();
    if (ok_ && v >= limit) fail(std::string(what) + " " + std::to_string(v) + " is out of range (limit " + std::to_string(limit) + ")");
    return ok_ ? v : 0;
  }
  void fail(const std::string& why) {
    if (!ok_) return;
    ok_ = false;
    error_ = why + " (at byte " + std::to_string(pos_) + ")";
  }
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == data_.size(); }
  size_t pos() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  const std::string& error() const { return error_; }

 private:
  uint64_t get(size_t n) {
    if (!ok_) return 0;
    if (n > data_.size() - pos_) {
      fail("the data ends in the middle of a value");
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t{static_cast<uint8_t>(data_[pos_ + i])} << (8 * i);
    pos_ += n;
    return v;
  }
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
  std::string error_;
};

}  // namespace rulec::rt
