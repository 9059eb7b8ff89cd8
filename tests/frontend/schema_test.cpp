// Tests of the field schema: the builtin ECS + Elastic Defend schema, user schema files, errors, expansion, globs.
#include "compiler/frontend/schema.h"

#include <gtest/gtest.h>

#include "runtime/common/cpu_time.h"

#include "common/test_util.h"
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace rulec {
namespace {
namespace schema_test {

namespace fs = std::filesystem;

class BuiltinSchema : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    schema_ = new Schema(rulec::testing::load_builtin_schema());
  }
  static void TearDownTestSuite() {
    delete schema_;
    schema_ = nullptr;
  }
  static Schema* schema_;
};
Schema* BuiltinSchema::schema_ = nullptr;

// A scratch directory per test, removed afterwards.
class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("rulec_schema_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& content) {
    const auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string write_gz(const std::string& name, const std::string& content) {
    const auto p = (dir_ / name).string();
    gzFile f = gzopen(p.c_str(), "wb");
    gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
    gzclose(f);
    return p;
  }
  fs::path dir_;
};

kql::Pattern star_pattern(std::initializer_list<const char*> segments, char wildcard = '*') {
  kql::Pattern p = kql::literal(*segments.begin());
  for (auto it = segments.begin() + 1; it != segments.end(); ++it) {
    p.add_wildcard(wildcard);
    p.segments.back() = *it;
  }
  return p;
}

// ---- the builtin schema (ECS 9.5.0 flat + Elastic Defend process mapping)

TEST_F(BuiltinSchema, LoadsBothSources) {
  EXPECT_GT(schema_->size(), 2600u);  // ECS alone has 2614 fields, plus multi-fields and Defend fields
  EXPECT_TRUE(schema_->lookup("process.Ext.ancestry").known);  // only in the Defend mapping
  EXPECT_TRUE(schema_->lookup("dll.pe.sections").known);       // only in ECS
}

TEST_F(BuiltinSchema, ProcessNameIsKeywordWithIgnoreAbove) {
  const FieldInfo f = schema_->lookup("process.name");
  EXPECT_TRUE(f.known);
  EXPECT_EQ(f.type, FieldType::Keyword);
  EXPECT_EQ(f.ignore_above, 1024u);
  EXPECT_FALSE(f.lowercase);
}

TEST_F(BuiltinSchema, CaselessSubFieldIsLowercaseKeyword) {
  const FieldInfo f = schema_->lookup("process.name.caseless");
  EXPECT_TRUE(f.known);
  EXPECT_EQ(f.type, FieldType::Keyword);
  EXPECT_TRUE(f.lowercase);
  EXPECT_EQ(f.ignore_above, 1024u);
  EXPECT_TRUE(schema_->lookup("process.executable.caseless").lowercase);
}

TEST_F(BuiltinSchema, TextSubFieldsAreAnalyzed) {
  EXPECT_TRUE(is_analyzed(schema_->lookup("process.name.text").type));
  // The Defend mapping declares `text`; ECS says match_only_text; the Defend mapping wins.
  EXPECT_EQ(schema_->lookup("process.command_line.text").type, FieldType::Text);
  // A .text sub-field only ECS defines keeps ECS's type.
  EXPECT_EQ(schema_->lookup("file.path.text").type, FieldType::MatchOnlyText);
}

TEST_F(BuiltinSchema, CommandLineIsWildcard) {
  const FieldInfo f = schema_->lookup("process.command_line");
  EXPECT_EQ(f.type, FieldType::Wildcard);
  EXPECT_TRUE(is_string_exact(f.type));
  EXPECT_TRUE(schema_->lookup("process.command_line.caseless").lowercase);
}

TEST_F(BuiltinSchema, TypedFields) {
  EXPECT_EQ(schema_->lookup("process.pid").type, FieldType::Long);
  EXPECT_EQ(schema_->lookup("source.ip").type, FieldType::Ip);
  EXPECT_EQ(schema_->lookup("@timestamp").type, FieldType::Date);
  EXPECT_EQ(schema_->lookup("event.category").type, FieldType::Keyword);
  EXPECT_EQ(schema_->lookup("process.code_signature.trusted").type, FieldType::Boolean);
  EXPECT_EQ(schema_->lookup("data_stream.dataset").type, FieldType::ConstantKeyword);
  EXPECT_EQ(schema_->lookup("message").type, FieldType::MatchOnlyText);
  EXPECT_EQ(schema_->lookup("source.geo.location").type, FieldType::GeoPoint);
}

TEST_F(BuiltinSchema, ObjectAndNestedFields) {
  EXPECT_EQ(schema_->lookup("process.Ext.code_signature").type, FieldType::Nested);
  EXPECT_EQ(schema_->lookup("process.Ext").type, FieldType::Object);
}

TEST_F(BuiltinSchema, UnknownFieldIsKeyword) {
  const FieldInfo f = schema_->lookup("no.such.field");
  EXPECT_FALSE(f.known);
  EXPECT_EQ(f.type, FieldType::Keyword);
  EXPECT_EQ(f.ignore_above, 0u);
  EXPECT_FALSE(schema_->lookup("").known);
  EXPECT_FALSE(schema_->lookup("Process.name").known);  // names are case-sensitive
}

TEST_F(BuiltinSchema, ExpandProcessStar) {
  const auto names = schema_->expand(star_pattern({"process.", ""}));
  auto has = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  EXPECT_TRUE(has("process.name"));
  EXPECT_TRUE(has("process.name.caseless"));  // `*` crosses dots
  EXPECT_TRUE(has("process.parent.pid"));
  EXPECT_FALSE(has("host.name"));
  for (const auto& n : names) EXPECT_EQ(n.rfind("process.", 0), 0u) << n;
}

TEST_F(BuiltinSchema, ExpandSuffixAndInfix) {
  const auto ips = schema_->expand(star_pattern({"", ".ip"}));
  EXPECT_NE(std::find(ips.begin(), ips.end(), "source.ip"), ips.end());
  EXPECT_NE(std::find(ips.begin(), ips.end(), "destination.ip"), ips.end());
  EXPECT_EQ(std::find(ips.begin(), ips.end(), "source.port"), ips.end());
  const auto pids = schema_->expand(star_pattern({"process.", ".pid"}));
  EXPECT_NE(std::find(pids.begin(), pids.end(), "process.parent.pid"), pids.end());
  EXPECT_EQ(std::find(pids.begin(), pids.end(), "process.pid"), pids.end());  // needs ".pid" after "process."
}

TEST_F(BuiltinSchema, ExpandLiteralAndNoMatch) {
  EXPECT_EQ(schema_->expand(kql::literal("process.name")), std::vector<std::string>{"process.name"});
  EXPECT_TRUE(schema_->expand(kql::literal("nope")).empty());
  EXPECT_TRUE(schema_->expand(star_pattern({"zzz", ""})).empty());
}

TEST_F(BuiltinSchema, BuiltinIsRepeatable) {
  Diagnostic err;
  auto again = Schema::builtin(err, std::string(RULEC_SHARED_DIR) + "/schema");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->size(), schema_->size());
}

