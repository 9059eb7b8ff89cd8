// The mixed scenario: routine activity per category and OS, event-time pacing, suspicious bursts.
#include <algorithm>
#include <cmath>
#include <iterator>

#include "eventgen/gen_mixed.h"

namespace rulec::gen::mix {

namespace {

double unit(Rng& r) { return static_cast<double>(r.next() >> 11) * 0x1.0p-53; }

// The program of each network (or file) use of an OS, resolved once.
template <class Use>
const Program* program_of(Os os, const std::vector<Use>& uses, size_t i) {
  static std::vector<const Program*> cache[3];
  auto& c = cache[static_cast<int>(os)];
  if (c.empty())
    for (const Use& u : uses) {
      const Program* p = vocab(os).find(u.process);
      c.push_back(p ? p : &vocab(os).parents[0]);
    }
  return c[i];
}

void domain_ip(std::string& out, std::string_view domain) {
  static constexpr std::string_view kNets[] = {"142.250.", "52.96.", "13.107.", "151.101.", "104.16.", "140.82.",
                                                "20.190.", "34.117.", "185.199.", "172.217.", "54.239.", "3.33."};
  uint64_t h = hash64(domain);
  out += kNets[h % std::size(kNets)];
  append_num(out, static_cast<int64_t>((h >> 8) % 256));
  out += '.';
  append_num(out, 1 + static_cast<int64_t>((h >> 16) % 254));
}

const Host& workstation(Gen& g) {
  const auto& w = g.fleet.hosts[0];
  size_t first = std::min<size_t>(6, w.size() - 1);
  return w[first + g.r.below(w.size() - first)];
}

UserRef domain_user(std::string_view name) {
  return {name, "CORP", domain_sid(name)};
}

}  // namespace

void Gen::routine_process(Host& h, int64_t t) {
  const OsVocab& v = vocab(h.os);
  const Program& child = v.children[r.zipf(v.children.size())];
  const auto& tmpl = child.cmds[r.zipf(child.cmds.size())];
  const ProgInfo& ci = info(child, v);
  process(h, t, child, tmpl, *ci.parents[r.below(ci.parents.size())]);
}

void Gen::routine_network(Host& h, int64_t t) {
  const OsVocab& v = vocab(h.os);
  size_t i = r.zipf(v.net.size());
  const NetUse& nu = v.net[i];
  NetSpec n;
  n.transport = nu.transport, n.protocol = nu.protocol, n.remote_port = nu.port;
  ctx(h, t, h.user);
  bool end = r.chance(0.4);
  n.action = end ? "disconnect_received" : "connection_attempted";
  n.has_bytes = end;
  switch (nu.peer) {
    case Peer::internet:
      expand(nu.domains[r.zipf(nu.domains.size())], ctx_, n.domain);
      domain_ip(n.remote_ip, n.domain);
      break;
    case Peer::intranet: {
      // One draw per statement (argument order is unspecified; GCC's right-to-left order kept).
      uint64_t d = r.zipf(30), b = r.zipf(3);
      n.remote_ip = cat("10.", b, ".0.", 10 + d);
      break;
    }
    case Peer::dc: n.remote_ip = r.chance(0.6) ? fleet.dc_ip : fleet.dc2_ip; break;
    case Peer::dns:
      n.remote_ip = h.os == Os::win ? fleet.dc_ip : fleet.dns_ip;
      if (!nu.domains.empty()) {
        expand(nu.domains[r.zipf(nu.domains.size())], ctx_, n.domain);
        n.action = r.chance(0.5) ? "lookup_requested" : "lookup_result";
        n.has_bytes = false;
      }
      break;
    case Peer::ingress_intranet:
      n.ingress = true;
      n.remote_ip = workstation(*this).ip;
      n.action = end ? "disconnect_received" : "connection_accepted";
      break;
    case Peer::ingress_internet:
      n.ingress = true;
      if (r.chance(0.3)) n.remote_ip = attacker_ip(r);
      else {
        uint64_t d = r.below(254), c = r.below(256), b = r.below(256), a = r.below(150);
        n.remote_ip = cat(24 + a, ".", b, ".", c, ".", 1 + d);
      }
      n.action = end ? "disconnect_received" : "connection_accepted";
      break;
  }
  network(h, t, *program_of(h.os, v.net, i), n);
}

void Gen::routine_file(Host& h, int64_t t) {
  const OsVocab& v = vocab(h.os);
  size_t i = r.zipf(v.files.size());
  const FileUse& fu = v.files[i];
  const Program& p = *program_of(h.os, v.files, i);
  static constexpr std::string_view kActions[] = {"creation", "modification", "deletion", "rename"};
  int choices[4], n = 0;
  for (int b = 0; b < 4; ++b)
    if (fu.actions & (1 << b)) choices[n++] = b;
  std::string_view action = kActions[choices[n > 1 && r.chance(0.35) ? 1 + r.below(static_cast<uint64_t>(n - 1)) : 0]];
  UserRef u = user_for(p, h);
  std::string fpath;
  expand(fu.path, ctx(h, t, u.name), fpath);
  file(h, t, p, fpath, action);
}

void Gen::routine_auth(Host& h, int64_t t) {
  if (h.os == Os::win) {
    const OsVocab& v = windows_vocab();
    WinAuthSpec a;
    std::string atk;
    const Host& ws = workstation(*this);
    a.workstation = ws.hostname, a.src_ip = ws.ip, a.src_port = 0;
    a.user = domain_user(h.server ? v.users[r.zipf(v.users.size())] : h.user);
    uint64_t k = r.below(100);
    if (r.chance(0.14)) {
      a.code = 4625, a.package = "NTLM", a.logon_process = "NtLmSsp ";
      if (k < 25) {  // password spraying against an exposed RDP service
        static constexpr std::string_view kNames[] = {"administrator", "admin", "user", "test", "scanner", "backup", "guest"};
        a.logon_type = "3", atk = attacker_ip(r), a.src_ip = atk, a.workstation = "-", a.src_port = 40000 + static_cast<int64_t>(r.below(25000));
        a.user = {kNames[r.below(std::size(kNames))], "", "S-1-0-0"};
        a.sub_status = "0xc0000064";
      }
    } else if (k < 55) {
      a.logon_type = "3";
    } else if (k < 70) {
      a.logon_type = "3", a.package = "NTLM", a.logon_process = "NtLmSsp ";
      a.src_port = 49152 + static_cast<int64_t>(r.below(16000));
    } else if (k < 80) {
      a.logon_type = "5", a.package = "Negotiate", a.logon_process = "Advapi  ", a.src_ip = "-", a.workstation = "-";
      a.user = {"SYSTEM", "NT AUTHORITY", "S-1-5-18"};
    } else if (k < 90) {
      a.logon_type = h.server ? "10" : "2", a.package = "Negotiate", a.logon_process = "User32 ";
      a.workstation = h.hostname, a.src_ip = h.server ? std::string_view(ws.ip) : "127.0.0.1";
      a.user = domain_user(h.server ? v.admins[r.zipf(v.admins.size())] : h.user);
    } else {
      a.logon_type = h.server ? "10" : "7", a.package = "Negotiate", a.logon_process = "User32 ";
      a.workstation = h.hostname, a.src_ip = h.server ? std::string_view(ws.ip) : "127.0.0.1";
      a.user = domain_user(h.server ? v.admins[r.zipf(v.admins.size())] : h.user);
    }
    win_auth(h, t, a);
    return;
  }
  const OsVocab& v = linux_vocab();
  SshSpec a;
  a.src_port = 30000 + static_cast<int64_t>(r.below(35000));
  if (r.chance(0.55)) {
    a.user = r.chance(0.6) ? h.user : r.chance(0.5) ? v.admins[r.zipf(v.admins.size())] : v.users[r.zipf(v.users.size())];
    a.method = r.chance(0.85) ? "publickey" : "password";
    a.src_ip = r.chance(0.7) ? workstation(*this).ip : cat("10.2.0.", 10 + r.below(4));
  } else {
    static constexpr std::string_view kNames[] = {"admin", "test", "oracle", "ubuntu", "git", "user", "guest",
                                                  "support", "pi", "ftpuser", "hadoop", "minecraft"};
    a.success = false, a.method = "password", a.src_ip = attacker_ip(r);
    a.invalid_user = r.chance(0.6);
    a.user = a.invalid_user ? kNames[r.zipf(std::size(kNames))] : std::string_view("root");
  }
  ssh_auth(h, t, a);
}

namespace {

Host& pick_host(Gen& g, Os os, std::string_view role) {
  auto& pool = g.fleet.hosts[static_cast<int>(os)];
  if (!role.empty()) {
    size_t n = 0;
    for (const Host& h : pool) n += h.role == role;
    if (n) {
      size_t k = g.r.below(n);
      for (Host& h : pool)
        if (h.role == role && k-- == 0) return h;
    }
  }
  return pool[g.r.zipf(pool.size())];
}

}  // namespace

}  // namespace rulec::gen::mix

