// load_rules: walks the given paths, reads each rule file (size-limited), dispatches by extension, attaches exceptions.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "compiler/frontend/rule_loader_internal.h"

namespace rulec {
namespace {

namespace fs = std::filesystem;
using detail::file_error;

enum class Kind { Toml, Json, Ndjson, Test, Other };

// Rule unit tests (x.test.toml, `rulec test`) live beside the rules; they are not rules.
constexpr std::string_view kRuleTestSuffix = ".test.toml";

Kind kind_of(const fs::path& p) {
  const std::string name = p.filename().string();
  if (name.size() > kRuleTestSuffix.size() &&
      std::string_view(name).substr(name.size() - kRuleTestSuffix.size()) == kRuleTestSuffix)
    return Kind::Test;
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".toml") return Kind::Toml;
  if (ext == ".json") return Kind::Json;
  if (ext == ".ndjson") return Kind::Ndjson;
  return Kind::Other;
}

constexpr int kMaxDirDepth = 128;

// Collects the rule files below one directory; problems become FileErrors.
class Walker {
 public:
  explicit Walker(RuleSet& out) : out_(out) {}
  std::vector<std::string> files;

  void walk(const fs::path& dir, int depth) {
    std::error_code ec;
    fs::path canon = fs::canonical(dir, ec);
    if (ec) return error(dir, fmt::format("cannot resolve directory: {}", ec.message()));
    if (depth > kMaxDirDepth) return error(dir, fmt::format("directories nested deeper than {} levels", kMaxDirDepth));
    if (!active_.insert(canon.string()).second)
      return error(dir, fmt::format("symbolic link loop: '{}' is already being read", canon.string()));
    std::vector<fs::path> entries;
    fs::directory_iterator it(dir, ec);
    if (ec) {
      error(dir, fmt::format("cannot read directory: {}", ec.message()));
    } else {
      while (it != fs::directory_iterator()) {
        entries.push_back(it->path());
        if (it.increment(ec); ec) {
          error(dir, fmt::format("cannot read directory: {}", ec.message()));
          break;
        }
      }
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& p : entries) {
      std::string name = p.filename().string();
      if (name.empty() || name[0] == '.') continue;  // hidden files and directories
      std::error_code sec;
      fs::file_status st = fs::status(p, sec);  // follows symbolic links
      if (sec) {
        std::error_code lec;
        bool link = fs::is_symlink(fs::symlink_status(p, lec));
        if (link || (kind_of(p) != Kind::Other && kind_of(p) != Kind::Test))
          error(p, fmt::format("{}: {}", link ? "broken or looping symbolic link" : "cannot read", sec.message()));
        continue;
      }
      if (fs::is_directory(st)) {
        walk(p, depth + 1);
      } else if (kind_of(p) != Kind::Other && kind_of(p) != Kind::Test) {
        if (fs::is_regular_file(st))
          files.push_back(p.string());
        else
          error(p, "not a regular file");
      }
    }
    active_.erase(canon.string());
  }

 private:
  RuleSet& out_;
  std::set<std::string> active_;  // canonical directories on the current walk (loop detection)

  void error(const fs::path& p, std::string why) {
    out_.file_errors.push_back(file_error(p.string(), 0, 0, std::move(why)));
  }
};

// The whole file, or nullopt after a FileError (unreadable, too large).
std::optional<std::string> read_file(const std::string& path, RuleSet& out) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (!ec && size > detail::kMaxRuleFileBytes) {
    std::string why = fmt::format("file is {} bytes, over the 64 MB limit for rule files; refused", size);
    out.file_errors.push_back(file_error(path, 0, 0, std::move(why)));
    return std::nullopt;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    out.file_errors.push_back(file_error(path, 0, 0, fmt::format("cannot open: {}", std::strerror(errno))));
    return std::nullopt;
  }
  std::string data;
  char buf[65536];
  size_t n = 0;
  bool too_big = false;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    data.append(buf, n);
    if (data.size() > detail::kMaxRuleFileBytes) {
      too_big = true;
      break;
    }
  }
  bool failed = std::ferror(f) != 0;
  int err = errno;
  std::fclose(f);
  if (too_big) {
    out.file_errors.push_back(file_error(path, 0, 0, "file is over the 64 MB limit for rule files; refused"));
    return std::nullopt;
  }
  if (failed) {
    out.file_errors.push_back(file_error(path, 0, 0, fmt::format("cannot read: {}", std::strerror(err))));
    return std::nullopt;
  }
  return data;
}

void load_file(const std::string& path, Kind kind, RuleSet& out) {
  try {
    auto text = read_file(path, out);
    if (!text) return;
    switch (kind) {
      case Kind::Toml: detail::load_toml_text(path, *text, out); break;
      case Kind::Json: detail::load_json_text(path, *text, out); break;
      case Kind::Ndjson: detail::load_ndjson_text(path, *text, out); break;
      case Kind::Test:
      case Kind::Other: break;
    }
  } catch (const std::exception& e) {
    out.file_errors.push_back(file_error(path, 0, 0, fmt::format("internal error while loading: {}", e.what())));
  } catch (...) {
    out.file_errors.push_back(file_error(path, 0, 0, "internal error while loading"));
  }
}