TEST(SchemaBuiltin, DefaultDirectory) {
  Diagnostic err;
  auto s = Schema::builtin(err);
  ASSERT_TRUE(s) << err.message;
  EXPECT_EQ(s->lookup("process.pid").type, FieldType::Long);
}

TEST(SchemaBuiltin, MissingDirectoryIsAnError) {
  Diagnostic err;
  auto s = Schema::builtin(err, "/nonexistent/rulec/schema");
  EXPECT_FALSE(s);
  EXPECT_EQ(err.code, diag::kSchemaFile);
  EXPECT_NE(err.message.find("/nonexistent/rulec/schema"), std::string::npos);
}

// ---- user schema files

TEST_F(TempDir, PlainTypeMapJson) {
  const auto p = write("user.json", R"({"my.count": "long", "my.addr": "ip", "my.name": "keyword"})");
  Schema s;
  Diagnostic err;
  ASSERT_TRUE(s.load_file(p, err)) << err.message;
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.lookup("my.count").type, FieldType::Long);
  EXPECT_EQ(s.lookup("my.addr").type, FieldType::Ip);
  EXPECT_TRUE(s.lookup("my.name").known);
  EXPECT_FALSE(s.lookup("my.other").known);
}

TEST_F(TempDir, ObjectEntriesWithDetails) {
  const auto p = write("user.json", R"({
    "a.b": {"type": "keyword", "ignore_above": 256, "normalizer": "lowercase"},
    "a.c": {"type": "keyword", "multi_fields": [{"name": "text", "type": "match_only_text"},
                                                {"flat_name": "a.c.lower", "name": "lower", "type": "keyword", "normalizer": "lowercase"}]},
    "a.d": {"type": "keyword", "fields": {"caseless": {"type": "keyword", "normalizer": "lowercase", "ignore_above": 1024}}},
    "a.e": {"type": "some_future_type"}
  })");
  Schema s;
  Diagnostic err;
  ASSERT_TRUE(s.load_flat_json(p, err)) << err.message;
  EXPECT_EQ(s.lookup("a.b").ignore_above, 256u);
  EXPECT_TRUE(s.lookup("a.b").lowercase);
  EXPECT_EQ(s.lookup("a.c.text").type, FieldType::MatchOnlyText);
  EXPECT_TRUE(s.lookup("a.c.lower").lowercase);
  EXPECT_TRUE(s.lookup("a.d.caseless").lowercase);
  EXPECT_EQ(s.lookup("a.d.caseless").ignore_above, 1024u);
  EXPECT_EQ(s.lookup("a.e").type, FieldType::Other);
}

