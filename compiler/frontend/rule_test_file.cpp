// Rule unit test files: discovery beside the rules, the TOML cases, and the recorded-alerts file.
#include "compiler/frontend/rule_test_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

namespace rulec {

namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxTestFileBytes = 64u << 20;

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

bool is_rule_file(const fs::path& p) {
  const std::string name = p.filename().string();
  if (ends_with(name, kTestSuffix)) return false;
  const std::string ext = p.extension().string();
  return ext == ".toml" || ext == ".json" || ext == ".ndjson";
}

// x.test.toml -> the rule file beside it (x.toml, x.json or x.ndjson), or "".
std::string rule_beside(const fs::path& test) {
  const std::string name = test.filename().string();
  const std::string stem = name.substr(0, name.size() - std::strlen(kTestSuffix));
  for (const char* ext : {".toml", ".json", ".ndjson"}) {
    fs::path p = test.parent_path() / (stem + ext);
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return "";
}

std::string test_beside(const fs::path& rule) {
  return (rule.parent_path() / (rule.stem().string() + kTestSuffix)).string();
}

bool read_whole(const std::string& path, std::string& out, std::string& error) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return error = fmt::format("{}: cannot read: {}", path, ec.message()), false;
  if (size > kMaxTestFileBytes) return error = fmt::format("{}: {} bytes, over the 64 MB limit", path, size), false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return error = fmt::format("{}: cannot open: {}", path, std::strerror(errno)), false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// The events of `key` (one JSON document), `key`s (NDJSON lines) or `key`_file (NDJSON, relative
// to the test file); each must be a JSON object. False with the reason.
bool read_events(const toml::table& t, const std::string& single, const std::string& many, const fs::path& dir,
                 std::vector<std::string>& out, std::string& error) {
  std::vector<std::string> lines;
  if (auto v = t[single].value<std::string>()) lines.push_back(*v);
  if (auto v = t[many].value<std::string>()) {
    std::istringstream in(*v);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  if (auto v = t[many + "_file"].value<std::string>()) {
    std::string text;
    const fs::path p = fs::path(*v).is_absolute() ? fs::path(*v) : dir / *v;
    if (!read_whole(p.string(), text, error)) return false;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  size_t n = 0;
  for (auto& l : lines) {
    if (l.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++n;
    auto doc = nlohmann::json::parse(l, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
      return error = fmt::format("{} {} is not a JSON object on one line", many == "history" ? "history event" : "event",
                                 n),
             false;
    out.push_back(std::move(l));
  }
  return true;
}

}  // namespace

const char* to_string(TestCase::Kind k) {
  switch (k) {
    case TestCase::Kind::Match: return "match";
    case TestCase::Kind::NoMatch: return "no_match";
    case TestCase::Kind::Alerts: return "alerts";
  }
  return "?";
}

std::string TestFile::recorded_path() const {
  return path.substr(0, path.size() - std::strlen(kTestSuffix)) + kRecordedSuffix;
}

FoundTests find_tests(const std::vector<std::string>& paths) {
  FoundTests out;
  for (const auto& arg : paths) {
    std::error_code ec;
    const fs::path p(arg);
    if (fs::is_directory(p, ec)) {
      out.rule_paths.push_back(arg);
      std::vector<std::string> found;
      fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {  // hidden files and directories, as the rule loader
          if (it->is_directory(ec)) it.disable_recursion_pending();
          continue;
        }
        if (ends_with(name, kTestSuffix) && it->is_regular_file(ec)) found.push_back(it->path().string());
      }
      if (ec) out.errors.push_back(fmt::format("{}: cannot read directory: {}", arg, ec.message()));
      std::sort(found.begin(), found.end());
      out.test_files.insert(out.test_files.end(), found.begin(), found.end());
    } else if (!fs::exists(p, ec)) {
      out.errors.push_back(fmt::format("{}: no such file or directory", arg));
    } else if (ends_with(p.filename().string(), kTestSuffix)) {
      out.test_files.push_back(arg);
      const std::string rule = rule_beside(p);
      if (!rule.empty()) out.rule_paths.push_back(rule);
    } else if (is_rule_file(p)) {
      const std::string test = test_beside(p);
      out.rule_paths.push_back(arg);
      if (fs::is_regular_file(test, ec))
        out.test_files.push_back(test);
      else
        out.errors.push_back(fmt::format("{}: no tests: expected them in {}", arg, test));
    } else {
      out.errors.push_back(fmt::format("{}: not a rule, a rule directory or a {} file", arg, kTestSuffix));
    }
  }
  // One test file named twice (a directory and a file in it) runs once.
  std::vector<std::string> unique;
  std::vector<std::string> seen;
  for (const auto& t : out.test_files) {
    std::error_code ec;
    std::string canon = fs::weakly_canonical(t, ec).string();
    if (std::find(seen.begin(), seen.end(), canon) != seen.end()) continue;
    seen.push_back(canon);
    unique.push_back(t);
  }
  out.test_files = std::move(unique);
  return out;
}

TestFile read_test_file(const std::string& path) {
  TestFile f;
  f.path = path;
  f.rule_path = rule_beside(path);
  std::string text;
  if (!read_whole(path, text, f.error)) return f;
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    f.error = fmt::format("{}:{}:{}: {}", path, e.source().begin.line, e.source().begin.column, e.description());
    return f;
  }
  if (f.rule_path.empty()) {
    f.error = fmt::format("{}: no rule beside it (a .toml, .json or .ndjson file of the same name)", path);
    return f;
  }
  for (const auto& [key, node] : doc) {
    const std::string k(key.str());
    if (k != "rule_id" && k != "fields" && k != "match" && k != "no_match" && k != "alerts") {
      f.error = fmt::format("{}:{}:{}: unknown key '{}' (expected rule_id, fields, [[match]], [[no_match]], [[alerts]])",
                            path, node.source().begin.line, node.source().begin.column, k);
      return f;
    }
  }
  if (auto id = doc["rule_id"].value<std::string>()) f.rule_id = *id;
  if (const toml::array* fields = doc["fields"].as_array())
    for (const auto& v : *fields)
      if (auto s = v.value<std::string>()) f.fields.push_back(*s);
  const fs::path dir = fs::path(path).parent_path();
  for (auto kind : {TestCase::Kind::Match, TestCase::Kind::NoMatch, TestCase::Kind::Alerts}) {
    const char* key = to_string(kind);
    const toml::node* node = doc.get(key);
    if (!node) continue;
    const toml::array* arr = node->as_array();
    if (!arr || !arr->is_array_of_tables()) {
      f.error = fmt::format("{}:{}: '{}' must be an array of tables ([[{}]])", path, node->source().begin.line, key, key);
      return f;
    }
    for (const auto& item : *arr) {
      const toml::table& t = *item.as_table();
      TestCase c;
      c.kind = kind;
      c.line = t.source().begin.line;
      c.name = t["name"].value_or(fmt::format("{} #{}", key, c.line));
      std::string why;
      const bool ok = read_events(t, "event", "events", dir, c.events, why) &&
                      (kind != TestCase::Kind::Alerts || read_events(t, "history_event", "history", dir, c.history, why));
      if (ok && c.events.empty()) why = "no events (give event, events or events_file)";
      if (auto n = t["count"].value<int64_t>()) {
        if (kind != TestCase::Kind::Alerts) why = "count applies to [[alerts]] cases only";
        c.alert_count = *n;
      }
      if (!why.empty()) {
        f.error = fmt::format("{}:{}: [[{}]] \"{}\": {}", path, c.line, key, c.name, why);
        return f;
      }
      f.cases.push_back(std::move(c));
    }
  }
  std::sort(f.cases.begin(), f.cases.end(), [](const TestCase& a, const TestCase& b) { return a.line < b.line; });
  for (size_t i = 0; i < f.cases.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (f.cases[i].name == f.cases[j].name) {
        f.error = fmt::format("{}:{}: a second case named \"{}\" (line {}): names identify recorded alerts", path,
                              f.cases[i].line, f.cases[i].name, f.cases[j].line);
        return f;
      }
  if (f.cases.empty()) {
    f.error = fmt::format("{}: no test case ([[match]], [[no_match]] or [[alerts]])", path);
    return f;
  }

  const std::string rec = f.recorded_path();
  std::error_code ec;
  if (!fs::exists(rec, ec)) return f;
  std::string recorded;
  if (!read_whole(rec, recorded, f.error)) return f;
  f.has_recorded = true;
  std::istringstream in(recorded);
  size_t line = 0;
  for (std::string l; std::getline(in, l);) {
    ++line;
    if (l.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto doc_line = nlohmann::json::parse(l, nullptr, false);
    if (doc_line.is_discarded() || !doc_line.is_object() || !doc_line.contains("case") || !doc_line["case"].is_string()) {
      f.error = fmt::format("{}:{}: not a recorded alert (a JSON object with a \"case\" name); `rulec test --update` "
                            "writes this file",
                            rec, line);
      return f;
    }
    const std::string name = doc_line["case"];
    doc_line.erase("case");
    f.recorded[name].push_back(doc_line.dump());
  }
  return f;
}

bool write_recorded(const TestFile& file, const std::map<std::string, std::vector<std::string>>& alerts,
                    std::string& error) {
  std::string text;
  for (const auto& c : file.cases) {
    auto it = alerts.find(c.name);
    if (it == alerts.end()) continue;
    for (const auto& a : it->second) {
      // "case" first, then the alert's fields (sorted): one stable line per alert.
      nlohmann::ordered_json line;
      line["case"] = c.name;
      const nlohmann::json alert = nlohmann::json::parse(a);
      for (auto f = alert.begin(); f != alert.end(); ++f) line[f.key()] = *f;
      text += line.dump() + "\n";
    }
  }
  const std::string path = file.recorded_path();
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return error = fmt::format("{}: cannot write: {}", tmp, std::strerror(errno)), false;
  const bool wrote = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const bool closed = std::fclose(f) == 0;
  if (!wrote || !closed) {
    std::remove(tmp.c_str());
    return error = fmt::format("{}: cannot write: {}", tmp, std::strerror(errno)), false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return error = fmt::format("{}: cannot replace: {}", path, std::strerror(errno)), false;
  }
  return true;
}

}  // namespace rulec
