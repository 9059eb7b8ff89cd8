// Linux vocabulary of the mixed scenario: programs as Elastic Defend reports them, network and file use.
#include "eventgen/gen_vocab.h"

namespace rulec::gen::mix {

namespace {

using Cmds = std::vector<std::vector<std::string_view>>;
using Names = std::vector<std::string_view>;

Program lp(std::string_view name, std::string_view exe, Who who, Names parents, Cmds cmds,
           std::string_view cwd = {}, std::string_view daemon_user = {}) {
  Program p;
  p.name = name, p.exe = exe, p.who = who, p.parents = std::move(parents), p.cmds = std::move(cmds);
  p.cwd = cwd, p.daemon_user = daemon_user;
  return p;
}

const Names kShells = {"bash", "sh"};
const Names kScripted = {"bash", "sh", "cron", "python3", "sudo"};

std::vector<Program> children() {
  return {
      lp("sh", "/usr/bin/dash", Who::system, {"cron", "systemd", "python3", "node", "make", "containerd-shim-runc-v2"},
         {{"/bin/sh", "-c", "run-parts --report /etc/cron.hourly"},
          {"/bin/sh", "-c", "/usr/bin/flock -n /var/lock/{{app}}.lock /opt/{{app}}/bin/{{script}}.sh >> /var/log/{{app}}/cron.log 2>&1"},
          {"/bin/sh", "-c", "[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi"},
          {"/bin/sh", "-c", "command -v debian-sa1 > /dev/null && debian-sa1 1 1"},
          {"sh", "-c", "/usr/lib/update-notifier/update-motd-updates-available 2>/dev/null"},
          {"/bin/sh", "-c", "test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }"}}),
      lp("python3", "/usr/bin/python3.11", Who::system, {"systemd", "cron", "bash", "sh", "sudo"},
         {{"/usr/bin/python3", "/usr/local/bin/{{script}}.py", "--config", "/etc/{{app}}/config.yaml"},
          {"/usr/bin/python3", "-u", "/opt/{{app}}/worker.py", "--queue", "{{word}}", "--concurrency", "{{n}}"},
          {"/usr/bin/python3", "-m", "pip", "install", "--no-cache-dir", "--upgrade", "{{pkg}}"},
          {"/usr/bin/python3", "/usr/bin/networkd-dispatcher", "--run-startup-triggers"}}),
      lp("grep", "/usr/bin/grep", Who::admin, kScripted,
         {{"grep", "-E", "ERROR|WARN", "/var/log/{{app}}/{{app}}.log"}, {"grep", "-c", "processor", "/proc/cpuinfo"},
          {"grep", "-q", "{{word}}", "/etc/{{app}}/config.yaml"}}),
      lp("systemctl", "/usr/bin/systemctl", Who::system, {"sh", "bash", "sudo", "python3"},
         {{"systemctl", "is-active", "--quiet", "{{unit}}"}, {"systemctl", "show", "-p", "ActiveState", "--value", "{{unit}}"},
          {"systemctl", "status", "{{unit}}", "--no-pager"}}),
      lp("java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", Who::daemon, {"systemd", "bash"},
         {{"/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "-Xms512m", "-Xmx2g", "-XX:+UseG1GC",
           "-Dspring.profiles.active=prod", "-Dlogging.file.path=/var/log/{{app}}", "-cp", "{{cp}}",
           "com.example.{{app}}.Application"}},
         "/opt/{{app}}", "app"),
      lp("curl", "/usr/bin/curl", Who::system, kScripted,
         {{"curl", "-fsS", "-m", "10", "--retry", "3", "https://{{site}}/"},
          {"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://localhost:8080/healthz"},
          {"/usr/bin/curl", "-sSL", "-H", "Authorization: Bearer {{b64}}", "https://api.{{site}}/v1/{{word}}?limit=100"}}),
      lp("cat", "/usr/bin/cat", Who::admin, kScripted,
         {{"cat", "/proc/meminfo"}, {"cat", "/var/run/{{app}}.pid"}, {"cat", "/sys/class/net/eth0/statistics/rx_bytes"}}),
      lp("bash", "/usr/bin/bash", Who::user, {"sshd", "tmux: server", "sudo", "cron"},
         {{"-bash"}, {"/bin/bash", "/opt/{{app}}/bin/{{script}}.sh", "--env", "prod"},
          {"/bin/bash", "/usr/local/sbin/backup-{{app}}.sh"}}),
      lp("ls", "/usr/bin/ls", Who::user, kShells, {{"ls", "--color=auto", "-la"}, {"ls", "-1", "/var/log/{{app}}"}}),
      lp("ps", "/usr/bin/ps", Who::user, kShells, {{"ps", "aux"}, {"ps", "-eo", "pid,ppid,user,%cpu,%mem,etime,cmd", "--sort=-%cpu"}}),
      lp("containerd-shim-runc-v2", "/usr/bin/containerd-shim-runc-v2", Who::system, {"containerd"},
         {{"/usr/bin/containerd-shim-runc-v2", "-namespace", "moby", "-id", "{{hex64}}", "-address",
           "/run/containerd/containerd.sock"}}),
      lp("runc", "/usr/bin/runc", Who::system, {"containerd-shim-runc-v2"},
         {{"runc", "--root", "/var/run/docker/runtime-runc/moby", "--log",
           "/run/containerd/io.containerd.runtime.v2.task/moby/{{hex64}}/log.json", "--log-format", "json",
           "--systemd-cgroup", "exec", "--process", "/tmp/runc-process{{num}}", "--detach", "--pid-file",
           "/run/containerd/io.containerd.runtime.v2.task/moby/{{hex64}}/{{hex64}}.pid", "{{hex64}}"}}),
      lp("node", "/usr/bin/node", Who::daemon, {"systemd", "bash", "sh"},
         {{"/usr/bin/node", "/opt/{{app}}/dist/server.js"}, {"node", "/usr/lib/node_modules/npm/bin/npm-cli.js", "ci", "--omit=dev"}},
         "/opt/{{app}}", "app"),
      lp("git", "/usr/bin/git", Who::user, {"bash", "sh", "python3"},
         {{"git", "fetch", "--prune", "origin"}, {"/usr/bin/git", "rev-parse", "--abbrev-ref", "HEAD"},
          {"git", "clone", "--depth", "1", "https://github.com/{{vendor}}/{{app}}.git"}}),
      lp("docker", "/usr/bin/docker", Who::admin, {"bash", "sh", "sudo"},
         {{"docker", "ps", "--format", "{{.Names}}\t{{.Status}}"}, {"docker", "pull", "registry.{{ad}}/{{app}}:{{ver}}"},
          {"docker", "logs", "--since", "10m", "--tail", "200", "{{app}}"}}),
      lp("sshd", "/usr/sbin/sshd", Who::system, {"sshd"}, {{"sshd:", "{{user}}", "[priv]"}, {"sshd:", "{{user}}@pts/{{n}}"}}),
      lp("sudo", "/usr/bin/sudo", Who::user, kShells,
         {{"sudo", "systemctl", "restart", "{{unit}}"}, {"sudo", "-u", "postgres", "psql", "-c", "SELECT pg_size_pretty(pg_database_size('{{app}}'));"},
          {"sudo", "tail", "-n", "200", "/var/log/syslog"}}),
      lp("awk", "/usr/bin/gawk", Who::admin, kScripted, {{"awk", "{print $1}", "/var/log/nginx/access.log"}, {"awk", "-F", ",", "NR>1 {s+=$3} END {print s}", "/srv/{{app}}/export-{{date}}.csv"}}),
      lp("date", "/usr/bin/date", Who::system, kShells, {{"date", "+%Y-%m-%dT%H:%M:%S%z"}, {"date", "-u", "+%s"}}),
      lp("sleep", "/usr/bin/sleep", Who::system, kShells, {{"sleep", "{{n}}"}, {"sleep", "60"}}),
      lp("apt-get", "/usr/bin/apt-get", Who::system, {"sudo", "sh", "python3"}, {{"apt-get", "-qq", "update"}, {"apt-get", "install", "-y", "--no-install-recommends", "{{pkg}}"}}),
      lp("dpkg", "/usr/bin/dpkg", Who::system, {"apt-get", "python3"}, {{"/usr/bin/dpkg", "--status-fd", "{{n}}", "--configure", "--pending"}}),
      lp("tar", "/usr/bin/tar", Who::system, kScripted, {{"tar", "-czf", "/var/backups/{{app}}-{{date}}.tar.gz", "-C", "/srv/{{app}}", "data"}}),
      lp("gzip", "/usr/bin/gzip", Who::system, {"logrotate", "sh"}, {{"gzip", "-9", "/var/log/{{app}}/{{app}}.log.1"}, {"/bin/gzip"}}),
      lp("logrotate", "/usr/sbin/logrotate", Who::system, {"systemd", "sh"}, {{"/usr/sbin/logrotate", "/etc/logrotate.conf"}}),
      lp("rsync", "/usr/bin/rsync", Who::system, kScripted,
         {{"rsync", "-az", "--delete", "--exclude=*.tmp", "/srv/{{app}}/", "backup@{{ip}}:/backups/{{host}}/{{app}}/"}}),
      lp("pg_dump", "/usr/lib/postgresql/15/bin/pg_dump", Who::daemon, {"sh", "bash"},
         {{"pg_dump", "-Fc", "-f", "/var/backups/pg/{{app}}-{{date}}.dump", "{{app}}"}}, "/var/lib/postgresql", "postgres"),
      lp("ssh", "/usr/bin/ssh", Who::user, kShells,
         {{"ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "deploy@{{ip}}", "uptime"}, {"ssh", "-T", "git@github.com"}}),
      lp("wget", "/usr/bin/wget", Who::system, kScripted,
         {{"wget", "-q", "-O", "/tmp/{{pkg}}.tar.gz", "https://{{site}}/downloads/{{pkg}}-{{ver}}.tar.gz"}}),
      lp("cc1", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", Who::user, {"gcc"},
         {{"/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "-quiet", "-I", "/src/{{app}}/include", "-I", "/usr/include/openssl",
           "-D", "NDEBUG", "-D", "_FORTIFY_SOURCE=2", "src/{{word}}.c", "-quiet", "-dumpdir", "build/", "-dumpbase",
           "{{word}}.c", "-dumpbase-ext", ".c", "-mtune=generic", "-march=x86-64", "-O2", "-Wall", "-Wextra",
           "-fstack-protector-strong", "-fPIC", "-o", "/tmp/cc{{hex8}}.s"}}),
      lp("gcc", "/usr/bin/x86_64-linux-gnu-gcc-12", Who::user, {"make"},
         {{"gcc", "-O2", "-Wall", "-fPIC", "-I", "include", "-c", "src/{{word}}.c", "-o", "build/{{word}}.o"}}),
      lp("nginx", "/usr/sbin/nginx", Who::system, {"systemd", "sudo"}, {{"/usr/sbin/nginx", "-t", "-q"}, {"nginx", "-s", "reload"}}),
      lp("uname", "/usr/bin/uname", Who::system, kShells, {{"uname", "-r"}, {"uname", "-a"}}),
      lp("find", "/usr/bin/find", Who::system, kScripted,
         {{"find", "/var/log/{{app}}", "-name", "*.gz", "-mtime", "+14", "-delete"}, {"find", "/tmp", "-type", "f", "-atime", "+7"}}),
      lp("vim", "/usr/bin/vim.basic", Who::user, kShells, {{"vim", "/etc/{{app}}/config.yaml"}, {"vim", "{{script}}.py"}}),
      lp("php", "/usr/bin/php8.2", Who::daemon, {"php-fpm8.2", "cron", "sh"},
         {{"php", "/var/www/html/artisan", "schedule:run"}, {"/usr/bin/php8.2", "/var/www/html/cron.php"}}, "/var/www/html", "www-data"),
      lp("id", "/usr/bin/id", Who::user, kShells, {{"id", "-u"}, {"id", "-gn"}}),
      lp("hostname", "/usr/bin/hostname", Who::system, kShells, {{"hostname", "-f"}}),
      lp("ip", "/usr/sbin/ip", Who::system, kShells, {{"ip", "-o", "-4", "addr", "show", "dev", "eth0"}, {"ip", "route", "show", "default"}}),
      lp("mktemp", "/usr/bin/mktemp", Who::system, kShells, {{"mktemp", "-d", "/tmp/{{app}}.XXXXXX"}}),
      lp("chmod", "/usr/bin/chmod", Who::admin, kShells, {{"chmod", "0644", "/etc/{{app}}/config.yaml"}, {"chmod", "+x", "/opt/{{app}}/bin/{{script}}.sh"}}),
      lp("unattended-upgrade", "/usr/bin/python3.11", Who::system, {"systemd"},
         {{"/usr/bin/python3", "/usr/bin/unattended-upgrade", "--download-only"}}),
  };
}

std::vector<Program> parents() {
  return {
      lp("systemd", "/usr/lib/systemd/systemd", Who::system, {}, {{"/sbin/init"}}),
      lp("cron", "/usr/sbin/cron", Who::system, {"systemd"}, {{"/usr/sbin/cron", "-f", "-P"}}),
      lp("sshd", "/usr/sbin/sshd", Who::system, {"systemd"}, {{"sshd:", "/usr/sbin/sshd", "-D", "[listener]", "0", "of", "10-100", "startups"}}),
      lp("containerd", "/usr/bin/containerd", Who::system, {"systemd"}, {{"/usr/bin/containerd"}}),
      lp("containerd-shim-runc-v2", "/usr/bin/containerd-shim-runc-v2", Who::system, {"systemd"},
         {{"/usr/bin/containerd-shim-runc-v2", "-namespace", "moby", "-id",
           "8c1f0e2d9b7a6c5e4d3b2a19f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b", "-address", "/run/containerd/containerd.sock"}}),
      lp("make", "/usr/bin/make", Who::user, {"bash"}, {{"make", "-j4", "all"}}),
      lp("php-fpm8.2", "/usr/sbin/php-fpm8.2", Who::daemon, {"systemd"}, {{"php-fpm:", "pool", "www"}}, "/var/www/html", "www-data"),
      lp("nginx", "/usr/sbin/nginx", Who::daemon, {"systemd"}, {{"nginx:", "worker", "process"}}, "/", "www-data"),
      lp("tmux: server", "/usr/bin/tmux", Who::user, {"bash"}, {{"tmux", "new-session", "-A", "-s", "main"}}),
      lp("python3", "/usr/bin/python3.11", Who::system, {"systemd"}, {{"/usr/bin/python3", "/usr/bin/supervisord", "-n", "-c", "/etc/supervisor/supervisord.conf"}}),
      lp("node", "/usr/bin/node", Who::daemon, {"systemd"}, {{"/usr/bin/node", "/usr/lib/node_modules/pm2/lib/Daemon.js"}}, "/opt", "app"),
      lp("bash", "/usr/bin/bash", Who::user, {"sshd"}, {{"-bash"}}),
      lp("sudo", "/usr/bin/sudo", Who::system, {"bash"}, {{"sudo", "-i"}}),
      lp("systemd-resolved", "/usr/lib/systemd/systemd-resolved", Who::daemon, {"systemd"}, {{"/lib/systemd/systemd-resolved"}}, "/", "systemd-resolve"),
      lp("chronyd", "/usr/sbin/chronyd", Who::daemon, {"systemd"}, {{"/usr/sbin/chronyd", "-F", "1"}}, "/", "_chrony"),
      lp("postgres", "/usr/lib/postgresql/15/bin/postgres", Who::daemon, {"systemd"},
         {{"/usr/lib/postgresql/15/bin/postgres", "-D", "/var/lib/postgresql/15/main", "-c", "config_file=/etc/postgresql/15/main/postgresql.conf"}},
         "/var/lib/postgresql/15/main", "postgres"),
      lp("http", "/usr/lib/apt/methods/http", Who::daemon, {"apt-get"}, {{"/usr/lib/apt/methods/http"}}, "/", "_apt"),
      lp("dockerd", "/usr/bin/dockerd", Who::system, {"systemd"}, {{"/usr/bin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock"}}),
      lp("elastic-agent", "/opt/Elastic/Agent/elastic-agent", Who::system, {"systemd"}, {{"/opt/Elastic/Agent/elastic-agent"}}),
      lp("amazon-ssm-agent", "/usr/bin/amazon-ssm-agent", Who::system, {"systemd"}, {{"/usr/bin/amazon-ssm-agent"}}),
      lp("rsyslogd", "/usr/sbin/rsyslogd", Who::daemon, {"systemd"}, {{"/usr/sbin/rsyslogd", "-n", "-iNONE"}}, "/", "syslog"),
      lp("kubelet", "/usr/bin/kubelet", Who::system, {"systemd"},
         {{"/usr/bin/kubelet", "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf", "--kubeconfig=/etc/kubernetes/kubelet.conf",
           "--config=/var/lib/kubelet/config.yaml", "--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock"}}),
  };
}

std::vector<NetUse> net() {
  return {
      {"curl", Peer::internet, "tcp", "tls", 443, {"{{site}}"}},
      {"systemd-resolved", Peer::dns, "udp", "dns", 53, {}},
      {"sshd", Peer::ingress_intranet, "tcp", "ssh", 22, {}},
      {"nginx", Peer::ingress_internet, "tcp", "tls", 443, {}},
      {"java", Peer::intranet, "tcp", "postgresql", 5432, {}},
      {"python3", Peer::internet, "tcp", "tls", 443, {"pypi.org", "files.pythonhosted.org", "{{site}}"}},
      {"postgres", Peer::ingress_intranet, "tcp", "postgresql", 5432, {}},
      {"http", Peer::internet, "tcp", "http", 80, {"archive.ubuntu.com", "security.ubuntu.com", "deb.debian.org"}},
      {"chronyd", Peer::internet, "udp", "ntp", 123, {"ntp.ubuntu.com", "2.debian.pool.ntp.org"}},
      {"dockerd", Peer::internet, "tcp", "tls", 443, {"registry-1.docker.io", "production.cloudflare.docker.com"}},
      {"elastic-agent", Peer::internet, "tcp", "tls", 443, {"fleet.example-corp.es.us-east-1.aws.elastic-cloud.com"}},
      {"node", Peer::internet, "tcp", "tls", 443, {"registry.npmjs.org", "{{site}}"}},
      {"sshd", Peer::ingress_internet, "tcp", "ssh", 22, {}},
      {"amazon-ssm-agent", Peer::internet, "tcp", "tls", 443, {"ssm.us-east-1.amazonaws.com", "ec2messages.us-east-1.amazonaws.com"}},
      {"java", Peer::intranet, "tcp", "http", 9200, {}},
      {"git", Peer::internet, "tcp", "tls", 443, {"github.com"}},
      {"kubelet", Peer::intranet, "tcp", "tls", 6443, {}},
      {"ssh", Peer::intranet, "tcp", "ssh", 22, {}},
  };
}

std::vector<FileUse> files() {
  return {
      {"nginx", "/var/log/nginx/access.log", 0b0010},
      {"dockerd", "/var/lib/docker/overlay2/{{hex64}}/diff/tmp/{{tmp}}", 0b0101},
      {"python3", "{{home}}/.cache/pip/http-v2/{{hex8}}/{{hex32}}.body", 0b0001},
      {"java", "/opt/{{app}}/logs/{{app}}-{{date}}.log", 0b0011},
      {"sh", "/tmp/{{tmp}}", 0b0101},
      {"rsyslogd", "/var/log/syslog", 0b0010},
      {"logrotate", "/var/log/{{app}}/{{app}}.log.1", 0b1101},
      {"apt-get", "/var/cache/apt/archives/{{pkg}}_{{ver}}_amd64.deb", 0b0101},
      {"postgres", "/var/lib/postgresql/15/main/base/16384/{{num}}", 0b0010},
      {"containerd", "/run/containerd/io.containerd.runtime.v2.task/moby/{{hex64}}/config.json", 0b0101},
      {"git", "{{home}}/src/{{app}}/.git/FETCH_HEAD", 0b0010},
      {"vim", "{{home}}/.{{script}}.py.swp", 0b0111},
      {"tar", "/var/backups/{{app}}-{{date}}.tar.gz", 0b0001},
      {"dpkg", "/var/lib/dpkg/info/{{pkg}}.list", 0b0011},
      {"node", "/opt/{{app}}/.cache/{{hex16}}.json", 0b0101},
  };
}

}  // namespace

const OsVocab& linux_vocab() {
  static const OsVocab v{Os::lin, children(), parents(), net(), files(),
                         {"ubuntu", "deploy", "ec2-user", "jenkins", "alice", "bob", "carol", "dave", "erin"},
                         {"ops", "ansible", "admin"}};
  return v;
}

}  // namespace rulec::gen::mix