TEST_F(TempDir, ElasticsearchMappingJson) {
  const auto p = write("mapping.json", R"({"mappings": {"properties": {
    "host": {"properties": {"name": {"type": "keyword"}, "uptime": {"type": "long"}}},
    "msg": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}},
    "items": {"type": "nested", "properties": {"id": {"type": "integer"}}}}}})");
  Schema s;
  Diagnostic err;
  ASSERT_TRUE(s.load_file(p, err)) << err.message;
  EXPECT_EQ(s.lookup("host").type, FieldType::Object);
  EXPECT_EQ(s.lookup("host.name").type, FieldType::Keyword);
  EXPECT_EQ(s.lookup("host.uptime").type, FieldType::Long);
  EXPECT_EQ(s.lookup("msg").type, FieldType::Text);
  EXPECT_EQ(s.lookup("msg.keyword").ignore_above, 256u);
  EXPECT_EQ(s.lookup("items").type, FieldType::Nested);
  EXPECT_EQ(s.lookup("items.id").type, FieldType::Integer);
}

TEST_F(TempDir, GzipJson) {
  const auto p = write_gz("user.json.gz", R"({"z.port": {"type": "long"}})");
  Schema s;
  Diagnostic err;
  ASSERT_TRUE(s.load_file(p, err)) << err.message;
  EXPECT_EQ(s.lookup("z.port").type, FieldType::Long);
}

TEST_F(TempDir, GzipDetectedByMagicNotName) {
  const auto p = write_gz("schema.data", R"({"z.ok": "boolean"})");
  Schema s;
  Diagnostic err;
  ASSERT_TRUE(s.load_flat_json(p, err)) << err.message;
  EXPECT_EQ(s.lookup("z.ok").type, FieldType::Boolean);
}

TEST_F(TempDir, LaterDefinitionsOverride) {
  const auto a = write("a.json", R"({"f": "keyword", "g": "long"})");
  const auto b = write("b.json", R"({"f": "ip"})");
  Schema s;
  Diagnostic err;
  ASSERT_TRUE(s.load_file(a, err));
  ASSERT_TRUE(s.load_file(b, err));
  EXPECT_EQ(s.lookup("f").type, FieldType::Ip);
  EXPECT_EQ(s.lookup("g").type, FieldType::Long);
}

TEST_F(TempDir, FieldsYml) {
  const auto p = write("fields.yml", R"(
- name: base
  type: group
  fields:
    - name: geo.city
      type: keyword
      ignore_above: 512
    - name: exe
      type: keyword
      multi_fields:
        - name: caseless
          type: keyword
          normalizer: lowercase
          ignore_above: 1024
        - name: text
          type: text
    - name: untyped
    - name: inner
      fields:
        - name: count
          type: long
- name: '@timestamp'
  type: date
)");
  Schema s;
  Diagnostic err;
  ASSERT_TRUE(s.load_file(p, err)) << err.message;
  EXPECT_FALSE(s.lookup("base").known);  // groups are not fields
  EXPECT_EQ(s.lookup("base.geo.city").ignore_above, 512u);
  EXPECT_TRUE(s.lookup("base.exe.caseless").lowercase);
  EXPECT_EQ(s.lookup("base.exe.text").type, FieldType::Text);
  EXPECT_EQ(s.lookup("base.untyped").type, FieldType::Keyword);  // fields.yml default type
  EXPECT_TRUE(s.lookup("base.untyped").known);
  EXPECT_EQ(s.lookup("base.inner.count").type, FieldType::Long);
  EXPECT_EQ(s.lookup("@timestamp").type, FieldType::Date);
}