namespace rulec::gen {

void generate_mixed(const MixedScenario& s, const std::function<void(std::string_view)>& emit) {
  using namespace mix;
  Gen g(s);
  const auto& T = suspicious_templates();
  double mean_burst = 0;
  for (const auto& x : T) mean_burst += x.burst;
  mean_burst /= static_cast<double>(T.size());
  const double q = s.suspicious > 0 ? s.suspicious / mean_burst : 0;
  const double mean_gap = s.events ? static_cast<double>(s.span_ms) / static_cast<double>(s.events) : 0;
  // Inter-arrival: 30% of events come in bursts (a twentieth of the mean gap apart), the others
  // exponentially spaced so that the mean stays span/events.
  const double quiet_gap = mean_gap * (1.0 - 0.3 * 0.025) / 0.7;
  double acc = static_cast<double>(s.start_ms);
  size_t cur = 0;
  int k = 0, burst = 0;
  Host* bh = nullptr;
  for (uint64_t n = 0; n < s.events; ++n) {
    if (k < burst) {
      acc += 40.0 + static_cast<double>(g.r.below(900));
      suspicious_event(g, cur, k++, *bh, static_cast<int64_t>(acc));
      emit(g.j.text());
      continue;
    }
    if (g.r.chance(0.3)) acc += unit(g.r) * mean_gap * 0.05;
    else acc += -std::log(1.0 - unit(g.r)) * quiet_gap;
    const int64_t t = static_cast<int64_t>(acc);
    if (q > 0 && g.r.chance(q)) {
      cur = g.r.below(T.size());
      bh = &pick_host(g, T[cur].os, T[cur].role);
      burst = T[cur].burst, k = 0;
      suspicious_event(g, cur, k++, *bh, t);
      emit(g.j.text());
      continue;
    }
    // Category, then OS: auth events come from Windows and Linux only, so the other categories
    // give macOS a little more weight to keep the overall mix near 45/40/15.
    double c = unit(g.r), o = unit(g.r);
    Os os = c < 0.9 ? (o < 0.441 ? Os::win : o < 0.833 ? Os::lin : Os::mac) : (o < 0.53 ? Os::win : Os::lin);
    auto& pool = g.fleet.hosts[static_cast<int>(os)];
    Host& h = pool[g.r.zipf(pool.size())];
    if (c < 0.5) g.routine_process(h, t);
    else if (c < 0.75) g.routine_network(h, t);
    else if (c < 0.9) g.routine_file(h, t);
    else g.routine_auth(h, t);
    emit(g.j.text());
  }
}

}  // namespace rulec::gen
