// Bundle sections: rules (RuleInfo + source), program tables and Hyperscan databases, bounds-checked.
#include "runtime/loader/sections.h"

#include <algorithm>

#include <fmt/format.h>

namespace rulec::rt {

namespace {

constexpr uint32_t kMaxTermFields = 16;

void put_fields(ByteWriter& w, const std::vector<TermField>& f) {
  w.u32(static_cast<uint32_t>(f.size()));
  for (const auto& t : f) w.str(t.path), w.u32(t.ignore_above);
}

std::vector<TermField> get_fields(ByteReader& r) {
  std::vector<TermField> f(r.count(8));
  if (f.size() > kMaxTermFields) r.fail("too many term fields");
  if (!r.ok()) return {};
  for (auto& t : f) t.path = r.str(), t.ignore_above = r.u32();
  return f;
}

// A typed test's operator on the wire: -2 <, -1 <=, 1 >=, 2 > for the range kinds, 0 for the
// others; numeric equality is written -1 (as the first format did, so bundles stay identical).
bool has_range_op(TypedTestSpec::Kind k) {
  using K = TypedTestSpec::Kind;
  return k == K::NumRange || k == K::IpRange || k == K::BoolRange || k == K::StrRange;
}

int8_t wire_op(const TypedTestSpec& t) {
  if (!has_range_op(t.kind)) return t.kind == TypedTestSpec::Kind::NumEqual ? -1 : 0;
  switch (t.op) {
    case RangeOp::Lt: return -2;
    case RangeOp::Le: return -1;
    case RangeOp::Ge: return 1;
    case RangeOp::Gt: return 2;
  }
  return 0;
}

// Sets t.op from its wire code; false when the code is not one the kind can have.
bool op_from_wire(TypedTestSpec& t, int8_t code) {
  if (!has_range_op(t.kind)) return code >= -2 && code <= 2;
  switch (code) {
    case -2: t.op = RangeOp::Lt; break;
    case -1: t.op = RangeOp::Le; break;
    case 1: t.op = RangeOp::Ge; break;
    case 2: t.op = RangeOp::Gt; break;
    default: return false;
  }
  // A numeric range's bound is inclusive (the compiler adjusts exclusive ones).
  return t.kind != TypedTestSpec::Kind::NumRange || t.op == RangeOp::Le || t.op == RangeOp::Ge;
}

// A rule's threat_match part and value-list exception items (format 6): a threat_match rule has at least one mapping, each with
// at least one entry, and a selection program that decodes; any other rule has none of them.
void read_threat(ByteReader& r, RuleInfo& i) {
  constexpr uint32_t kMaxMappings = 64, kMaxEntries = 16;
  i.threat_mapping.resize(r.count(4));
  if (i.threat_mapping.size() > kMaxMappings) r.fail("too many threat mappings");
  for (auto& mapping : i.threat_mapping) {
    if (!r.ok()) return;
    mapping.resize(r.count(14));
    if (mapping.empty() || mapping.size() > kMaxEntries) r.fail("a threat mapping with no entry or too many");
    for (auto& e : mapping) {
      if (!r.ok()) return;
      e.field = r.str(), e.value = r.str();
      const uint8_t compare = r.u8();
      if (compare >= kThreatCompareCount) r.fail(fmt::format("unknown threat comparison {}", compare));
      e.compare = static_cast<ThreatCompare>(compare);
      e.ignore_above = r.u32();
      if (r.ok() && (e.field.empty() || e.value.empty())) r.fail("a threat mapping entry without its fields");
    }
  }
  i.threat_indicator_path = r.str(), i.threat_selector = r.str();
  i.value_list_items.resize(r.count(4));
  if (i.value_list_items.size() > kMaxMappings) r.fail("too many value-list exception items");
  for (auto& item : i.value_list_items) {
    if (!r.ok()) return;
    item.resize(r.count(17));
    if (item.empty() || item.size() > kMaxEntries) r.fail("a value-list exception item with no entry or too many");
    for (auto& e : item) {
      if (!r.ok()) return;
      e.field = r.str(), e.list_id = r.str(), e.list_type = r.str(), e.included = r.boolean(), e.ignore_above = r.u32();
      if (r.ok() && (e.field.empty() || e.list_id.empty())) r.fail("a value-list exception entry without its field or list");
    }
  }
  if (!r.ok()) return;
  const bool threat = i.kind == DetectionKind::ThreatMatch;
  if (threat != !i.threat_mapping.empty() || (threat && i.threat_indicator_path.empty()))
    return r.fail(fmt::format("rule \"{}\": threat mapping inconsistent with its type", i.rule_id));
  if (!threat) return;
  ByteReader sel(i.threat_selector);
  GenericProgram program;
  std::string why;
  if (!decode_generic(sel, program, 1, why) || !sel.at_end())
    r.fail(fmt::format("rule \"{}\": indicator selection: {}", i.rule_id, why.empty() ? "trailing bytes" : why));
}

// An EQL sequence's terms and a sequence term's place (format 7).
void put_sequence_term(ByteWriter& w, const SequenceTermSpec& t) {
  put_fields(w, t.keys);
  for (uint8_t o : t.optional) w.u8(o);
  w.boolean(t.missing);
  w.i64(t.runs);
}

void get_sequence_term(ByteReader& r, SequenceTermSpec& t) {
  t.keys = get_fields(r);
  t.optional.clear();
  for (size_t k = 0; k < t.keys.size() && r.ok(); ++k) t.optional.push_back(r.u8());
  t.missing = r.boolean();
  t.runs = r.i64();
  if (r.ok() && (t.runs < 1 || t.runs > 100)) r.fail(fmt::format("a sequence term with runs={}", t.runs));
}

void put_sequence(ByteWriter& w, const RuleInfo& r, uint32_t format_version) {
  const SequenceSpec& s = r.sequence;
  w.u32(static_cast<uint32_t>(s.terms.size()));
  for (const auto& t : s.terms) put_sequence_term(w, t);
  w.boolean(s.has_until);
  if (s.has_until) put_sequence_term(w, s.until);
  w.i64(s.maxspan_ms);
  w.u32(r.sequence_owner), w.u32(r.sequence_term);
  if (format_version >= 8) w.boolean(s.sample);  // format 8: EQL samples
}

void read_sequence(ByteReader& r, RuleInfo& i, uint32_t format_version) {
  constexpr size_t kMaxTerms = 256;
  SequenceSpec& s = i.sequence;
  s.terms.resize(r.count(8));
  if (s.terms.size() > kMaxTerms) r.fail("too many sequence terms");
  for (auto& t : s.terms) {
    if (!r.ok()) break;
    get_sequence_term(r, t);
  }
  s.has_until = r.boolean();
  if (s.has_until) get_sequence_term(r, s.until);
  s.maxspan_ms = r.i64();
  i.sequence_owner = r.u32(), i.sequence_term = r.u32();
  s.sample = format_version >= 8 && r.boolean();
  if (!r.ok()) return;
  const bool seq = i.kind == DetectionKind::Sequence;
  if (s.sample && (s.has_until || s.maxspan_ms <= 0 || std::any_of(s.terms.begin(), s.terms.end(), [](const SequenceTermSpec& t) {
                     return t.missing || t.runs != 1;
                   })))
    return r.fail(fmt::format("rule \"{}\": a sample with until, runs, a missing term or no window", i.rule_id));
  if (seq != !s.terms.empty() || s.maxspan_ms < 0)
    return r.fail(fmt::format("rule \"{}\": sequence part inconsistent with its type", i.rule_id));
  for (const auto& t : s.terms)
    if (t.keys.size() != s.terms.front().keys.size() || (s.has_until && s.until.keys.size() != t.keys.size()))
      return r.fail(fmt::format("rule \"{}\": sequence terms with different key counts", i.rule_id));
}

// Each sequence term names a sequence rule before it and one of its terms.
void check_sequence_links(ByteReader& r, const std::vector<BundledRule>& rules) {
  for (size_t k = 0; k < rules.size() && r.ok(); ++k) {
    const RuleInfo& i = rules[k].info;
    if (i.kind != DetectionKind::SequenceTerm) continue;
    if (i.sequence_owner >= k || rules[i.sequence_owner].info.kind != DetectionKind::Sequence)
      return r.fail(fmt::format("sequence term \"{}\" names no sequence rule before it", i.rule_id));
    const SequenceSpec& s = rules[i.sequence_owner].info.sequence;
    if (i.sequence_term > s.terms.size() || (i.sequence_term == s.terms.size() && !s.has_until))
      return r.fail(fmt::format("sequence term \"{}\" names a term its sequence does not have", i.rule_id));
  }
}

bool finish(ByteReader& r, const char* section, std::string& error) {
  if (r.ok() && !r.at_end()) r.fail("unexpected bytes after the last record");
  if (!r.ok()) error = fmt::format("{} section: {}", section, r.error());
  return r.ok();
}

}  // namespace

void encode_rules(ByteWriter& w, const std::vector<BundledRule>& rules, uint32_t format_version,
                  const std::vector<BundledData>& data) {
  w.u32(static_cast<uint32_t>(rules.size()));
  for (const auto& b : rules) {
    const RuleInfo& r = b.info;
    w.str(r.rule_id), w.str(r.name), w.str(r.type_name), w.str(r.rule_type_id), w.str(r.severity);
    w.i64(r.risk_score);
    w.strs(r.tags);
    w.str(r.threat_json), w.str(r.description);
    w.i64(r.version);
    w.u8(static_cast<uint8_t>(r.kind));
    w.i64(r.interval_ms), w.i64(r.lookback_ms), w.i64(r.max_signals);
    w.str(r.timestamp_field);
    put_fields(w, r.new_terms_fields);
    w.i64(r.history_window_ms);
    put_fields(w, r.threshold_fields);
    w.i64(r.threshold_value);
    w.str(r.cardinality_field), w.u32(r.cardinality_ignore_above), w.i64(r.cardinality_value);
    w.u64(r.definition_hash);
    w.str(b.query), w.str(b.language), w.str(b.source);
    if (format_version < 2) continue;
    // Format 2: the alert metadata.
    w.str(r.rule_uuid), w.str(r.from), w.str(r.to), w.str(r.interval);
    w.strs(r.author), w.strs(r.references), w.strs(r.false_positives), w.strs(r.index);
    w.str(r.license), w.boolean(r.immutable), w.str(r.parameters_json);
    if (format_version < 3) continue;
    w.str(r.rule_fields_json);
    if (format_version < 6) continue;
    // Format 6: threat_match mappings, indicator path and indicator selection.
    w.u32(static_cast<uint32_t>(r.threat_mapping.size()));
    for (const auto& mapping : r.threat_mapping) {
      w.u32(static_cast<uint32_t>(mapping.size()));
      for (const auto& e : mapping) w.str(e.field), w.str(e.value), w.u8(static_cast<uint8_t>(e.compare)), w.u32(e.ignore_above);
    }
    w.str(r.threat_indicator_path), w.str(r.threat_selector);
    w.u32(static_cast<uint32_t>(r.value_list_items.size()));
    for (const auto& item : r.value_list_items) {
      w.u32(static_cast<uint32_t>(item.size()));
      for (const auto& e : item) w.str(e.field), w.str(e.list_id), w.str(e.list_type), w.boolean(e.included), w.u32(e.ignore_above);
    }
    if (format_version < 7) continue;
    put_sequence(w, r, format_version);  // Format 7: EQL sequences (8: samples).
  }
  if (format_version < 6) return;
  w.u32(static_cast<uint32_t>(data.size()));
  for (const auto& d : data) w.u8(static_cast<uint8_t>(d.kind)), w.str(d.name), w.str(d.bytes);
}

bool decode_rules(std::string_view bytes, std::vector<BundledRule>& rules, std::string& error, uint32_t format_version,
                  std::vector<BundledData>* data) {
  ByteReader r(bytes);
  rules.assign(r.count(64), {});
  for (auto& b : rules) {
    if (!r.ok()) break;
    RuleInfo& i = b.info;
    i.rule_id = r.str(), i.name = r.str(), i.type_name = r.str(), i.rule_type_id = r.str(), i.severity = r.str();
    i.risk_score = r.i64();
    i.tags = r.strs();
    i.threat_json = r.str(), i.description = r.str();
    i.version = r.i64();
    const uint8_t kind = r.u8();
    if (kind > kLastDetectionKind ||
        (kind == static_cast<uint8_t>(DetectionKind::ThreatMatch) && format_version < 6) ||  // before 6: no threat part
        (kind > static_cast<uint8_t>(DetectionKind::ThreatMatch) && format_version < 7))     // before 7: no sequences
      r.fail(fmt::format("unknown detection kind {}", kind));
    i.kind = static_cast<DetectionKind>(kind);
    i.interval_ms = r.i64(), i.lookback_ms = r.i64(), i.max_signals = r.i64();
    i.timestamp_field = r.str();
    i.new_terms_fields = get_fields(r);
    i.history_window_ms = r.i64();
    i.threshold_fields = get_fields(r);
    i.threshold_value = r.i64();
    i.cardinality_field = r.str(), i.cardinality_ignore_above = r.u32(), i.cardinality_value = r.i64();
    i.definition_hash = r.u64();
    b.query = r.str(), b.language = r.str(), b.source = r.str();
    if (format_version >= 2) {
      i.rule_uuid = r.str(), i.from = r.str(), i.to = r.str(), i.interval = r.str();
      i.author = r.strs(), i.references = r.strs(), i.false_positives = r.strs(), i.index = r.strs();
      i.license = r.str(), i.immutable = r.boolean(), i.parameters_json = r.str();
      if (r.ok() && (i.parameters_json.empty() || i.parameters_json.front() != '{' || i.parameters_json.back() != '}'))
        r.fail(fmt::format("rule \"{}\": its parameters are not a JSON object", i.rule_id));
    }
    if (format_version >= 3) {
      i.rule_fields_json = r.str();
      if (r.ok() && (i.rule_fields_json.empty() || i.rule_fields_json.front() != '{' || i.rule_fields_json.back() != '}'))
        r.fail(fmt::format("rule \"{}\": its saved-object fields are not a JSON object", i.rule_id));
    }
    if (format_version >= 6) read_threat(r, i);
    if (format_version >= 7) read_sequence(r, i, format_version);
    if (r.ok() && (i.rule_id.empty() || i.interval_ms <= 0 || i.max_signals < 0 || i.lookback_ms < 0))
      r.fail(fmt::format("rule \"{}\": invalid identity or schedule", i.rule_id));
    if (r.ok() && i.kind == DetectionKind::NewTerms && i.new_terms_fields.empty())
      r.fail(fmt::format("new-terms rule \"{}\" has no term field", i.rule_id));
  }
  check_sequence_links(r, rules);
  std::vector<BundledData> carried;
  if (format_version >= 6 && r.ok()) {
    carried.resize(r.count(9));
    for (auto& d : carried) {
      if (!r.ok()) break;
      const uint8_t kind = r.u8();
      d.name = r.str(), d.bytes = r.str();
      if (r.ok() && (kind < 1 || kind > 2)) r.fail(fmt::format("unknown kind {} of a carried file", kind));
      if (r.ok() && d.name.empty()) r.fail("a carried file without a name");
      d.kind = static_cast<BundledData::Kind>(kind);
    }
  }
  if (data) *data = std::move(carried);
  return finish(r, "rules", error);
}

void encode_program(ByteWriter& w, const CompiledProgram& p, uint32_t format_version) {
  w.u32(p.rule_count), w.u32(p.atom_count), w.u32(p.memo_count);
  w.strs(p.slot_paths);
  w.strs(p.subtrees);
  w.boolean(p.read_all);
  w.u32(static_cast<uint32_t>(p.groups.size()));
  for (const auto& g : p.groups) {
    w.u32(g.slot), w.boolean(g.lower), w.u32(g.ignore_above);
    w.u32(static_cast<uint32_t>(g.exact.size()));
    for (const auto& e : g.exact) w.str(e.value), w.u32(e.atom);
    w.u32(static_cast<uint32_t>(g.patterns.size()));
    for (const auto& x : g.patterns) w.str(x.regex), w.boolean(x.caseless), w.boolean(x.utf8), w.u32(x.atom);
    w.u32(static_cast<uint32_t>(g.any.size()));
    for (uint32_t a : g.any) w.u32(a);
  }
  w.u32(static_cast<uint32_t>(p.typed.size()));
  for (const auto& t : p.typed) {
    w.u8(static_cast<uint8_t>(t.kind)), w.u8(static_cast<uint8_t>(t.cls)), w.u8(static_cast<uint8_t>(t.num_type));
    w.u32(t.slot), w.u32(t.atom);
    w.u8(static_cast<uint8_t>(wire_op(t))), w.boolean(t.is_int), w.i64(t.i), w.f64(t.d);
    w.raw(std::string_view(reinterpret_cast<const char*>(t.ip.bytes.data()), t.ip.bytes.size()));
    w.u8(t.prefix), w.boolean(t.flag), w.str(t.text), w.boolean(t.lower), w.u32(t.ignore_above);
  }
  encode_generic(w, p.generic);
  if (format_version < 4) return;
  const PrefilterSpec& f = p.prefilter;
  w.boolean(f.enabled);
  w.u32(static_cast<uint32_t>(f.literals.size()));
  for (const auto& l : f.literals) {
    w.str(l.bytes), w.boolean(l.caseless);
    w.u32(static_cast<uint32_t>(l.rules.size()));
    for (uint32_t r : l.rules) w.u32(r);
  }
  w.u32(static_cast<uint32_t>(f.always.size()));
  for (uint32_t r : f.always) w.u32(r);
}

bool decode_program(std::string_view bytes, CompiledProgram& p, std::string& error, uint32_t format_version) {
  ByteReader r(bytes);
  p.rule_count = r.u32(), p.atom_count = r.u32(), p.memo_count = r.u32();
  // Per-event buffers are sized by these counts: bound them by what the section can describe.
  if (r.ok() && (p.atom_count > bytes.size() * 8 + 64 || p.memo_count > p.atom_count + bytes.size() || p.rule_count > bytes.size()))
    r.fail(fmt::format("counts out of proportion to the section ({} rules, {} atoms, {} memo slots)", p.rule_count,
                       p.atom_count, p.memo_count));
  p.slot_paths = r.strs();
  p.subtrees = r.strs();
  p.read_all = r.boolean();
  const auto slots = static_cast<uint32_t>(p.slot_paths.size());
  p.groups.assign(r.count(13), {});
  for (auto& g : p.groups) {
    if (!r.ok()) break;
    g.slot = r.index(slots, "string group slot");
    g.lower = r.boolean(), g.ignore_above = r.u32();
    g.exact.resize(r.count(8));
    for (auto& e : g.exact) e.value = r.str(), e.atom = r.index(p.atom_count, "exact-value atom");
    g.patterns.resize(r.count(10));
    for (auto& x : g.patterns)
      x.regex = r.str(), x.caseless = r.boolean(), x.utf8 = r.boolean(), x.atom = r.index(p.atom_count, "pattern atom");
    g.any.resize(r.count(4));
    for (auto& a : g.any) a = r.index(p.atom_count, "exists atom");
  }
  p.typed.assign(r.count(50), {});
  for (auto& t : p.typed) {
    if (!r.ok()) break;
    const uint8_t kind = r.u8(), cls = r.u8(), num = r.u8();
    if (kind > static_cast<uint8_t>(TypedTestSpec::Kind::StrRange) || cls > static_cast<uint8_t>(TypedTestSpec::Class::String) ||
        num > static_cast<uint8_t>(NumType::Double))
      r.fail("typed test: unknown kind, class or number type");
    t.kind = static_cast<TypedTestSpec::Kind>(kind), t.cls = static_cast<TypedTestSpec::Class>(cls);
    t.num_type = static_cast<NumType>(num);
    t.slot = r.index(slots, "typed test slot"), t.atom = r.index(p.atom_count, "typed test atom");
    const auto op = static_cast<int8_t>(r.u8());
    t.is_int = r.boolean(), t.i = r.i64(), t.d = r.f64();
    std::string_view ip = r.raw(t.ip.bytes.size());
    if (r.ok()) std::copy(ip.begin(), ip.end(), t.ip.bytes.begin());
    t.prefix = r.u8(), t.flag = r.boolean(), t.text = r.str(), t.lower = r.boolean(), t.ignore_above = r.u32();
    if (r.ok() && (!op_from_wire(t, op) || t.prefix > 128)) r.fail("typed test: operator or prefix out of range");
  }
  if (r.ok() && !decode_generic(r, p.generic, p.atom_count, error)) {
    error = "program section: on-demand tests: " + error;
    return false;
  }
  if (format_version >= 4) {
    PrefilterSpec& f = p.prefilter;
    f.enabled = r.boolean();
    f.rule_count = p.rule_count;
    f.literals.resize(r.count(9));
    for (auto& l : f.literals) {
      if (!r.ok()) break;
      l.bytes = r.str(), l.caseless = r.boolean();
      l.rules.resize(r.count(4));
      for (auto& x : l.rules) x = r.index(p.rule_count, "prefilter rule");
    }
    f.always.resize(r.count(4));
    for (auto& x : f.always) x = r.index(p.rule_count, "prefilter rule");
  }
  return finish(r, "program", error);
}

void encode_databases(ByteWriter& w, const std::vector<StringGroupSpec>& groups) {
  w.u32(static_cast<uint32_t>(groups.size()));
  for (const auto& g : groups) w.str(g.database);
}

bool decode_databases(std::string_view bytes, std::vector<StringGroupSpec>& groups, std::string& error) {
  ByteReader r(bytes);
  const uint32_t n = r.u32();
  if (r.ok() && n != groups.size()) r.fail(fmt::format("{} databases for {} string groups", n, groups.size()));
  for (size_t i = 0; i < groups.size() && r.ok(); ++i) groups[i].database = r.str();
  return finish(r, "databases", error);
}

}  // namespace rulec::rt