TEST_F(TempDir, MissingFileIsAnError) {
  const std::string p = (dir_ / "absent.json").string();
  Schema s;
  Diagnostic err;
  EXPECT_FALSE(s.load_file(p, err));
  EXPECT_EQ(err.code, diag::kSchemaFile);
  EXPECT_EQ(err.severity, Severity::Error);
  EXPECT_NE(err.message.find(p), std::string::npos);
  EXPECT_NE(err.message.find("No such file"), std::string::npos);
  EXPECT_FALSE(s.load_fields_yml((dir_ / "absent.yml").string(), err));
  EXPECT_EQ(err.code, diag::kSchemaFile);
}

TEST_F(TempDir, DirectoryIsNotASchemaFile) {
  Schema s;
  Diagnostic err;
  EXPECT_FALSE(s.load_file(dir_.string(), err));
  EXPECT_EQ(err.code, diag::kSchemaFile);
  EXPECT_NE(err.message.find("directory"), std::string::npos);
}

TEST_F(TempDir, BadGzipIsAnError) {
  std::string junk = "\x1f\x8b";
  junk += "this is not deflate data at all";
  const auto p = write("broken.json.gz", junk);
  Schema s;
  Diagnostic err;
  EXPECT_FALSE(s.load_file(p, err));
  EXPECT_EQ(err.code, diag::kSchemaFile);
  EXPECT_NE(err.message.find(p), std::string::npos);
  EXPECT_NE(err.message.find("gzip"), std::string::npos);
}

TEST_F(TempDir, TruncatedGzipIsAnError) {
  const auto full = write_gz("whole.json.gz", std::string(R"({"a": "long", "b": "ip", "c": "keyword"})"));
  std::ifstream in(full, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto p = write("cut.json.gz", bytes.substr(0, bytes.size() / 2));
  Schema s;
  Diagnostic err;
  EXPECT_FALSE(s.load_file(p, err));
  EXPECT_NE(err.message.find("gzip"), std::string::npos);
}

TEST_F(TempDir, BadJsonIsAnError) {
  const auto p = write("bad.json", R"({"a": "long", )");
  Schema s;
  Diagnostic err;
  EXPECT_FALSE(s.load_file(p, err));
  EXPECT_EQ(err.code, diag::kSchemaFile);
  EXPECT_NE(err.message.find("invalid JSON"), std::string::npos);
  EXPECT_NE(err.message.find(p), std::string::npos);
}

TEST_F(TempDir, WrongJsonShapesAreErrors) {
  Schema s;
  Diagnostic err;
  EXPECT_FALSE(s.load_file(write("arr.json", "[1, 2]"), err));
  EXPECT_EQ(err.code, diag::kSchemaFile);
  EXPECT_FALSE(s.load_file(write("num.json", R"({"a": 5})"), err));
  EXPECT_FALSE(s.load_file(write("notype.json", R"({"a": {"ignore_above": 5}})"), err));
  EXPECT_NE(err.message.find("'a'"), std::string::npos);
}

TEST_F(TempDir, BadYamlIsAnError) {
  Schema s;
  Diagnostic err;
  EXPECT_FALSE(s.load_file(write("bad.yml", "- name: [unclosed\n  type: keyword\n"), err));
  EXPECT_EQ(err.code, diag::kSchemaFile);
  EXPECT_NE(err.message.find("YAML"), std::string::npos);
  EXPECT_FALSE(s.load_file(write("map.yml", "name: x\ntype: keyword\n"), err));  // not a list
  EXPECT_NE(err.message.find("list"), std::string::npos);
}

TEST_F(TempDir, SchemaDirectoryWithoutEcsFile) {
  write("only.yml", "- name: a\n  type: long\n");
  Diagnostic err;
  EXPECT_FALSE(Schema::builtin(err, dir_.string()));
  EXPECT_EQ(err.code, diag::kSchemaFile);
  EXPECT_NE(err.message.find("ECS"), std::string::npos);
}

TEST(SchemaSet, SetMakesFieldsKnown) {
  Schema s;
  EXPECT_EQ(s.size(), 0u);
  s.set("x.y", FieldInfo{FieldType::Double, 0, false, false});
  EXPECT_TRUE(s.lookup("x.y").known);
  EXPECT_EQ(s.lookup("x.y").type, FieldType::Double);
  s.set("x.y", FieldInfo{FieldType::Keyword, 10, true, true});
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.lookup("x.y").ignore_above, 10u);
}