// A rule_id used twice: the later rule is an error (left out with the reason), as Kibana refuses
// to import a second rule with an id it has.
void refuse_duplicate_ids(RuleSet& set) {
  std::unordered_map<std::string, size_t> first;
  for (size_t i = 0; i < set.rules.size(); ++i) {
    Rule& r = set.rules[i];
    if (r.rule_id.empty()) continue;
    auto [it, inserted] = first.emplace(r.rule_id, i);
    if (inserted) continue;
    const RuleOrigin& o = set.rules[it->second].origin;
    Diagnostic d;
    d.severity = Severity::Error;
    d.code = std::string(diag::kRuleField);
    d.offending = r.rule_id;
    d.message = o.line ? fmt::format("rule key 'rule_id' {} is also used by {} line {}", r.rule_id, o.path, o.line)
                       : fmt::format("rule key 'rule_id' {} is also used by {}", r.rule_id, o.path);
    r.diagnostics.push_back(std::move(d));
  }
}

}  // namespace

namespace detail {

void attach_exception_items(RuleSet& set) {
  std::map<std::string, const ExceptionListRef*> by_id, by_list_id;
  for (const auto& l : set.exception_lists) {
    if (!l.id.empty()) by_id.emplace(l.id, &l);
    if (!l.list_id.empty()) by_list_id.emplace(l.list_id, &l);
  }
  std::multimap<std::string, const ExceptionItem*> items;
  for (const auto& it : set.exception_items) items.emplace(it->list_id, it.get());
  for (auto& rule : set.rules) {
    for (const auto& ref : rule.exceptions_list) {
      std::string list_id = ref.list_id;
      if (list_id.empty())
        if (auto l = by_id.find(ref.id); l != by_id.end()) list_id = l->second->list_id;
      bool loaded = by_list_id.count(list_id) != 0 || (!ref.id.empty() && by_id.count(ref.id) != 0);
      size_t found = 0;
      for (auto [b, e] = items.equal_range(list_id); b != e; ++b) {
        const ExceptionItem* item = b->second;
        if (!ref.namespace_type.empty() && item->namespace_type != ref.namespace_type) continue;
        ++found;
        if (std::find(rule.exception_items.begin(), rule.exception_items.end(), item) != rule.exception_items.end())
          continue;  // the same list referenced twice
        rule.exception_items.push_back(item);
        rule.diagnostics.insert(rule.diagnostics.end(), item->diagnostics.begin(), item->diagnostics.end());
      }
      if (loaded || found) continue;
      Diagnostic d;
      d.severity = Severity::Warning;
      d.code = std::string(diag::kRuleException);
      d.offending = list_id.empty() ? ref.id : list_id;
      d.message = fmt::format("exception list '{}'{} is not loaded: its exceptions are unknown and not applied",
                              d.offending, ref.type.empty() ? "" : fmt::format(" (type {})", ref.type));
      rule.diagnostics.push_back(std::move(d));
    }
  }
}

}  // namespace detail

RuleSet load_rules(const std::vector<std::string>& paths) {
  RuleSet out;
  try {
    for (const auto& p : paths) {
      std::error_code ec;
      fs::file_status st = fs::status(p, ec);
      if (st.type() == fs::file_type::not_found || (!ec && !fs::exists(st))) {
        out.file_errors.push_back(file_error(p, 0, 0, "no such file or directory"));
        continue;
      }
      if (ec) {
        out.file_errors.push_back(file_error(p, 0, 0, fmt::format("cannot access: {}", ec.message())));
        continue;
      }
      if (fs::is_directory(st)) {
        Walker w(out);
        w.walk(p, 0);
        std::sort(w.files.begin(), w.files.end());
        for (const auto& f : w.files) load_file(f, kind_of(f), out);
      } else if (kind_of(p) == Kind::Other) {
        out.file_errors.push_back(file_error(p, 0, 0, "not a rule file: expected .toml, .json or .ndjson"));
      } else if (kind_of(p) == Kind::Test) {
        out.file_errors.push_back(file_error(p, 0, 0, "a rule test file, not a rule: `rulec test` runs it"));
      } else if (!fs::is_regular_file(st)) {
        out.file_errors.push_back(file_error(p, 0, 0, "not a regular file"));
      } else {
        load_file(p, kind_of(p), out);
      }
    }
    detail::attach_exception_items(out);
    refuse_duplicate_ids(out);
  } catch (const std::exception& e) {
    out.file_errors.push_back(file_error("", 0, 0, fmt::format("internal error while loading rules: {}", e.what())));
  } catch (...) {
    out.file_errors.push_back(file_error("", 0, 0, "internal error while loading rules"));
  }
  return out;
}

}  // namespace rulec
