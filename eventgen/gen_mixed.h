// Internals of the mixed scenario: the fleet of hosts, the generator state and the event writers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eventgen/event_gen.h"
#include "eventgen/gen_text.h"
#include "eventgen/gen_vocab.h"

namespace rulec::gen::mix {

struct Host {
  Os os = Os::win;
  std::string name, hostname, id, agent_id, ip, role;
  std::string_view user;       // the primary interactive user
  std::string home;            // that user's home directory
  bool server = false;
  std::string host_json;       // "host":{...}
  std::string agent_json;      // "agent":{...} of Elastic Defend
  std::string elastic_json;    // "elastic":{"agent":{"id":...}}
  std::string fb_agent_json;   // "agent":{...} and "elastic_agent":{...} of the system integration
  int64_t boot_ms = 0;         // boot time: long-lived processes started then
  uint64_t seq = 0;            // event.sequence
  uint64_t log_offset = 0;     // log.offset of system.auth events
  uint64_t record_id = 0;      // winlog.record_id
};

struct Fleet {
  std::vector<Host> hosts[3];  // by Os
  std::string ad_domain = "corp.example.com";
  std::string dc_ip = "10.0.0.10", dc2_ip = "10.0.0.11", dns_ip = "10.0.0.2";
};
// Builds `n` hosts (at least one per OS) named and addressed independently of the scenario seed.
void build_fleet(Fleet& f, int n, int64_t start_ms);

// A user as the event names them.
struct UserRef {
  std::string_view name, domain;
  std::string id;
};

// Static JSON fragments and resolved parents of one program.
struct ProgInfo {
  std::string hash_json;  // "hash":{...}
  std::string sig_json;   // "code_signature":{...} ("" on Linux)
  std::string pe_json;    // "pe":{...} (Windows)
  std::vector<const Program*> parents;
  uint64_t key = 0;       // identity hash (name + exe)
};

// A process instance on the event: pid, entity id and start time.
struct ProcInst {
  int64_t pid = 0, start_ms = 0;
  std::string entity;
};

// Options of a process start event (suspicious templates change some).
struct ProcOpts {
  std::string_view signer;  // code signature subject override
  bool untrusted = false;   // code_signature.trusted false (status "errorExpired")
  std::string_view cwd;     // working directory override
  const std::vector<std::string_view>* parent_argv = nullptr;  // parent command line override
};

// Options of a network event.
struct NetSpec {
  std::string_view action = "connection_attempted";  // or connection_accepted, disconnect_received, lookup_requested
  bool ingress = false;
  std::string_view transport = "tcp", protocol;
  std::string remote_ip, domain;
  int64_t remote_port = 443, local_port = 0;
  bool has_bytes = false;
};

struct WinAuthSpec {
  int code = 4624;               // 4624 success, 4625 failure
  std::string_view logon_type = "3";
  UserRef user;
  std::string_view src_ip = "-", workstation = "-";  // (views: the caller keeps the text)
  std::string_view package = "Kerberos", logon_process = "Kerberos";
  std::string_view sub_status = "0xc000006a";
  int64_t src_port = 0;
};

struct SshSpec {
  bool success = true, invalid_user = false;
  std::string_view method = "publickey", user;
  std::string src_ip;
  int64_t src_port = 0;
};

class Gen {
 public:
  Gen(const MixedScenario& s);
  const MixedScenario& s;
  Rng r;
  TimeFmt tf;
  JsonOut j;
  Fleet fleet;

  const ProgInfo& info(const Program& p, const OsVocab& v);
  UserRef user_for(const Program& p, const Host& h);
  // A long-lived (per epoch) instance of a program on a host: the same pid and entity id for a while.
  ProcInst instance(const Program& p, const Host& h, int64_t t, uint64_t salt = 0);
  ExpandCtx& ctx(const Host& h, int64_t t, std::string_view user);

  // Writers: each fills `j` with one event.
  void process(Host& h, int64_t t, const Program& child, const std::vector<std::string_view>& argv,
               const Program& parent, const ProcOpts& o = {});
  void network(Host& h, int64_t t, const Program& p, const NetSpec& n);
  void file(Host& h, int64_t t, const Program& p, std::string_view path, std::string_view action);
  void win_auth(Host& h, int64_t t, const WinAuthSpec& a);
  void ssh_auth(Host& h, int64_t t, const SshSpec& a);

  // Routine events of each category on a host.
  void routine_process(Host& h, int64_t t);
  void routine_network(Host& h, int64_t t);
  void routine_file(Host& h, int64_t t);
  void routine_auth(Host& h, int64_t t);

  // Scratch buffers reused across events.
  Argv argv, pargv;
  std::string cmd, pcmd, scratch, path;

 private:
  void header(Host& h, int64_t t, std::string_view dataset);
  void endpoint_event(Host& h, int64_t t, std::string_view dataset, std::string_view action,
                      std::string_view category, std::string_view type, std::string_view type2 = {});
  void expand_argv(const std::vector<std::string_view>& tmpl, Argv& out);
  void write_user(const UserRef& u, Os os);
  void entity_id(std::string& out, const Host& h, int64_t pid, int64_t start_ms);
  std::unordered_map<const Program*, ProgInfo> info_;
  ExpandCtx ctx_;
};

// Suspicious activity (values real corpus rules look for): how many templates, and one template's
// events (`n` of them for bursts that threshold rules count), written through `emit`.
struct SuspiciousTemplate {
  std::string_view name;  // short description
  std::string_view rule;  // file name (without .toml) of the corpus rule it should trigger
  Os os;
  std::string_view role;  // preferred host role ("" = any host of the OS)
  int burst;              // events in a row
};
const std::vector<SuspiciousTemplate>& suspicious_templates();
// Writes event `k` (0-based, < burst) of template `i` on host h at time t into g.j.
void suspicious_event(Gen& g, size_t i, int k, Host& h, int64_t t);

// The SID of a CORP domain account.
std::string domain_sid(std::string_view name);

// Public addresses used by attackers in suspicious templates and brute-force noise.
std::string attacker_ip(Rng& r);

}  // namespace rulec::gen::mix
