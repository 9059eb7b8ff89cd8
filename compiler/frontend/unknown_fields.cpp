// Unknown-field checks: classify a field name against the schema, suggest the closest schema field, walk a KQL tree.
#include "compiler/frontend/unknown_fields.h"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

namespace rulec {

namespace {

// Elasticsearch metadata fields a query may name; they are in no mapping.
constexpr std::array<std::string_view, 11> kMetadataFields = {
    "_id", "_index", "_source", "_routing", "_ignored", "_tier", "_version", "_seq_no", "_score", "_field_names",
    "_data_stream_timestamp"};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// Some schema field is below `field` (`process.parent` leads to `process.parent.name`).
bool is_object_path(const Schema& schema, std::string_view field) {
  const std::string prefix = std::string(field) + ".";
  auto it = schema.fields().lower_bound(prefix);
  return it != schema.fields().end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

// Some proper prefix of `field` is an object or flattened field, whose keys no mapping lists
// (`labels.env`, `container.labels.app`).
bool under_open_object(const Schema& schema, std::string_view field) {
  for (size_t dot = field.find('.'); dot != std::string_view::npos; dot = field.find('.', dot + 1)) {
    const FieldInfo info = schema.lookup(field.substr(0, dot));
    if (info.known && (info.type == FieldType::Object || info.type == FieldType::Flattened)) return true;
  }
  return false;
}

// The schema field closest to `field` within the allowed distance, or empty.
std::string closest(const Schema& schema, std::string_view field) {
  const size_t max = field.size() < 10 ? 1 : 2;
  std::string best;
  size_t best_d = max + 1;
  for (const auto& [name, info] : schema.fields()) {
    const size_t n = name.size();
    if (n + max < field.size() || field.size() + max < n) continue;
    if (equal_ignoring_case(name, field)) return name;  // a case slip beats any edit
    const size_t d = edit_distance(field, name, std::min(max, best_d - 1));
    if (d < best_d) {
      best_d = d;
      best = name;
    }
  }
  return best;
}

class NameWalker {
 public:
  NameWalker(const Schema& schema, std::string_view text, std::vector<std::string>& unmapped, std::string_view where)
      : schema_(schema), text_(text), unmapped_(unmapped), where_(where) {}

  void run(const kql::Node& root) {
    // Below a misspelt nested path every field is misspelt: reported once, on the path.
    kql::for_each_field(root, [&](const kql::Node& n, const std::string& field, bool wild) {
      return wild || check(n, field);
    });
  }

  std::vector<Diagnostic> take() { return std::move(out_); }

 private:
  // False when the field is a typo (and reported).
  bool check(const kql::Node& n, const std::string& field) {
    FieldCheck c = check_field_name(schema_, field);
    if (c.verdict == FieldVerdict::Unmapped) unmapped_.push_back(field);
    if (c.verdict != FieldVerdict::Typo) return true;
    SourcePos pos = n.pos;
    if (!pos.known() && n.pos.offset > 0 && n.pos.offset <= text_.size()) pos = position_of(text_, n.pos.offset);
    out_.push_back(unknown_field_warning(field, c.suggestion, pos, where_));
    return false;
  }

  const Schema& schema_;
  std::string_view text_;
  std::vector<std::string>& unmapped_;
  std::string_view where_;
  std::vector<Diagnostic> out_;
};

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b, size_t max) {
  const size_t over = max + 1;
  const size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > max) return over;
  // Three rows of the optimal-string-alignment table (i-2, i-1, i), computed only within the band
  // |i - j| <= max: a cell outside it is over the limit. Values saturate at `over`. Names fit the
  // stack rows; a longer one uses the heap.
  constexpr size_t kStackRow = 256;
  std::array<size_t, 3 * (kStackRow + 1)> stack_rows;
  std::vector<size_t> heap_rows;
  size_t* rows = stack_rows.data();
  if (m > kStackRow) {
    heap_rows.resize(3 * (m + 1));
    rows = heap_rows.data();
  }
  size_t* prev2 = rows;
  size_t* prev = rows + (m + 1);
  size_t* cur = rows + 2 * (m + 1);
  std::fill(rows, rows + 3 * (m + 1), over);
  for (size_t j = 0; j <= std::min(m, max); ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    const size_t lo = i > max ? i - max : 1, hi = std::min(m, i + max);
    cur[lo - 1] = lo == 1 ? std::min(i, over) : over;
    size_t row_min = cur[lo - 1];
    for (size_t j = lo; j <= hi; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t v = std::min(std::min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, prev2[j - 2] + 1);
      cur[j] = std::min(v, over);
      row_min = std::min(row_min, cur[j]);
    }
    if (hi < m) cur[hi + 1] = over;
    if (row_min > max) return over;  // every later row is at least this
    size_t* const oldest = prev2;
    prev2 = prev;
    prev = cur;
    cur = oldest;
  }
  return std::min(prev[m], over);
}

FieldCheck check_field_name(const Schema& schema, std::string_view field) {
  if (field.empty() || schema.lookup(field).known) return {};
  if (std::find(kMetadataFields.begin(), kMetadataFields.end(), field) != kMetadataFields.end()) return {};
  if (is_object_path(schema, field)) return {};
  std::string near = closest(schema, field);
  if (!near.empty()) return {FieldVerdict::Typo, std::move(near)};
  if (under_open_object(schema, field)) return {};
  return {FieldVerdict::Unmapped, {}};
}

Diagnostic unknown_field_warning(std::string_view field, const std::string& suggestion, SourcePos pos,
                                 std::string_view where) {
  Diagnostic d;
  d.severity = Severity::Warning;
  d.code = std::string(diag::kUnknownField);
  d.pos = pos;
  d.offending = std::string(field);
  d.message = fmt::format("{}unknown field '{}' (in no loaded schema); did you mean '{}'?",
                          where.empty() ? std::string() : fmt::format("{}: ", where), printable(field), suggestion);
  return d;
}

std::vector<Diagnostic> check_field_names(const kql::Node& ast, const Schema& schema, std::string_view query_text,
                                          std::vector<std::string>& unmapped, std::string_view where) {
  NameWalker w(schema, query_text, unmapped, where);
  w.run(ast);
  return w.take();
}

}  // namespace rulec
