// The bundle encoding of a GenericProgram: encode_generic and the bounds-checked decode_generic.
#include <cstring>

#include "runtime/eval/generic_tests.h"

namespace rulec::rt {

namespace {

constexpr uint32_t kVersion = 1;

void put_glob(ByteWriter& w, const Glob& g) {
  w.boolean(g.ascii_ci());
  w.u32(static_cast<uint32_t>(g.items().size()));
  for (int v : g.items()) w.u32(static_cast<uint32_t>(v));
}

Glob get_glob(ByteReader& r) {
  const bool ci = r.boolean();
  std::vector<int> items(r.count(4));
  for (int& v : items) v = static_cast<int>(r.u32());
  auto g = Glob::from_items(std::move(items), ci);
  if (!g) {
    r.fail("a glob item is neither a byte nor a wildcard");
    return Glob{};
  }
  return *g;
}

void put_ip(ByteWriter& w, const IpAddr& ip) {
  w.raw(std::string_view(reinterpret_cast<const char*>(ip.bytes.data()), ip.bytes.size()));
}

IpAddr get_ip(ByteReader& r) {
  IpAddr ip;
  const std::string_view b = r.raw(ip.bytes.size());
  if (b.size() == ip.bytes.size()) std::memcpy(ip.bytes.data(), b.data(), b.size());
  return ip;
}

void put_prepared(ByteWriter& w, const Prepared& p) {
  w.u8(static_cast<uint8_t>(p.mode));
  w.u8(static_cast<uint8_t>(p.op));
  w.boolean(p.ascii_ci);
  w.boolean(p.flag);
  w.boolean(p.date_range);
  w.boolean(p.date_uses_now);
  w.i64(p.date_now);
  w.str(p.text);
  put_glob(w, p.glob);
  w.strs(p.tokens);
  w.u32(static_cast<uint32_t>(p.pieces.size()));
  for (const auto& piece : p.pieces) {
    w.boolean(piece.wildcard);
    put_glob(w, piece.glob);
    w.strs(piece.tokens);
  }
  w.boolean(p.num.is_int);
  w.i64(p.num.i);
  w.f64(p.num.d);
  put_ip(w, p.ip);
  put_ip(w, p.cidr.addr);
  w.u8(p.cidr.prefix);
  w.i64(p.dates.lo);
  w.i64(p.dates.hi);
}

void get_prepared(ByteReader& r, Prepared& p) {
  const uint8_t mode = r.u8();
  if (mode > static_cast<uint8_t>(Prepared::Mode::DateIn)) r.fail("a value's mode is out of range");
  p.mode = static_cast<Prepared::Mode>(r.ok() ? mode : 0);
  const uint8_t op = r.u8();
  if (op > static_cast<uint8_t>(RangeOp::Ge)) r.fail("a range operator is out of range");
  p.op = static_cast<RangeOp>(r.ok() ? op : 0);
  p.ascii_ci = r.boolean();
  p.flag = r.boolean();
  p.date_range = r.boolean();
  p.date_uses_now = r.boolean();
  p.date_now = r.i64();
  p.text = r.str();
  p.glob = get_glob(r);
  p.tokens = r.strs();
  // A piece takes at least 1 + 5 + 4 bytes.
  p.pieces.resize(r.count(10));
  for (auto& piece : p.pieces) {
    piece.wildcard = r.boolean();
    piece.glob = get_glob(r);
    piece.tokens = r.strs();
  }
  p.num.is_int = r.boolean();
  p.num.i = r.i64();
  p.num.d = r.f64();
  p.ip = get_ip(r);
  p.cidr.addr = get_ip(r);
  p.cidr.prefix = r.u8();
  if (p.cidr.prefix > 128) r.fail("a CIDR prefix is over 128");
  p.dates.lo = r.i64();
  p.dates.hi = r.i64();
}

void put_info(ByteWriter& w, const FieldInfo& i) {
  w.u8(static_cast<uint8_t>(i.type));
  w.u32(i.ignore_above);
  w.boolean(i.lowercase);
  w.boolean(i.known);
}

FieldType get_type(ByteReader& r) {
  const uint8_t t = r.u8();
  if (t >= kFieldTypeCount) r.fail("a field type is out of range");
  return r.ok() ? static_cast<FieldType>(t) : FieldType::Keyword;
}

FieldInfo get_info(ByteReader& r) {
  FieldInfo i;
  i.type = get_type(r);
  i.ignore_above = r.u32();
  i.lowercase = r.boolean();
  i.known = r.boolean();
  return i;
}

std::vector<uint32_t> get_indexes(ByteReader& r, uint32_t limit, const char* what) {
  std::vector<uint32_t> v(r.count(4));
  for (auto& x : v) x = r.index(limit, what);
  return v;
}

}  // namespace

void encode_generic(ByteWriter& w, const GenericProgram& p) {
  w.u32(kVersion);
  w.u32(static_cast<uint32_t>(p.fields.size()));
  for (const auto& f : p.fields) {
    w.str(f.name);
    put_info(w, f.info);
  }
  w.u32(static_cast<uint32_t>(p.values.size()));
  for (const auto& v : p.values) {
    w.u8(static_cast<uint8_t>(v.type));
    w.boolean(v.lower);
    put_prepared(w, v.test);
  }
  w.u32(static_cast<uint32_t>(p.nodes.size()));
  for (const auto& n : p.nodes) {
    w.u8(static_cast<uint8_t>(n.kind));
    w.u32(static_cast<uint32_t>(n.kids.size()));
    for (uint32_t k : n.kids) w.u32(k);
    w.str(n.field);
    w.boolean(n.wildcard);
    put_glob(w, n.glob);
    w.u32(static_cast<uint32_t>(n.expansion.size()));
    for (uint32_t e : n.expansion) w.u32(e);
    w.u32(static_cast<uint32_t>(n.values.size()));
    for (uint32_t v : n.values) w.u32(v);
  }
  w.u32(static_cast<uint32_t>(p.roots.size()));
  for (uint32_t r : p.roots) w.u32(r);
}

bool decode_generic(ByteReader& r, GenericProgram& p, uint32_t atom_count, std::string& error) {
  p = GenericProgram{};
  if (r.u32() != kVersion && r.ok()) r.fail("unknown on-demand test format version");
  // Minimum record sizes: a field 4 + 7 bytes, a value 2 + 97, a node 1 + 4 + 4 + 1 + 5 + 4 + 4.
  p.fields.resize(r.count(11));
  for (auto& f : p.fields) {
    f.name = r.str();
    f.info = get_info(r);
  }
  p.values.resize(r.count(99));
  for (auto& v : p.values) {
    v.type = get_type(r);
    v.lower = r.boolean();
    get_prepared(r, v.test);
  }
  p.nodes.resize(r.count(23));
  for (uint32_t i = 0; i < p.nodes.size() && r.ok(); ++i) {
    GenericNode& n = p.nodes[i];
    const uint8_t kind = r.u8();
    if (kind >= GenericNode::kKindCount) r.fail("a node kind is out of range");
    n.kind = static_cast<GenericNode::Kind>(r.ok() ? kind : 0);
    n.kids = get_indexes(r, i, "a node's kid");
    n.field = r.str();
    n.wildcard = r.boolean();
    n.glob = get_glob(r);
    n.expansion = get_indexes(r, static_cast<uint32_t>(p.fields.size()), "a field index");
    n.values = get_indexes(r, static_cast<uint32_t>(p.values.size()), "a value index");
  }
  p.roots.resize(r.count(4));
  for (auto& root : p.roots) {
    root = r.u32();
    if (root != GenericProgram::kNoNode && root >= p.nodes.size() && r.ok()) r.fail("an atom's root is out of range");
  }
  if (!r.ok()) {
    error = "on-demand tests: " + r.error();
    p = GenericProgram{};
    return false;
  }
  if (!validate_generic(p, atom_count, error)) {
    p = GenericProgram{};
    return false;
  }
  return true;
}

}  // namespace rulec::rt
