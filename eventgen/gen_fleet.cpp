// The mixed scenario's fleet (hosts, agents, OS versions), users, process instances and program metadata.
#include <algorithm>
#include <cctype>
#include <iterator>

#include "eventgen/gen_mixed.h"

namespace rulec::gen::mix {

namespace {

constexpr std::string_view kAgentVersion = "8.13.2";

struct OsRelease {
  std::string_view family, full, kernel, name, platform, version, arch;
};

const OsRelease kWinServer{"windows", "Windows Server 2022 Datacenter 21H2 (10.0.20348.2340)",
                           "21H2 (10.0.20348.2340)", "Windows", "windows", "21H2", "x86_64"};
const OsRelease kWin11{"windows", "Windows 11 Pro 23H2 (10.0.22631.3447)", "23H2 (10.0.22631.3447)",
                       "Windows", "windows", "23H2", "x86_64"};
const OsRelease kWin10{"windows", "Windows 10 Enterprise 22H2 (10.0.19045.4291)",
                       "22H2 (10.0.19045.4291)", "Windows", "windows", "22H2", "x86_64"};
const OsRelease kLinux[] = {
    {"ubuntu", "Ubuntu 22.04.4", "5.15.0-1057-aws", "Linux", "ubuntu", "22.04.4", "x86_64"},
    {"debian", "Debian 12.5", "6.1.0-21-cloud-amd64", "Linux", "debian", "12.5", "x86_64"},
    {"rhel", "Red Hat Enterprise Linux 9.3", "5.14.0-362.24.1.el9_3.x86_64", "Linux", "rhel", "9.3", "x86_64"},
    {"amzn", "Amazon Linux 2023", "6.1.84-99.169.amzn2023.x86_64", "Linux", "amzn", "2023", "aarch64"},
};
const OsRelease kMac[] = {
    {"macos", "macOS 14.4.1", "23.4.0", "macOS", "macos", "14.4.1", "arm64"},
    {"macos", "macOS 13.6.6", "22.6.0", "macOS", "macos", "13.6.6", "x86_64"},
};

// The text of a member built with JsonOut (drops the enclosing braces).
std::string member(const JsonOut& j) { return std::string(j.text().substr(1, j.text().size() - 2)); }

std::string mac_address(uint64_t h) {
  std::string s;
  for (int i = 0; i < 6; ++i) {
    if (i) s += '-';
    append_hex(s, i == 0 ? 0x00 : (h >> (8 * i)) & 0xff, 2, true);
  }
  return s;
}

void render(Host& h, const OsRelease& rel, uint64_t hv) {
  JsonOut j;
  j.open().open("host").str("architecture", rel.arch).str("hostname", h.hostname).str("id", h.id);
  j.str1("ip", h.ip);
  j.arr("mac").item(mac_address(hv)).end_arr().str("name", h.name);
  j.open("os").str("family", rel.family).str("full", rel.full)
      .str("kernel", rel.kernel).str("name", rel.name).str("platform", rel.platform)
      .str("type", h.os == Os::win ? "windows" : h.os == Os::lin ? "linux" : "macos").str("version", rel.version)
      .close().close().close();
  h.host_json = member(j);
  j.clear();
  j.open().open("agent").str("id", h.agent_id).str("type", "endpoint")
      .str("version", kAgentVersion).close().close();
  h.agent_json = member(j);
  j.clear();
  j.open().open("elastic").open("agent").str("id", h.agent_id).close().close().close();
  h.elastic_json = member(j);
  j.clear();
  j.open().open("agent").str("id", h.agent_id).str("name", h.hostname).str("type", "filebeat")
      .str("version", kAgentVersion).close().open("elastic_agent").str("id", h.agent_id).boolean("snapshot", false)
      .str("version", kAgentVersion).close().close();
  h.fb_agent_json = member(j);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

void build_fleet(Fleet& f, int n, int64_t start_ms) {
  if (n < 3) n = 3;
  int nw = std::max(1, static_cast<int>(n * 0.45 + 0.5)), nl = std::max(1, static_cast<int>(n * 0.40 + 0.5));
  int nm = std::max(1, n - nw - nl);
  static constexpr std::string_view kWinServers[][2] = {{"DC01", "dc"}, {"DC02", "dc"}, {"SQL01", "sql"},
                                                         {"WEB01", "iis"}, {"FS01", "fs"}, {"APP01", "app"}};
  static constexpr std::string_view kLinRoles[] = {"web", "web", "db", "k8s-node", "k8s-node", "build", "bastion", "web", "k8s-node", "app"};
  for (int os = 0; os < 3; ++os) {
    int count = os == 0 ? nw : os == 1 ? nl : nm;
    const OsVocab& v = vocab(static_cast<Os>(os));
    for (int i = 0; i < count; ++i) {
      Rng hr(0xF1EE7000 + static_cast<uint64_t>(os) * 100000 + static_cast<uint64_t>(i));
      Host h;
      h.os = static_cast<Os>(os);
      uint64_t hv = hr.next();
      append_uuid(h.id, hr);
      append_uuid(h.agent_id, hr);
      const OsRelease* rel = nullptr;
      if (h.os == Os::win) {
        if (i < static_cast<int>(std::size(kWinServers))) {
          h.hostname = std::string(kWinServers[i][0]), h.role = std::string(kWinServers[i][1]), h.server = true;
          h.ip = i < 2 ? (i == 0 ? f.dc_ip : f.dc2_ip) : cat("10.0.0.", 20 + i);
          rel = &kWinServer;
        } else {
          h.hostname = (i % 4 == 0 ? "LAPTOP-" : "DESKTOP-");
          for (int k = 0; k < 7; ++k) h.hostname += "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"[(hv >> (5 * k)) % 34];
          h.role = "workstation";
          h.ip = cat("10.1.", i / 250, ".", 10 + i % 240);
          rel = i % 3 == 0 ? &kWin10 : &kWin11;
        }
        h.name = lower(h.hostname);
        h.user = h.server ? v.admins[static_cast<size_t>(i) % v.admins.size()] : v.users[static_cast<size_t>(i) % v.users.size()];
        h.home = cat("C:\\Users\\", h.user);
      } else if (h.os == Os::lin) {
        std::string_view role = kLinRoles[static_cast<size_t>(i) % std::size(kLinRoles)];
        h.role = std::string(role), h.server = true;
        h.hostname = cat(h.role, "-prod-", i + 1 < 10 ? "0" : "", i + 1);
        h.name = h.hostname;
        h.ip = cat("10.2.", i / 250, ".", 10 + i % 240);
        rel = &kLinux[static_cast<size_t>(i) % std::size(kLinux)];
        h.user = v.users[static_cast<size_t>(i) % v.users.size()];
        h.home = cat("/home/", h.user);
      } else {
        h.role = "laptop";
        h.user = v.users[static_cast<size_t>(i) % v.users.size()];
        h.hostname = cat(h.user, "-mbp-", i + 1);
        h.name = h.hostname;
        h.ip = cat("10.3.", i / 250, ".", 10 + i % 240);
        rel = &kMac[static_cast<size_t>(i) % 3 == 2 ? 1 : 0];
        h.home = cat("/Users/", h.user);
      }
      h.boot_ms = start_ms - static_cast<int64_t>(hv % (h.server ? 20 * 86400000ull : 3 * 86400000ull));
      h.record_id = 1000000 + hv % 9000000;
      h.log_offset = hv % 10000000;
      render(h, *rel, hv);
      f.hosts[os].push_back(std::move(h));
    }
  }
}

Gen::Gen(const MixedScenario& sc) : s(sc), r(sc.seed) { build_fleet(fleet, sc.hosts, sc.start_ms); }

const ProgInfo& Gen::info(const Program& p, const OsVocab& v) {
  auto it = info_.find(&p);
  if (it != info_.end()) return it->second;
  ProgInfo pi;
  pi.key = hash64(p.name) ^ hash64(p.exe, 1);
  std::string h3;
  for (uint64_t k = 7; k < 11; ++k) append_hex(h3, hash64(p.exe, k), 16);
  JsonOut out;
  out.open().open("hash").str("sha256", h3).close().close();
  pi.hash_json = member(out);
  if (v.os == Os::win) {
    out.clear();
    out.open().open("code_signature");
    if (p.signer.empty()) out.boolean("exists", false);
    else out.boolean("exists", true).str("status", "trusted").str("subject_name", p.signer).boolean("trusted", true);
    out.close().close();
    pi.sig_json = member(out);
    if (!p.pe_name.empty()) {
      out.clear();
      out.open().open("pe").str("company", p.company).str("description", p.pe_desc)
          .str("original_file_name", p.pe_name).close().close();
      pi.pe_json = member(out);
    }
  } else if (v.os == Os::mac && !p.signer.empty()) {
    out.clear();
    out.open().open("code_signature").boolean("exists", true).str("signing_id", p.sign_id).str("status", "trusted")
        .str("subject_name", p.signer).str("team_id", p.team).boolean("trusted", true).close().close();
    pi.sig_json = member(out);
  }
  for (std::string_view n : p.parents)
    if (const Program* q = v.find(n)) pi.parents.push_back(q);
  if (pi.parents.empty() && !v.parents.empty() && &p != &v.parents[0]) pi.parents.push_back(&v.parents[0]);
  return info_.emplace(&p, std::move(pi)).first->second;
}

UserRef Gen::user_for(const Program& p, const Host& h) {
  const OsVocab& v = vocab(h.os);
  auto id_of = [&](std::string_view name, std::string_view id) -> std::string {
    if (!id.empty()) return std::string(id);
    if (h.os == Os::win) return domain_sid(name);
    if (h.os == Os::mac) return name == h.user ? "501" : "502";
    return std::to_string(1000 + hash64(name) % 50);
  };
  if (h.os == Os::win) {
    switch (p.who) {
      case Who::system: return {"SYSTEM", "NT AUTHORITY", "S-1-5-18"};
      case Who::lservice: return {"LOCAL SERVICE", "NT AUTHORITY", "S-1-5-19"};
      case Who::nservice:
      case Who::daemon: return {"NETWORK SERVICE", "NT AUTHORITY", "S-1-5-20"};
      default: {
        std::string_view n = h.server ? v.admins[r.zipf(v.admins.size())] : h.user;
        return {n, n == "Administrator" ? std::string_view(h.hostname) : "CORP", id_of(n, {})};
      }
    }
  }
  if (p.who == Who::system) return {"root", {}, "0"};
  if (p.who == Who::daemon && h.os == Os::lin) {
    static constexpr std::string_view kUids[][2] = {{"www-data", "33"}, {"postgres", "113"}, {"app", "1001"},
                                                     {"systemd-resolve", "991"}, {"_chrony", "107"}, {"_apt", "42"},
                                                     {"syslog", "104"}};
    for (auto& u : kUids)
      if (u[0] == p.daemon_user) return {u[0], {}, std::string(u[1])};
    return {p.daemon_user, {}, "998"};
  }
  if (h.os == Os::mac || p.who == Who::daemon) return {h.user, {}, id_of(h.user, {})};
  std::string_view n = p.who == Who::admin ? v.admins[r.zipf(v.admins.size())] : (r.chance(0.7) ? h.user : v.users[r.zipf(v.users.size())]);
  return {n, {}, id_of(n, {})};
}

void Gen::entity_id(std::string& out, const Host& h, int64_t pid, int64_t start_ms) {
  scratch.clear();
  scratch += h.agent_id;
  scratch += '-';
  append_num(scratch, pid);
  scratch += '-';
  append_num(scratch, start_ms / 1000 + 11644473600);
  scratch += '.';
  append_num(scratch, 100 + start_ms % 900);
  out.clear();
  append_base64(out, scratch);
}

ProcInst Gen::instance(const Program& p, const Host& h, int64_t t, uint64_t salt) {
  const OsVocab& v = vocab(h.os);
  const ProgInfo& pi = info(p, v);
  ProcInst in;
  bool boot = p.parents.empty() || p.name == "services.exe" || p.name == "lsass.exe" || p.name == "explorer.exe" ||
              p.name == "wininit.exe" || p.name == "cron" || p.name == "containerd" || p.name == "dockerd";
  constexpr int64_t kEpoch = 6 * 3600000;
  int64_t epoch = boot ? 0 : (t - h.boot_ms) / kEpoch;
  uint64_t hv = hash64(h.id, pi.key ^ (static_cast<uint64_t>(epoch) * 0x9E3779B97F4A7C15ull) ^ salt);
  if (p.name == "systemd" || p.name == "launchd") in.pid = 1;
  else if (p.name == "System") in.pid = 4;
  else in.pid = 300 + static_cast<int64_t>(hv % 60000);
  if (h.os == Os::win) in.pid &= ~int64_t{3};
  in.start_ms = boot ? h.boot_ms + static_cast<int64_t>(hv % 60000) : h.boot_ms + epoch * kEpoch + static_cast<int64_t>(hv % 600000);
  if (in.start_ms > t) in.start_ms = t - 1000;
  entity_id(in.entity, h, in.pid, in.start_ms);
  return in;
}

ExpandCtx& Gen::ctx(const Host& h, int64_t t, std::string_view user) {
  ctx_.r = &r, ctx_.os = h.os, ctx_.user = user, ctx_.host = h.hostname, ctx_.ad_domain = fleet.ad_domain;
  ctx_.t_ms = t, ctx_.tf = &tf;
  ctx_.home = h.home;
  if (user != h.user) {
    static thread_local std::string home;
    home = h.os == Os::win ? "C:\\Users\\" : h.os == Os::mac ? "/Users/" : (user == "root" ? "/root" : "/home/");
    if (user != "root" || h.os != Os::lin) home += user;
    ctx_.home = home;
  }
  return ctx_;
}

std::string domain_sid(std::string_view name) {
  return cat("S-1-5-21-1004336348-1177238915-682003330-", name == "Administrator" ? 500 : 1100 + hash64(name) % 8000);
}

std::string attacker_ip(Rng& r) {
  static constexpr std::string_view kNets[] = {"45.137.21.", "185.220.101.", "91.92.240.", "194.26.192.", "103.145.13.",
                                                "5.188.206.", "141.98.10.", "80.94.95."};
  std::string s(kNets[r.below(std::size(kNets))]);
  append_num(s, 2 + static_cast<int64_t>(r.below(250)));
  return s;
}

}  // namespace rulec::gen::mix