// ---- type names and classes

TEST(FieldTypes, NamesRoundTrip) {
  for (const char* name : {"keyword", "constant_keyword", "wildcard", "text", "match_only_text", "long", "integer",
                           "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long",
                           "boolean", "ip", "date", "date_nanos", "object", "nested", "flattened", "geo_point",
                           "binary"}) {
    EXPECT_STREQ(to_string(field_type_from(name)), name);
  }
  EXPECT_EQ(field_type_from("alias"), FieldType::Other);
  EXPECT_EQ(field_type_from("Keyword"), FieldType::Other);
  EXPECT_EQ(field_type_from(""), FieldType::Other);
}

TEST(FieldTypes, Classes) {
  for (FieldType t : {FieldType::Long, FieldType::Integer, FieldType::Short, FieldType::Byte, FieldType::Double,
                      FieldType::Float, FieldType::HalfFloat, FieldType::ScaledFloat, FieldType::UnsignedLong})
    EXPECT_TRUE(is_numeric(t)) << to_string(t);
  for (FieldType t : {FieldType::Keyword, FieldType::Boolean, FieldType::Ip, FieldType::Date, FieldType::Text})
    EXPECT_FALSE(is_numeric(t)) << to_string(t);
  EXPECT_TRUE(is_string_exact(FieldType::Keyword));
  EXPECT_TRUE(is_string_exact(FieldType::ConstantKeyword));
  EXPECT_TRUE(is_string_exact(FieldType::Wildcard));
  EXPECT_FALSE(is_string_exact(FieldType::Text));
  EXPECT_TRUE(is_analyzed(FieldType::Text));
  EXPECT_TRUE(is_analyzed(FieldType::MatchOnlyText));
  EXPECT_FALSE(is_analyzed(FieldType::Keyword));
}

// ---- glob matching

TEST(Glob, StarMatchesAnySequence) {
  const auto p = star_pattern({"", "S3", ""});
  EXPECT_TRUE(glob_match(p, "S3"));
  EXPECT_TRUE(glob_match(p, "my S3 Browser"));
  EXPECT_FALSE(glob_match(p, "s3"));
  EXPECT_TRUE(glob_match(star_pattern({"python", ""}), "python3.11"));
  EXPECT_FALSE(glob_match(star_pattern({"python", ""}), "/usr/bin/python"));
  EXPECT_TRUE(glob_match(star_pattern({"", ".exe"}), "cmd.exe"));
  EXPECT_FALSE(glob_match(star_pattern({"", ".exe"}), "cmd.exe.bak"));
  EXPECT_TRUE(glob_match(star_pattern({"a", "b", "c"}), "abc"));
  EXPECT_TRUE(glob_match(star_pattern({"a", "b", "c"}), "a-b-b-c"));
  EXPECT_FALSE(glob_match(star_pattern({"a", "b", "c"}), "acb"));
}

TEST(Glob, LiteralIsWholeString) {
  EXPECT_TRUE(glob_match(kql::literal("bash"), "bash"));
  EXPECT_FALSE(glob_match(kql::literal("bash"), "bash "));
  EXPECT_FALSE(glob_match(kql::literal("bash"), "zbash"));
  EXPECT_TRUE(glob_match(kql::literal(""), ""));
  EXPECT_FALSE(glob_match(kql::literal(""), "x"));
  EXPECT_TRUE(glob_match(kql::literal("a*b?"), "a*b?"));  // `*`/`?` inside a segment are literal
  EXPECT_FALSE(glob_match(kql::literal("a*b?"), "axxbc"));
}

