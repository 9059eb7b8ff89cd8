// Tests of the decoder's field filter: kept leaves, slots and scope chains, and acceptance identical to unfiltered decoding.
#include "runtime/decoder/field_filter.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <new>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "runtime/decoder/decoder.h"

#include "common/alloc_counter.h"

namespace rulec::rt {
namespace {
namespace field_filter_test {

using Strings = std::vector<std::string>;

// A leaf as compared here: path, text, kind, slot, and its chain of scope paths (innermost first).
using L = std::tuple<std::string, std::string, ValueKind, uint32_t, Strings>;

Strings chain(const Event& ev, uint32_t scope) {
  Strings out;
  for (uint32_t s = scope; s != 0; s = ev.scopes[s].parent) {
    EXPECT_LT(ev.scopes[s].parent, s);  // parents come first: the walk terminates
    if (ev.scopes[s].parent >= s) break;
    out.emplace_back(ev.scopes[s].path);
  }
  return out;
}

std::vector<L> leaves_of(const Event& ev) {
  std::vector<L> out;
  for (const Leaf& l : ev.leaves) out.emplace_back(std::string(l.path), std::string(l.text), l.kind, l.slot, chain(ev, l.scope));
  return out;
}

// The filter's meaning, from its definition (strings, no trie).
struct Spec {
  Strings paths, prefixes;
  bool keep_all = false;
  bool keeps(std::string_view path) const {
    if (keep_all || std::find(paths.begin(), paths.end(), path) != paths.end()) return true;
    for (const auto& p : prefixes)
      if (p.empty() || path == p || (path.size() > p.size() && path.starts_with(p) && path[p.size()] == '.')) return true;
    return false;
  }
  bool in_prefix(std::string_view path) const { return keep_all || Spec{{}, prefixes, false}.keeps(path); }
  uint32_t slot(std::string_view path) const {
    const auto it = std::find(paths.begin(), paths.end(), path);
    return it == paths.end() ? kNoSlot : static_cast<uint32_t>(it - paths.begin());
  }
  std::string describe() const {
    std::string s = "paths [";
    for (const auto& p : paths) s += "'" + p + "' ";
    s += "] prefixes [";
    for (const auto& p : prefixes) s += "'" + p + "' ";
    return s + "]" + (keep_all ? " keep_all" : "");
  }
};

// What the filtered decode must give: the unfiltered leaves whose path is kept, with their slots.
std::vector<L> expected(const Event& full, const Spec& spec) {
  std::vector<L> out;
  for (const auto& [path, text, kind, slot, scopes] : leaves_of(full))
    if (spec.keeps(path)) out.emplace_back(path, text, kind, spec.slot(path), scopes);
  return out;
}

// Scope chains of every scope inside a kept subtree (those must all be kept).
std::multiset<Strings> subtree_scopes(const Event& ev, const Spec& spec) {
  std::multiset<Strings> out;
  for (uint32_t s = 1; s < ev.scopes.size(); ++s)
    if (spec.in_prefix(ev.scopes[s].path)) out.insert(chain(ev, s));
  return out;
}

// Decodes `json` without and with the filter: same error and message; on success the filtered
// leaves are the expected ones. Returns the error.
DecodeError check(std::string_view json, const Spec& spec, DecoderLimits limits = {}) {
  Decoder plain(limits), filtered(limits);
  const FieldFilter filter(spec.paths, spec.prefixes, spec.keep_all);
  filtered.set_filter(&filter);
  Event a, b;
  std::string ma, mb;
  const DecodeError ea = plain.decode(json, a, &ma);
  const DecodeError eb = filtered.decode(json, b, &mb);
  EXPECT_EQ(ea, eb) << json << "\n" << spec.describe() << "\nunfiltered: " << ma << "\nfiltered: " << mb;
  EXPECT_EQ(ma, mb) << json << "\n" << spec.describe();
  EXPECT_EQ(b.filter, &filter);
  EXPECT_EQ(a.filter, nullptr);
  if (ea != DecodeError::None || eb != DecodeError::None) {
    EXPECT_TRUE(b.leaves.empty());
    return ea;
  }
  for (const Leaf& l : a.leaves) EXPECT_EQ(l.slot, kNoSlot);
  EXPECT_EQ(leaves_of(b), expected(a, spec)) << json << "\n" << spec.describe();
  EXPECT_EQ(subtree_scopes(b, spec), subtree_scopes(a, spec)) << json << "\n" << spec.describe();
  if (spec.keep_all) {  // nothing skipped: the very same scopes
    EXPECT_EQ(b.scopes.size(), a.scopes.size()) << json;
    for (size_t s = 0; s < std::min(a.scopes.size(), b.scopes.size()); ++s) {
      EXPECT_EQ(b.scopes[s].parent, a.scopes[s].parent);
      EXPECT_EQ(b.scopes[s].path, a.scopes[s].path);
    }
  }
  return ea;
}

constexpr auto S = ValueKind::String;
constexpr auto N = ValueKind::Number;

std::vector<L> decode_with(const FieldFilter& f, std::string_view json) {
  Decoder d;
  d.set_filter(&f);
  Event ev;
  std::string msg;
  EXPECT_EQ(d.decode(json, ev, &msg), DecodeError::None) << json << ": " << msg;
  return leaves_of(ev);
}

TEST(FieldFilter, NestedDottedAndMixedFormsMatchTheSamePath) {
  const FieldFilter f({"process.parent.name"});
  const std::vector<L> want = {{"process.parent.name", "bash", S, 0, {}}};
  for (const char* doc : {R"({"process":{"parent":{"name":"bash"},"name":"x"}})", R"({"process.parent.name":"bash","n":1})",
                          R"({"process":{"parent.name":"bash","pid":1}})", R"({"process.parent":{"name":"bash"}})",
                          R"({"proc\u0065ss":{"parent\u002ename":"bash"}})"})
    EXPECT_EQ(decode_with(f, doc), want) << doc;
  EXPECT_EQ(decode_with(f, R"({"process":{"parent":{"name2":"x","nam":"y"},"parent.name.x":"z"},"processparent.name":1})"),
            std::vector<L>{});
}

TEST(FieldFilter, SlotsAreListedIndexes) {
  const FieldFilter f({"b", "a.x", "c", "a.x"});  // "a.x" twice: its first slot
  EXPECT_EQ(f.slot_count(), 4u);
  EXPECT_EQ(f.slot_of("a.x"), 1u);
  EXPECT_EQ(f.slot_of("c"), 2u);
  EXPECT_EQ(f.slot_of("a"), kNoSlot);
  EXPECT_EQ(f.slot_of("zz"), kNoSlot);
  EXPECT_EQ(f.path(3), "a.x");
  EXPECT_TRUE(f.keeps("b"));
  EXPECT_FALSE(f.keeps("a"));
  EXPECT_EQ(decode_with(f, R"({"a":{"x":[1,"y"]},"c":true,"b":null,"d":2})"),
            (std::vector<L>{{"a.x", "1", N, 1, {}},
                            {"a.x", "y", S, 1, {}},
                            {"c", "true", ValueKind::True, 2, {}},
                            {"b", "null", ValueKind::Null, 0, {}}}));
}

TEST(FieldFilter, PrefixesKeepWholeSubtreesOnSegmentBoundaries) {
  const FieldFilter f({"process.name", "host.name"}, {"process", "user.group"});
  EXPECT_EQ(decode_with(f, R"({"processor":{"x":1},"process":{"pid":7,"name":"ls","parent":{"name":"sh","args":["a","b"]},)"
                           R"("args.x":"y"},"user":{"name":"u","group":{"id":1},"groups":2},"host":{"name":"h","ip":"1"}})"),
            (std::vector<L>{{"process.pid", "7", N, kNoSlot, {}},
                            {"process.name", "ls", S, 0, {}},
                            {"process.parent.name", "sh", S, kNoSlot, {}},
                            {"process.parent.args", "a", S, kNoSlot, {}},
                            {"process.parent.args", "b", S, kNoSlot, {}},
                            {"process.args.x", "y", S, kNoSlot, {}},
                            {"user.group.id", "1", N, kNoSlot, {}},
                            {"host.name", "h", S, 1, {}}}));
  EXPECT_TRUE(f.keeps("process"));
  EXPECT_TRUE(f.keeps("process.a.b"));
  EXPECT_FALSE(f.keeps("processor"));
  EXPECT_FALSE(f.keeps("user.groups"));
  EXPECT_EQ(decode_with(FieldFilter({}, {""}), R"({"":1,"a":{"":2}})"),
            (std::vector<L>{{"", "1", N, kNoSlot, {}}, {"a.", "2", N, kNoSlot, {}}}));
}

TEST(FieldFilter, KeepAllKeepsEverythingWithSlots) {
  const FieldFilter f({"a.b", "z"}, {}, true);
  EXPECT_EQ(decode_with(f, R"({"x":1,"a":[{"b":2,"c":3}],"z":"q"})"),
            (std::vector<L>{{"x", "1", N, kNoSlot, {}},
                            {"a.b", "2", N, 0, {"a"}},
                            {"a.c", "3", N, kNoSlot, {"a"}},
                            {"z", "q", S, 1, {}}}));
}

TEST(FieldFilter, ArraysOfObjectsKeepTheirScopeChains) {
  const FieldFilter f({"a.b.c", "a.n"});
  Decoder d;
  d.set_filter(&f);
  Event ev;
  ASSERT_EQ(d.decode(R"({"x":[{"y":1}],"a":[{"n":1,"m":0,"b":[{"c":1},{"d":2}]},{"n":2,"b":[{"c":3}]}]})", ev), DecodeError::None);
  EXPECT_EQ(leaves_of(ev), (std::vector<L>{{"a.n", "1", N, 1, {"a"}},
                                           {"a.b.c", "1", N, 0, {"a.b", "a"}},
                                           {"a.n", "2", N, 1, {"a"}},
                                           {"a.b.c", "3", N, 0, {"a.b", "a"}}}));
  for (const Leaf& l : ev.leaves) EXPECT_NE(l.scope, 0u);
  // Dotted and nested forms of the same arrays give the same chains.
  EXPECT_EQ(decode_with(f, R"({"a.b":[{"c":1}],"a":{"b":[[{"c":2}]]}})"),
            (std::vector<L>{{"a.b.c", "1", N, 0, {"a.b"}}, {"a.b.c", "2", N, 0, {"a.b"}}}));
}

TEST(FieldFilter, OddKeysFlattenAsWithoutFilter) {
  const Spec spec{{"", "a.", ".a", "a..b", "b.", "k\"q", "é.x", "a.b"}, {}, false};
  for (const char* doc : {R"({"":1,"a.":2,".a":3,"a..b":4,"a":{"":5,".b":6,"b":7},"":{"":{"a":8}},"b":{"":9}})",
                          R"({"k\"q":1,"\u00e9":{"x":2},"a\u002e":{"b":3},"a":{"\u002eb":4}})", R"({"":{"":{"":1}}})"})
    check(doc, spec);
  EXPECT_EQ(decode_with(FieldFilter(spec.paths), R"({"":{"":{"a.":1}},"a":{"":{"b":2}}})"),
            (std::vector<L>{{"a.", "1", N, 1, {}}, {"a..b", "2", N, 3, {}}}));
}

// Keys are looked up as words (8 bytes at a time): every length, and keys one byte off anywhere.
TEST(FieldFilter, SegmentsOfEveryLength) {
  Strings paths;
  for (size_t len = 1; len <= 24; ++len) {
    std::string seg;
    for (size_t k = 0; k < len; ++k) seg += static_cast<char>('a' + (len + k) % 26);
    paths.push_back("p." + seg);
  }
  const FieldFilter f(paths);
  std::string doc = "{\"p\":{";
  std::vector<L> want;
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string seg = paths[i].substr(2);
    doc += '"';  // (char appends: GCC 12 warns on "lit" + string)
    doc += seg + "\":" + std::to_string(i) + ",";
    want.emplace_back(paths[i], std::to_string(i), N, static_cast<uint32_t>(i), Strings{});
    for (size_t at = 0; at < seg.size(); ++at) {  // one byte off, one byte short, one byte longer
      std::string off = seg;
      off[at] = off[at] == 'z' ? 'y' : 'z';
      doc += '"';
      doc += off + "\":-1,\"" + seg.substr(0, at) + "\":-2,\"" + seg + off[at] + "\":-3,";
    }
    doc += '"';
    doc += seg.substr(0, seg.size() / 2) + "." + seg.substr(seg.size() / 2) + "\":-4,";  // a dot inside
  }
  doc.back() = '}';
  doc += "}";
  EXPECT_EQ(decode_with(f, doc), want);
  check(doc, Spec{paths, {}, false});
}

// Children alike in their first and last 8 bytes, of one length: no table seed separates them.
TEST(FieldFilter, LongSegmentsAlikeAtBothEnds) {
  const Strings paths = {"n.aaaaaaaa_1_bbbbbbbb", "n.aaaaaaaa_2_bbbbbbbb", "n.aaaaaaaa_3_bbbbbbbb", "n.x", "n.yy"};
  const FieldFilter f(paths);
  EXPECT_EQ(decode_with(f, R"({"n":{"aaaaaaaa_3_bbbbbbbb":3,"x":4,"aaaaaaaa_4_bbbbbbbb":0,"aaaaaaaa_1_bbbbbbbb":1,)"
                           R"("yy":5,"y":0,"aaaaaaaa_2_bbbbbbbb":2,"aaaaaaaa_2_bbbbbbbbb":0}})"),
            (std::vector<L>{{"n.aaaaaaaa_3_bbbbbbbb", "3", N, 2, {}},
                            {"n.x", "4", N, 3, {}},
                            {"n.aaaaaaaa_1_bbbbbbbb", "1", N, 0, {}},
                            {"n.yy", "5", N, 4, {}},
                            {"n.aaaaaaaa_2_bbbbbbbb", "2", N, 1, {}}}));
  for (size_t i = 0; i < paths.size(); ++i) EXPECT_EQ(f.slot_of(paths[i]), i);
}

TEST(FieldFilter, LeafPathsPointIntoTheFilter) {
  const FieldFilter f({"a.b"}, {"c"});
  Decoder d;
  d.set_filter(&f);
  EXPECT_EQ(d.filter(), &f);
  Event ev;
  ASSERT_EQ(d.decode(R"({"a":{"b":1},"c":{"d":2}})", ev), DecodeError::None);
  ASSERT_EQ(ev.leaves.size(), 2u);
  EXPECT_EQ(ev.leaves[0].path.data(), f.path(0).data());  // listed: no path built
  EXPECT_EQ(ev.leaves[1].path, "c.d");
  d.set_filter(nullptr);  // back to every leaf
  ASSERT_EQ(d.decode(R"({"a":{"b":1},"c":{"d":2},"e":3})", ev), DecodeError::None);
  EXPECT_EQ(ev.leaves.size(), 3u);
  EXPECT_EQ(ev.filter, nullptr);
}

TEST(FieldFilter, EventReaderPassesItOn) {
  char path[] = "/tmp/rulec_filter_test_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string data = "{\"a\":1,\"b\":{\"c\":2}}\n{\"b\":{\"c\":2},\"x\":tru}\n{\"b.c\":3}\n";
  ASSERT_EQ(write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  close(fd);
  const FieldFilter f({"b.c"});
  EventReader reader({path});
  reader.set_filter(&f);
  Event ev;
  std::vector<L> got;
  while (reader.next(ev)) {
    EXPECT_EQ(ev.filter, &f);
    for (auto& l : leaves_of(ev)) got.push_back(l);
  }
  unlink(path);
  EXPECT_EQ(got, (std::vector<L>{{"b.c", "2", N, 0, {}}, {"b.c", "3", N, 0, {}}}));
  EXPECT_EQ(reader.lines_skipped(), 1u);  // the bad literal, though filtered out
}

// Faults inside fields the filter skips: refused exactly as without the filter.
TEST(FieldFilter, MalformedSkippedPartsAreRefusedTheSame) {
  const std::vector<Spec> specs = {{{"keep.me"}, {}, false}, {{}, {"keep"}, false}, {{}, {}, false},
                                   {{"keep.me", "skip.zz"}, {}, false}, {{"keep.me"}, {}, true}};
  size_t cases = 0;
  for (const char* bad :
       {R"({"keep":{"me":1},"skip":{"a":tru}})", R"({"skip":[1,2,01],"keep.me":1})", R"({"skip":{"x":"\q"}})",
        R"({"skip":{"\q":1}})", R"({"skip":"\ud800"})", R"({"skip":"\u12"})", R"({"skip":{"a":1,}})", R"({"skip":{"a" 1}})",
        R"({"skip":[1 2]})", R"({"skip":{"a":"x"y}})", R"({"skip":-})", R"({"skip":1.})", R"({"skip":.5})",
        R"({"skip":+1})", R"({"skip":1e})", R"({"skip":NaN})", R"({"skip":nul})", R"({"skip":falsey})",
        R"({"skip":{"a":[1,2}})", R"({"skip":{a:1}})", R"({"skip":{"a":}})", R"({"skip":[1,]})", R"({"skip":{1:2}})",
        R"({"skip":[{"a":1},{"b":[true,"x",-0.5e+]}]})", R"({"skip":1} x)", R"({"skip":1}})", R"({"skip":{"a":1})",
        R"({"keep":{"me":1,"other":tru}})", R"({"keep":[{"me":1},{"x":01}]})", R"({"keep":01})", R"({"keep":{"me":"\x"}})",
        R"({"keep":[1,{"me":2},[tru]]})", R"({"skip.x":"abc)", "{\"skip\":\"a\tb\"}", "{\"skip\":\"\xFF\"}",
        "{\"skip\":{\"\xC0\xAF\":1}}", "{\"keep\":{\"me\":1},\"skip\":[\"\xED\xA0\x80\"]}", "{\"skip\":1}\x80",
        R"({"keep":{"me":1},"skip":{"k\u00":1}})", R"({"skip":"x", "keep":{"me":[1,2,)"}) {
    for (const Spec& spec : specs) {
      EXPECT_NE(check(bad, spec), DecodeError::None) << bad;
      ++cases;
    }
  }
  // Too deep inside a skipped field, within an array and an object.
  DecoderLimits three;
  three.max_depth = 3;
  for (const char* deep : {R"({"keep":{"me":1},"skip":{"a":{"b":{}}}})", R"({"skip":[[[1]]],"keep.me":1})",
                           R"({"keep":{"x":[[1]]}})", R"({"keep":{"me":[{"a":{}}]}})"}) {
    for (const Spec& spec : specs) EXPECT_EQ(check(deep, spec, three), DecodeError::TooDeep) << deep;
  }
  std::string nested = "{\"skip\":";
  for (int k = 0; k < 300; ++k) nested += "[";
  EXPECT_EQ(check(nested + std::string(300, ']') + ",\"keep.me\":1}", specs[0]), DecodeError::TooDeep);
  EXPECT_GT(cases, 150u);
}

// ---- Property tests over generated documents -------------------------------------------------

struct Rng {
  uint64_t s;
  uint64_t next() {  // splitmix64
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  bool chance(size_t one_in) { return below(one_in) == 0; }
};

// Keys as JSON text: plain, dotted, empty, escaped (an escaped dot is a dot).
const char* const kKeys[] = {"a", "b", "c", "a", "b", "process", "name", "a.b", "b.c", "", ".", "a.", ".b",
                             "a\\u002eb", "k\\\"q", "\\u00e9", "x.y.z", "process.name", "a..b"};
const char* const kScalars[] = {"1", "-0", "1.5e3", "0.10", "123456789012345678901234567890", "-2E-2", "true",
                                "false", "null", "\"s\"", "\"\"", "\"x\\ny\"", "\"caf\\u00e9\"", "\"\\ud83d\\ude00\"",
                                "\"é\"", "\"a\\\\b\""};

void gen_value(Rng& r, int depth, std::string& out);

void gen_object(Rng& r, int depth, std::string& out) {
  out += '{';
  for (size_t k = r.below(depth > 3 ? 2 : 5); k > 0; --k) {
    out += '"';
    out += kKeys[r.below(std::size(kKeys))];
    out += r.chance(8) ? "\" : " : "\":";
    gen_value(r, depth + 1, out);
    if (k > 1) out += r.chance(8) ? " , " : ",";
  }
  out += '}';
}

void gen_value(Rng& r, int depth, std::string& out) {
  const size_t pick = depth > 4 ? 0 : r.below(10);
  if (pick < 5) {
    out += kScalars[r.below(std::size(kScalars))];
  } else if (pick < 7) {
    gen_object(r, depth, out);
  } else {  // arrays: of scalars, of objects, of arrays, mixed
    out += '[';
    for (size_t k = r.below(4); k > 0; --k) {
      if (r.chance(2)) gen_object(r, depth + 1, out);
      else gen_value(r, depth + 1, out);
      if (k > 1) out += ',';
    }
    out += ']';
  }
}

// A filter drawn from the document's own paths (and their prefixes), plus paths it lacks.
Spec random_spec(Rng& r, const Event& full) {
  Strings known;
  for (const Leaf& l : full.leaves) known.emplace_back(l.path);
  for (size_t s = 1; s < full.scopes.size(); ++s) known.emplace_back(full.scopes[s].path);
  for (size_t i = 0, n = known.size(); i < n; ++i) {
    const size_t dot = known[i].rfind('.');
    if (dot != std::string::npos) known.push_back(known[i].substr(0, dot));
  }
  for (const char* extra : {"", "a", "a.b", "zz", "a.b.c", "process.name", "b.c.a", "a.a.a"}) known.emplace_back(extra);
  Spec spec;
  for (size_t k = r.below(7); k > 0; --k) spec.paths.push_back(known[r.below(known.size())]);
  if (r.chance(2))
    for (size_t k = 1 + r.below(2); k > 0; --k) spec.prefixes.push_back(known[r.below(known.size())]);
  spec.keep_all = r.chance(10);
  return spec;
}

TEST(FieldFilterProperty, FilteredIsUnfilteredRestrictedToKeptPaths) {
  Rng r{7};
  Decoder plain;
  size_t docs = 0, kept = 0, total = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string doc;
    gen_object(r, 0, doc);
    Event full;
    ASSERT_EQ(plain.decode(doc, full), DecodeError::None) << doc;
    for (int f = 0; f < 4; ++f) {
      const Spec spec = random_spec(r, full);
      ASSERT_EQ(check(doc, spec), DecodeError::None);
      kept += expected(full, spec).size();
      total += full.leaves.size();
      if (HasFailure()) return;
    }
    ++docs;
  }
  EXPECT_EQ(docs, 4000u);
  EXPECT_GT(kept, total / 10);  // the filters do keep things...
  EXPECT_LT(kept, total / 2);   // ...and leave things out
}

TEST(FieldFilterProperty, DamagedDocumentsAreRefusedTheSame) {
  Rng r{11};
  Decoder plain;
  const char kBytes[] = "{}[],:\"\\ 0123456789tfnlruex.eE+-\x80\xff\t";
  std::map<DecodeError, size_t> refused;
  size_t accepted = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string doc;
    gen_object(r, 0, doc);
    Event full;
    ASSERT_EQ(plain.decode(doc, full), DecodeError::None) << doc;
    std::vector<Spec> specs;
    for (int f = 0; f < 3; ++f) specs.push_back(random_spec(r, full));
    for (size_t m = r.below(3); m > 0; --m) {  // delete, insert or replace a byte (or none: depth alone)
      const size_t at = r.below(doc.size());
      const char b = kBytes[r.below(sizeof kBytes - 1)];
      switch (r.below(3)) {
        case 0: doc.erase(at, 1); break;
        case 1: doc.insert(at, 1, b); break;
        default: doc[at] = b;
      }
    }
    DecoderLimits limits;
    if (r.chance(4)) limits.max_depth = 1 + r.below(5);
    for (const Spec& spec : specs) {
      const DecodeError e = check(doc, spec, limits);
      if (e == DecodeError::None) ++accepted;
      else ++refused[e];
    }
    if (HasFailure()) return;
  }
  // Most damage is refused, the rest decodes the same; every kind of refusal is met.
  EXPECT_GT(refused[DecodeError::BadJson], accepted);
  EXPECT_GT(refused[DecodeError::BadUtf8], 100u);
  EXPECT_GT(refused[DecodeError::TooDeep], 100u);
  EXPECT_GT(accepted, 1000u);
}

TEST(FieldFilter, NoAllocationAfterWarmUp) {
  const FieldFilter f({"a.b", "d.e", "n", "k\"ey", "zz"}, {"d.f"});
  Decoder d;
  d.set_filter(&f);
  const std::vector<std::string> docs = {
      R"({"a":{"b":"x","c":[1,2,3]},"d":[{"e":"\u00e9\ud83d\ude00"},{"e":"plain","f":[{"g":null}]}]})",
      R"({"process.args":["ls","-la"],"n":1.0e3,"t":true,"k\"ey":"v","d.f.x":{"y":1}})", R"({"bad":)", "[1,2]", "  "};
  Event ev;
  for (int warm = 0; warm < 2; ++warm)
    for (const auto& doc : docs) (void)d.decode(doc, ev);
  const uint64_t before = g_allocations.load();
  size_t leaves = 0;
  for (int round = 0; round < 200; ++round)
    for (const auto& doc : docs)
      if (d.decode(doc, ev) == DecodeError::None) leaves += ev.leaves.size();
  EXPECT_EQ(g_allocations.load() - before, 0u);
  EXPECT_EQ(leaves, 200u * (4 + 3));
}

}  // namespace field_filter_test
}  // namespace
}  // namespace rulec::rt
