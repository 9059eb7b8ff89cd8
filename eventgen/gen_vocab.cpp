// Placeholder value lists of the mixed scenario and the per-OS vocabulary lookup.
#include "eventgen/gen_vocab.h"

namespace rulec::gen::mix {

const Program* OsVocab::find(std::string_view name) const {
  for (const Program& p : parents)
    if (p.name == name) return &p;
  for (const Program& p : children)
    if (p.name == name) return &p;
  return nullptr;
}

const OsVocab& vocab(Os os) {
  switch (os) {
    case Os::win: return windows_vocab();
    case Os::lin: return linux_vocab();
    default: return macos_vocab();
  }
}

const Lists& lists() {
  static const Lists l{
      // sites
      {"www.google.com", "outlook.office365.com", "login.microsoftonline.com", "github.com", "www.bing.com",
       "slack.com", "s3.amazonaws.com", "api.github.com", "www.youtube.com", "docs.google.com", "stackoverflow.com",
       "cdn.jsdelivr.net", "fonts.googleapis.com", "www.linkedin.com", "zoom.us", "app.datadoghq.com",
       "registry.npmjs.org", "pypi.org", "www.atlassian.com", "example-corp.atlassian.net", "news.ycombinator.com",
       "www.wikipedia.org", "download.docker.com", "objects.githubusercontent.com", "sentry.io", "api.stripe.com",
       "www.salesforce.com", "hooks.slack.com", "storage.googleapis.com", "dl.google.com"},
      // packages
      {"requests", "urllib3", "boto3", "numpy", "pandas", "pyyaml", "cryptography", "certifi", "setuptools",
       "openssl", "libssl3", "curl", "nginx", "python3-apt", "ca-certificates", "tzdata", "git", "jq",
       "postgresql-client-15", "redis-tools", "htop", "linux-image-6.1.0-21-amd64", "lodash", "express", "react"},
      // documents
      {"Q3 Forecast.xlsx", "invoice_88231.pdf", "Board Meeting Notes.docx", "timesheet-week-14.xlsx",
       "Project Plan v2.docx", "contract_signed.pdf", "Onboarding Checklist.docx", "budget_2026.xlsx",
       "architecture-diagram.pptx", "Expense Report March.xlsx", "release-notes.md", "customer_list.csv",
       "Security Awareness Training.pdf", "roadmap.pptx", "NDA - Contoso.pdf"},
      // Windows service names
      {"Schedule", "BITS", "wuauserv", "Winmgmt", "gpsvc", "ProfSvc", "LanmanServer", "TokenBroker", "Dnscache",
       "EventLog", "CryptSvc", "DoSvc", "UsoSvc", "lmhosts", "iphlpsvc", "SENS", "Themes", "WinHttpAutoProxySvc"},
      // systemd units
      {"nginx.service", "docker.service", "ssh.service", "cron.service", "postgresql@15-main.service",
       "elastic-agent.service", "containerd.service", "kubelet.service", "redis-server.service",
       "systemd-resolved.service", "chrony.service", "amazon-ssm-agent.service", "rsyslog.service"},
      // apps
      {"billing-api", "orders-svc", "auth-gateway", "inventory", "reporting", "webshop", "search-indexer",
       "payments", "notifications", "etl-nightly", "crm-sync", "metrics-exporter"},
      // words
      {"default", "main", "worker", "sync", "export", "cleanup", "report", "backup", "update", "index", "cache",
       "daily", "hourly", "ingest", "health", "audit", "rotate", "notify"},
      // scripts
      {"healthcheck", "backup", "cleanup_tmp", "sync_users", "rotate_logs", "collect_metrics", "deploy",
       "inventory_scan", "renew_certs", "purge_cache", "nightly_export", "patch_report"},
      // jars
      {"spring-boot-3.2.4", "spring-core-6.1.5", "spring-web-6.1.5", "jackson-databind-2.17.0",
       "jackson-core-2.17.0", "logback-classic-1.4.14", "slf4j-api-2.0.12", "hibernate-core-6.4.4.Final",
       "postgresql-42.7.3", "HikariCP-5.1.0", "netty-handler-4.1.108.Final", "guava-33.1.0-jre",
       "commons-lang3-3.14.0", "tomcat-embed-core-10.1.19", "micrometer-core-1.12.4", "kafka-clients-3.7.0"},
      // chromium switches
      {"--disable-gpu-compositing", "--enable-features=NetworkServiceInProcess2,WinUseBrowserSpellChecker",
       "--disable-features=BackForwardCache,CalculateNativeWinOcclusion,SpareRendererForSitePerProcess",
       "--variations-seed-version=20240418-180048.564000", "--enable-main-frame-before-activation",
       "--renderer-sub-type=extension", "--extension-process", "--first-renderer-process",
       "--video-capture-use-gpu-memory-buffer", "--lang=en-US", "--js-flags=--expose-gc --max-old-space-size=4096",
       "--enable-blink-features=BlockingFocusWithoutUserActivation", "--disable-blink-features=AutomationControlled",
       "--metrics-client-id=3a1f9c2e-7d4b-4e8a-9c6f-0b2d5e8a1f3c", "--pseudonymization-salt-handle=7064,i,1839201",
       "--shared-files=v8_context_snapshot_data:100", "--field-trial-handle=1876,i,82736451928374,918273645,262144"},
      // vendors
      {"Contoso", "Fabrikam", "Northwind", "Tailspin", "Adatum", "Litware", "WideWorldImporters", "Proseware"},
  };
  return l;
}

}  // namespace rulec::gen::mix
