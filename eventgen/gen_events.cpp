// Event writers of the mixed scenario: Elastic Defend process/network/file and system-integration auth events.
#include "eventgen/gen_mixed.h"

namespace rulec::gen::mix {

namespace {
constexpr std::string_view kEcsVersion = "8.11.0";

std::string_view logon_type_name(std::string_view t) {
  if (t == "2") return "Interactive";
  if (t == "3") return "Network";
  if (t == "4") return "Batch";
  if (t == "5") return "Service";
  if (t == "7") return "Unlock";
  if (t == "9") return "NewCredentials";
  if (t == "10") return "RemoteInteractive";
  if (t == "11") return "CachedInteractive";
  return "Unknown";
}
}  // namespace

void Gen::header(Host& h, int64_t t, std::string_view dataset) {
  j.clear();
  j.open().str("@timestamp", tf.iso(t)).fragment(h.agent_json);
  j.open("data_stream").str("dataset", dataset).str("namespace", "default").str("type", "logs").close();
  j.open("ecs").str("version", kEcsVersion).close().fragment(h.elastic_json);
}

void Gen::endpoint_event(Host& h, int64_t t, std::string_view dataset, std::string_view action,
                         std::string_view category, std::string_view type, std::string_view type2) {
  j.open("event").str("action", action).str1("category", category);
  j.str("created", tf.iso(t)).str("dataset", dataset);
  scratch.assign(1, 'N');
  append_random_base64(scratch, r, 20);
  scratch += "++++";
  j.str("id", scratch).str("ingested", tf.iso_s(t + 800 + static_cast<int64_t>(r.below(4000))));
  j.str("kind", "event").str("module", "endpoint").num("sequence", static_cast<int64_t>(++h.seq));
  j.arr("type").item(type);
  if (!type2.empty()) j.item(type2);
  j.end_arr().close();
}

void Gen::expand_argv(const std::vector<std::string_view>& tmpl, Argv& out) {
  out.clear();
  for (std::string_view a : tmpl) {
    expand(a, ctx_, out.buf);
    out.push();
  }
}

void Gen::write_user(const UserRef& u, Os) {
  j.open("user");
  if (!u.domain.empty()) j.str("domain", u.domain);
  j.str("id", u.id).str("name", u.name).close();
}

void Gen::process(Host& h, int64_t t, const Program& child, const std::vector<std::string_view>& tmpl,
                  const Program& parent, const ProcOpts& o) {
  const OsVocab& v = vocab(h.os);
  const ProgInfo& ci = info(child, v);
  const bool win = h.os == Os::win;
  UserRef u = user_for(child, h);
  ctx(h, t, u.name);
  expand_argv(tmpl, argv);
  cmd.clear();
  argv.command_line(cmd, win);
  path.clear();
  expand(child.exe, ctx_, path);
  ProcInst pi = instance(parent, h, t);
  std::string pent = std::move(pi.entity);
  expand_argv(o.parent_argv ? *o.parent_argv : parent.cmds[0], pargv);
  pcmd.clear();
  pargv.command_line(pcmd, win);
  int64_t pid = 300 + static_cast<int64_t>(r.below(win ? 30000 : 4000000));
  if (win) pid &= ~int64_t{3};
  std::string ent;
  entity_id(ent, h, pid, t);

  header(h, t, "endpoint.events.process");
  endpoint_event(h, t, "endpoint.events.process", win ? "start" : "exec", "process", "start");
  j.fragment(h.host_json).str("message", "Endpoint process event");
  j.open("process").open("Ext").arr("ancestry").item(pent);
  j.end_arr();
  if (win) {
    std::string_view il = u.id == "S-1-5-18" ? "system" : child.who == Who::admin ? "high" : "medium";
    j.open("token").boolean("elevation", il != "medium").str("integrity_level_name", il).close();
  }
  j.close();
  j.arr("args");
  for (size_t i = 0; i < argv.size(); ++i) j.item(argv[i]);
  j.end_arr().num("args_count", static_cast<int64_t>(argv.size()));
  if (!o.signer.empty() || o.untrusted) {
    j.open("code_signature").boolean("exists", true).str("status", o.untrusted ? "errorExpired" : "trusted");
    j.str("subject_name", o.signer.empty() ? child.signer : o.signer).boolean("trusted", !o.untrusted).close();
  } else if (!ci.sig_json.empty()) {
    j.fragment(ci.sig_json);
  }
  j.str("command_line", cmd).str("entity_id", ent).str("executable", path).fragment(ci.hash_json);
  if (!win) j.boolean("interactive", child.who == Who::user && r.chance(0.6));
  j.str("name", child.name);
  j.open("parent").arr("args");
  for (size_t i = 0; i < pargv.size(); ++i) j.item(pargv[i]);
  j.end_arr().num("args_count", static_cast<int64_t>(pargv.size()));
  j.str("command_line", pcmd).str("entity_id", pent);
  path.clear();
  expand(parent.exe, ctx_, path);
  j.str("executable", path).str("name", parent.name).num("pid", pi.pid).close();
  if (win && !ci.pe_json.empty()) j.fragment(ci.pe_json);
  j.num("pid", pid).str("start", tf.iso(t));
  path.clear();
  if (!o.cwd.empty()) path = o.cwd;
  else if (!child.cwd.empty()) expand(child.cwd, ctx_, path);
  else if (win) path = u.id.size() < 10 ? std::string("C:\\Windows\\system32\\") : cat(ctx_.home, "\\");
  else path = u.id == "0" ? std::string("/") : std::string(ctx_.home);
  j.str("working_directory", path).close();
  write_user(u, h.os);
  j.close();
}

void Gen::network(Host& h, int64_t t, const Program& p, const NetSpec& n) {
  const bool dns = n.action.starts_with("lookup");
  UserRef u = user_for(p, h);
  ProcInst pi = instance(p, h, t, 0x4E7);
  header(h, t, "endpoint.events.network");
  std::string_view type = n.action == "disconnect_received" ? "end" : dns ? "protocol" : "start";
  endpoint_event(h, t, "endpoint.events.network", n.action, "network", type, dns ? "info" : "");
  int64_t local_port = n.local_port ? n.local_port
                                    : (h.os == Os::lin ? 32768 + static_cast<int64_t>(r.below(28000))
                                                       : 49152 + static_cast<int64_t>(r.below(16000)));
  const bool small = n.protocol == "dns" || n.protocol == "ntp";  // one datagram each way
  int64_t sbytes = small ? 40 + static_cast<int64_t>(r.below(80)) : 200 + static_cast<int64_t>(r.zipf(4000)) * 37;
  int64_t dbytes = small ? 60 + static_cast<int64_t>(r.below(400)) : 400 + static_cast<int64_t>(r.zipf(100000)) * 113;
  auto endpoint = [&](std::string_view key, std::string_view ip, int64_t port, std::string_view domain, int64_t bytes) {
    j.open(key).str("address", ip);
    if (n.has_bytes) j.num("bytes", bytes);
    if (!domain.empty()) j.str("domain", domain);
    j.str("ip", ip).num("port", port).close();
  };
  if (n.ingress) endpoint("destination", h.ip, n.remote_port, {}, dbytes);
  else endpoint("destination", n.remote_ip, n.remote_port, dns ? std::string_view() : std::string_view(n.domain), dbytes);
  if (dns) {
    j.open("dns").open("Ext").str("options", "0x0").num("status", 0).close();
    std::string_view reg = n.domain;  // the last two labels
    size_t last = reg.rfind('.');
    if (last != std::string_view::npos && last > 0) {
      size_t prev = reg.rfind('.', last - 1);
      if (prev != std::string_view::npos) reg.remove_prefix(prev + 1);
    }
    j.open("question").str("name", n.domain).str("registered_domain", reg).str("type", "A").close();
    if (n.action == "lookup_result") {
      scratch.clear();
      append_num(scratch, static_cast<int64_t>(hash64(n.domain) % 200) + 13);
      scratch += '.';
      append_num(scratch, static_cast<int64_t>(hash64(n.domain, 1) % 256));
      scratch += '.';
      append_num(scratch, static_cast<int64_t>(hash64(n.domain, 2) % 254) + 1);
      scratch += ".";
      append_num(scratch, static_cast<int64_t>(hash64(n.domain, 3) % 254) + 1);
      j.str1("resolved_ip", scratch);
    }
    j.close();
  }
  j.fragment(h.host_json).str("message", dns ? "Endpoint DNS event" : "Endpoint network event");
  j.open("network").str("direction", n.ingress ? "ingress" : "egress").str("protocol", n.protocol)
      .str("transport", n.transport).str("type", "ipv4").close();
  j.open("process").open("Ext").arr("ancestry");
  const ProgInfo& ci = info(p, vocab(h.os));
  if (!ci.parents.empty()) j.item(instance(*ci.parents[0], h, t).entity);
  j.end_arr().close().str("entity_id", pi.entity);
  path.clear();
  ctx(h, t, u.name);
  expand(p.exe, ctx_, path);
  if (p.name != "System") j.str("executable", path);
  j.str("name", p.name).num("pid", pi.pid).close();
  if (n.ingress) endpoint("source", n.remote_ip, local_port, {}, sbytes);
  else endpoint("source", h.ip, local_port, {}, sbytes);
  write_user(u, h.os);
  j.close();
}

void Gen::file(Host& h, int64_t t, const Program& p, std::string_view fpath, std::string_view action) {
  const bool win = h.os == Os::win;
  UserRef u = user_for(p, h);
  ProcInst pi = instance(p, h, t, 0xF11E);
  header(h, t, "endpoint.events.file");
  std::string_view type = action == "creation" ? "creation" : action == "deletion" ? "deletion" : "change";
  endpoint_event(h, t, "endpoint.events.file", action, "file", type);
  char sep = win ? '\\' : '/';
  size_t slash = fpath.rfind(sep);
  std::string_view dir = slash == std::string_view::npos ? std::string_view() : fpath.substr(0, slash);
  std::string_view name = slash == std::string_view::npos ? fpath : fpath.substr(slash + 1);
  size_t dot = name.rfind('.');
  j.open("file");
  if (action != "deletion") {
    j.open("Ext");
    if (action == "creation" || action == "modification") {
      scratch.clear();
      append_hex(scratch, r.next(), 16);
      append_hex(scratch, r.next(), 16);
      j.num("entropy_bits", 100 + static_cast<int64_t>(r.below(700))).str("header_bytes", scratch);
    }
    if (action == "rename") {
      std::string orig(fpath);
      orig += ".tmp";
      j.open("original").str("name", cat(name, ".tmp")).str("path", orig).close();
    }
    j.close();
  }
  j.str("directory", dir);
  if (dot != std::string_view::npos && dot + 1 < name.size()) j.str("extension", name.substr(dot + 1));
  j.str("name", name).str("path", fpath);
  if (action != "deletion") j.num("size", static_cast<int64_t>(r.zipf(200000)) * 97 + 12);
  j.close();
  j.fragment(h.host_json).str("message", "Endpoint file event");
  const ProgInfo& ci = info(p, vocab(h.os));
  j.open("process").open("Ext").arr("ancestry");
  if (!ci.parents.empty()) j.item(instance(*ci.parents[0], h, t).entity);
  j.end_arr().close().str("entity_id", pi.entity);
  cmd.clear();
  ctx(h, t, u.name);
  expand(p.exe, ctx_, cmd);
  j.str("executable", cmd).str("name", p.name).num("pid", pi.pid).close();
  write_user(u, h.os);
  j.close();
}

void Gen::win_auth(Host& h, int64_t t, const WinAuthSpec& a) {
  const bool ok = a.code == 4624;
  j.clear();
  j.open().str("@timestamp", tf.iso(t)).fragment(h.fb_agent_json);
  j.open("data_stream").str("dataset", "system.security").str("namespace", "default").str("type", "logs").close();
  j.open("ecs").str("version", "8.0.0").close();
  j.open("event").str("action", ok ? "logged-in" : "logon-failed").str("agent_id_status", "verified")
      .str1("category", "authentication").str("code", ok ? "4624" : "4625").str("created", tf.iso(t + 300))
      .str("dataset", "system.security").str("ingested", tf.iso_s(t + 1500 + static_cast<int64_t>(r.below(5000))))
      .str("kind", "event").str("module", "system").str("outcome", ok ? "success" : "failure")
      .str("provider", "Microsoft-Windows-Security-Auditing").str1("type", "start").close();
  j.fragment(h.host_json).open("log").str("level", "information").close();
  std::string logon_id;
  append_hex(logon_id, r.next(), 7);
  logon_id.insert(0, "0x");
  std::string_view tname = logon_type_name(a.logon_type);
  cmd.clear();
  cmd += ok ? "An account was successfully logged on.\n\nLogon Information:\n\tLogon Type:\t\t"
            : "An account failed to log on.\n\nLogon Type:\t\t\t";
  cmd += a.logon_type;
  cmd += "\n\nNew Logon:\n\tSecurity ID:\t\t";
  cmd += ok ? std::string_view(a.user.id) : "S-1-0-0";
  cmd += "\n\tAccount Name:\t\t";
  cmd += a.user.name;
  cmd += "\n\tAccount Domain:\t\t";
  cmd += a.user.domain;
  cmd += "\n\nNetwork Information:\n\tWorkstation Name:\t";
  cmd += a.workstation;
  cmd += "\n\tSource Network Address:\t";
  cmd += a.src_ip;
  cmd += "\n\tSource Port:\t\t";
  append_num(cmd, a.src_port);
  j.str("message", cmd);
  bool local = a.logon_type != "3";
  if (local) {
    std::string_view exe = a.logon_type == "5" ? "C:\\Windows\\System32\\services.exe"
                           : a.logon_type == "9" ? "C:\\Windows\\System32\\svchost.exe"
                                                 : "C:\\Windows\\System32\\svchost.exe";
    j.open("process").str("executable", exe).str("name", exe.substr(exe.rfind('\\') + 1))
        .num("pid", 600 + static_cast<int64_t>(r.below(2000)) * 4).close();
  }
  j.open("related");
  if (a.src_ip != "-") j.str1("ip", a.src_ip);
  j.str1("user", a.user.name).close();
  if (a.src_ip != "-") {
    j.open("source");
    if (a.workstation != "-") j.str("domain", a.workstation);
    j.str("ip", a.src_ip).num("port", a.src_port).close();
  }
  j.open("user").str("domain", a.user.domain).str("id", ok ? std::string_view(a.user.id) : "S-1-0-0").str("name", a.user.name).close();
  j.open("winlog").str("channel", "Security").str("computer_name", h.hostname + "." + fleet.ad_domain);
  j.open("event_data").str("AuthenticationPackageName", a.package);
  if (!ok) j.str("FailureReason", "%%2313");
  j.str("IpAddress", a.src_ip);
  j.str("LogonProcessName", a.logon_process).str("LogonType", a.logon_type);
  if (!ok) j.str("Status", "0xc000006d").str("SubStatus", a.sub_status);
  j.str("SubjectUserName", cat(local ? std::string_view(h.hostname) : "-", local ? "$" : "")).str("SubjectUserSid", local ? "S-1-5-18" : "S-1-0-0")
      .str("TargetDomainName", a.user.domain);
  if (ok) j.str("TargetLogonId", logon_id);
  j.str("TargetUserName", a.user.name);
  if (ok) j.str("TargetUserSid", a.user.id);
  j.str("WorkstationName", a.workstation).close();
  j.str("event_id", ok ? "4624" : "4625").str1("keywords", ok ? "Audit Success" : "Audit Failure");
  j.open("logon");
  if (!ok) {
    j.open("failure").str("reason", "Unknown user name or bad password.")
        .str("status", "This is either due to a bad username or authentication information.")
        .str("sub_status", a.sub_status == "0xc0000064" ? "User logon with misspelled or bad user account"
                                                        : "User logon with misspelled or bad password")
        .close();
  } else {
    j.str("id", logon_id);
  }
  j.str("type", tname).close();
  j.str("provider_name", "Microsoft-Windows-Security-Auditing");
  j.str("record_id", std::to_string(++h.record_id)).str("task", "Logon").num("version", ok ? 2 : 0).close();
  j.close();
}

void Gen::ssh_auth(Host& h, int64_t t, const SshSpec& a) {
  bool pub = a.success && a.method == "publickey";
  std::string sig;
  if (pub) {
    sig = "ED25519 SHA256:";
    Rng kr(hash64(a.user, 77));  // one key per user
    append_random_base64(sig, kr, 43);
  }
  int64_t pid = 1000 + static_cast<int64_t>(r.below(4000000));
  cmd.clear();
  cmd += a.success ? "Accepted " : "Failed ";
  cmd += a.method;
  cmd += " for ";
  if (a.invalid_user) cmd += "invalid user ";
  cmd += a.user;
  cmd += " from ";
  cmd += a.src_ip;
  cmd += " port ";
  append_num(cmd, a.src_port);
  cmd += " ssh2";
  if (pub) cmd += ": " + sig;
  j.clear();
  j.open().str("@timestamp", tf.iso(t)).fragment(h.fb_agent_json);
  j.open("data_stream").str("dataset", "system.auth").str("namespace", "default").str("type", "logs").close();
  j.open("ecs").str("version", "8.0.0").close();
  j.open("event").str("action", "ssh_login").str("agent_id_status", "verified");
  j.arr("category").item("authentication").item("session").end_arr();
  j.str("dataset", "system.auth").str("ingested", tf.iso_s(t + 1200 + static_cast<int64_t>(r.below(4000))))
      .str("kind", "event").str("module", "system").str("outcome", a.success ? "success" : "failure")
      .str1("type", "info").str("timezone", "+00:00").close();
  j.fragment(h.host_json);
  j.open("log").open("file").str("path", h.role == "bastion" || h.name.find("rhel") != std::string::npos ? "/var/log/secure" : "/var/log/auth.log")
      .close().num("offset", static_cast<int64_t>(h.log_offset += 180 + r.below(120))).close();
  j.str("message", cmd).open("process").str("name", "sshd").num("pid", pid).close();
  j.open("related").str1("hosts", h.hostname).str1("ip", a.src_ip).str1("user", a.user).close();
  j.open("source").str("address", a.src_ip);
  if (!a.src_ip.starts_with("10.")) {
    static constexpr std::string_view kGeo[][4] = {{"Asia", "CN", "China", "4134"}, {"Europe", "RU", "Russia", "49505"},
                                                   {"Europe", "NL", "Netherlands", "202425"}, {"North America", "US", "United States", "14061"},
                                                   {"Asia", "VN", "Vietnam", "7552"}, {"South America", "BR", "Brazil", "28573"}};
    const auto& g = kGeo[hash64(a.src_ip) % std::size(kGeo)];
    j.open("as").num("number", std::stoll(std::string(g[3]))).close();
    j.open("geo").str("continent_name", g[0]).str("country_iso_code", g[1]).str("country_name", g[2]).close();
  }
  j.str("ip", a.src_ip).num("port", a.src_port).close();
  j.open("system").open("auth").open("ssh").str("event", a.success ? "Accepted" : a.invalid_user ? "Invalid" : "Failed")
      .str("method", a.method);
  if (pub) j.str("signature", sig);
  j.close().close().close();
  j.open("user").str("name", a.user).close();
  j.close();
}

}  // namespace rulec::gen::mix
