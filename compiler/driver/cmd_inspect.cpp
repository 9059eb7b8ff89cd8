// `rulec inspect FILE.rbundle`: prints a bundle's manifest, signature and rules after checking it.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compiler/driver/commands.h"
#include "runtime/common/dates.h"
#include "runtime/loader/bundle_loader.h"

namespace rulec::driver {

Runner add_inspect_command(CLI::App& app) {
  struct Options {
    std::string file;
    std::string trusted_key;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("inspect", "Print a bundle's manifest and rules");
  cmd->add_option("bundle", opts->file, "The bundle (.rbundle); - for stdin")->required();
  cmd->add_option("--trusted-key", opts->trusted_key, "Also verify the signature with this public key");
  cmd->add_flag("--json", opts->json, "Print the manifest as JSON");
  cmd->footer("The structure and checksum are always checked. Exit status: 0 valid, 1 damaged or\n"
              "signature refused, 2 usage.\nExample:\n  rulec inspect rules.rbundle --trusted-key build.pub");
  return [opts]() {
    std::string bytes, error;
    if (!read_input(opts->file, bytes)) return kExitFindings;
    rt::BundleView view;
    if (!rt::parse_bundle(bytes, view, error)) {
      fmt::print(stderr, "rulec: {}: {}\n", opts->file, error);
      return kExitFindings;
    }
    std::string sig = "unsigned";
    if (view.signature.present)
      sig = fmt::format("signed by key {} at {}", rt::key_fingerprint(view.signature.key), iso8601_ms(view.signature.signed_at_ms));
    if (!opts->trusted_key.empty()) {
      rt::PublicKey pk;
      if (!rt::read_public_key(opts->trusted_key, pk, error) || !rt::verify_bundle_signature(view, pk, error)) {
        fmt::print(stderr, "rulec: {}: {}\n", opts->file, error);
        return kExitFindings;
      }
      sig += " (verified)";
    } else if (view.signature.present) {
      sig += " (not verified: no --trusted-key)";
    }
    auto m = nlohmann::ordered_json::parse(view.section(bundle::SectionId::Manifest), nullptr, false);
    std::vector<rt::BundledRule> rules;
    std::vector<rt::BundledData> carried;
    if (m.is_discarded() || !m.is_object() ||
        !rt::decode_rules(view.section(bundle::SectionId::Rules), rules, error, view.format_version, &carried)) {
      fmt::print(stderr, "rulec: {}: {}\n", opts->file, m.is_discarded() ? "manifest: not valid JSON" : error);
      return kExitFindings;
    }
    if (opts->json) {
      m["signature"] = sig;
      fmt::print("{}\n", m.dump(2));
      return kExitOk;
    }
    auto str = [&](const char* k) { return m.contains(k) ? (m[k].is_string() ? m[k].get<std::string>() : m[k].dump()) : "?"; };
    fmt::print("bundle      {} ({} bytes)\n", opts->file, bytes.size());
    fmt::print("format      {}\nrulec       {}\nhyperscan   {}\n", view.format_version, str("rulec_version"), str("hyperscan_version"));
    fmt::print("created     {}\nsignature   {}\nchecksum    {}\n", str("created"), sig,
               rt::to_hex(view.checksum.data(), view.checksum.size()));
    for (uint32_t i = 1; i <= bundle::kSharedSections; ++i)
      fmt::print("section     {:<10} {:>9} bytes\n", bundle::section_name(static_cast<bundle::SectionId>(i)),
                 view.section(static_cast<bundle::SectionId>(i)).size());
    // Format 5 lists its variants; an older bundle's only one is the manifest's top level.
    const nlohmann::ordered_json variants =
        m.contains("variants") && m["variants"].is_array() ? m["variants"] : nlohmann::ordered_json::array({m});
    // What the rules read besides events: indicator feeds and value lists, carried or the sensor's.
    std::vector<std::string> lists;
    bool threat = false;
    for (const auto& r : rules) {
      threat = threat || r.info.kind == rt::DetectionKind::ThreatMatch;
      for (const auto& item : r.info.value_list_items)
        for (const auto& e : item)
          if (std::find(lists.begin(), lists.end(), e.list_id) == lists.end()) lists.push_back(e.list_id);
    }
    bool feeds = false;
    for (const auto& d : carried) {
      const bool feed = d.kind == rt::BundledData::Kind::IndicatorFeed;
      feeds = feeds || feed;
      fmt::print("carries     {} {} ({} bytes, {} lines)\n", feed ? "indicator feed" : "value list", d.name, d.bytes.size(),
                 std::count(d.bytes.begin(), d.bytes.end(), '\n') + (!d.bytes.empty() && d.bytes.back() != '\n'));
    }
    if (threat && !feeds) fmt::print("carries     no indicator feed: its threat_match rules read the sensor's --indicators\n");
    for (const auto& id : lists)
      if (std::none_of(carried.begin(), carried.end(), [&](const rt::BundledData& d) {
            return d.kind == rt::BundledData::Kind::ValueList && d.name == id;
          }))
        fmt::print("carries     no value list {}: the sensor's --value-list {}=FILE\n", id, id);
    fmt::print("variants    {}\n", view.variant_count);
    for (uint32_t v = 0; v < view.variant_count; ++v) {
      const auto& d = v < variants.size() && variants[v].is_object() ? variants[v] : nlohmann::ordered_json::object();
      const auto& cpu = d.contains("cpu") && d["cpu"].is_object() ? d["cpu"] : nlohmann::ordered_json::object();
      fmt::print("  variant {}  {} {} (llvm cpu {}, requires {}): code {} bytes, databases section {} bytes\n", v + 1,
                 d.value("target", "?"), cpu.value("tier", "?"), cpu.value("llvm_cpu", "?"),
                 cpu.contains("required") ? cpu["required"].dump() : "?", view.section(bundle::SectionId::Code, v).size(),
                 view.section(bundle::SectionId::Databases, v).size());
      if (d.contains("databases") && d["databases"].is_array())
        for (const auto& db : d["databases"])
          if (db.is_object())
            fmt::print("    {:<40} {:>5} patterns {:>8} bytes  {}\n", db.value("field", "?"), db.value("patterns", 0),
                       db.value("bytes", 0), db.value("hash", "?").substr(0, 16));
    }
    fmt::print("rules       {}\n", rules.size());
    for (const auto& r : rules)
      fmt::print("  {:<36} {:<10} {:<8} {}\n    {}\n", r.info.rule_id, r.info.type_name, r.info.severity, r.info.name, r.query);
    if (m.contains("excluded") && m["excluded"].is_array() && !m["excluded"].empty()) {
      fmt::print("left out    {}\n", m["excluded"].size());
      for (const auto& e : m["excluded"])
        if (e.is_object()) fmt::print("  {}: {}\n", e.value("rule", "?"), e.value("reason", "?"));
    }
    return kExitOk;
  };
}

}  // namespace rulec::driver