TEST(Glob, QuestionMarkIsOneCodePoint) {
  const auto p = star_pattern({"a", "c"}, '?');
  EXPECT_TRUE(glob_match(p, "abc"));
  EXPECT_FALSE(glob_match(p, "ac"));
  EXPECT_FALSE(glob_match(p, "abbc"));
  EXPECT_TRUE(glob_match(p, "a\xC3\xA9" "c"));          // é: two bytes, one character
  EXPECT_TRUE(glob_match(p, "a\xF0\x9F\x98\x80" "c"));  // emoji: four bytes, one character
  EXPECT_TRUE(glob_match(p, "a\nc"));
  EXPECT_TRUE(glob_match(star_pattern({"", "", ""}, '?'), "xy"));  // "??"
  EXPECT_FALSE(glob_match(star_pattern({"", "", ""}, '?'), "\xC3\xA9"));
}

TEST(Glob, StarAndQuestionTogether) {
  kql::Pattern p = kql::literal("");
  p.add_wildcard('*');
  p.segments.back() = "x";
  p.add_wildcard('?');
  p.segments.back() = "z";  // *x?z
  EXPECT_TRUE(glob_match(p, "xyz"));
  EXPECT_TRUE(glob_match(p, "aaxxxyz"));
  EXPECT_TRUE(glob_match(p, "x\xE2\x82\xAC" "z"));  // € is one character
  EXPECT_FALSE(glob_match(p, "xz"));
}

TEST(Glob, StarMatchesNewlinesAndEmpty) {
  const auto p = star_pattern({"echo ", " done"});
  EXPECT_TRUE(glob_match(p, "echo line1\nline2\r\n done"));
  EXPECT_TRUE(glob_match(star_pattern({"", ""}), ""));
  EXPECT_TRUE(glob_match(star_pattern({"", ""}), "\n"));
  EXPECT_TRUE(glob_match(star_pattern({"a", ""}), "a"));
}

TEST(Glob, EmptySegmentsAndRepeatedStars) {
  const auto p = star_pattern({"", "", "a", "", ""});  // **a**
  EXPECT_TRUE(glob_match(p, "a"));
  EXPECT_TRUE(glob_match(p, "bab"));
  EXPECT_FALSE(glob_match(p, "bbb"));
  EXPECT_FALSE(glob_match(p, ""));
}

TEST(Glob, CaseSensitiveByDefault) {
  EXPECT_FALSE(glob_match(kql::literal("Cmd.EXE"), "cmd.exe"));
  EXPECT_FALSE(glob_match(star_pattern({"", "POWERSHELL", ""}), "powershell.exe"));
}

TEST(Glob, CaseInsensitive) {
  auto p = star_pattern({"", "PowerShell", ""});
  p.case_insensitive = true;
  EXPECT_TRUE(glob_match(p, "C:\\WINDOWS\\powershell.EXE"));
  EXPECT_FALSE(glob_match(p, "pwsh.exe"));
  auto u = kql::literal("\xC3\x89T\xC3\x89");  // ÉTÉ
  u.case_insensitive = true;
  EXPECT_TRUE(glob_match(u, "\xC3\xA9t\xC3\xA9"));  // été
  auto cy = kql::literal("\xD0\x9F\xD0\xA0\xD0\x98\xD0\x92\xD0\x95\xD0\xA2");  // ПРИВЕТ
  cy.case_insensitive = true;
  EXPECT_TRUE(glob_match(cy, "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"));  // привет
}

TEST(Glob, InvalidUtf8CountsBytewise) {
  const auto p = star_pattern({"a", "b"}, '?');
  EXPECT_TRUE(glob_match(p, "a\xFF" "b"));
  EXPECT_TRUE(glob_match(star_pattern({"", "b"}), "\xC3\xC3\xC3" "b"));
}

TEST(Glob, LongInputsStayFast) {
  // Backtracking patterns that are exponential for naive recursive matchers.
  const std::string text(200000, 'a');
  kql::Pattern p = kql::literal("");
  for (int k = 0; k < 20; ++k) {
    p.add_wildcard('*');
    p.segments.back() = "a";
  }
  p.add_wildcard('*');
  p.segments.back() = "b";
  // CPU time: milliseconds for a linear matcher (even under the sanitizers), ages for a backtracking one.
  const double start = thread_cpu_ms();
  EXPECT_FALSE(glob_match(p, text));
  EXPECT_TRUE(glob_match(p, text + "b"));
  EXPECT_LT(thread_cpu_ms() - start, 5000.0);
}

}  // namespace schema_test
}  // namespace
}  // namespace rulec
