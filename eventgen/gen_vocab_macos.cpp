// macOS vocabulary of the mixed scenario: programs as Elastic Defend reports them, network and file use.
#include "eventgen/gen_vocab.h"

namespace rulec::gen::mix {

namespace {

using Cmds = std::vector<std::vector<std::string_view>>;
using Names = std::vector<std::string_view>;

// An Apple platform binary ("Software Signing", signing id com.apple.<id>).
Program ap(std::string_view name, std::string_view exe, std::string_view sign_id, Who who, Names parents, Cmds cmds) {
  Program p;
  p.name = name, p.exe = exe, p.who = who, p.parents = std::move(parents), p.cmds = std::move(cmds);
  p.signer = "Software Signing", p.sign_id = sign_id;
  return p;
}

// A Developer ID signed application binary.
Program dv(std::string_view name, std::string_view exe, std::string_view signer, std::string_view sign_id,
           std::string_view team, Who who, Names parents, Cmds cmds) {
  Program p = ap(name, exe, sign_id, who, std::move(parents), std::move(cmds));
  p.signer = signer, p.team = team;
  return p;
}

constexpr std::string_view kChromeHelper =
    "/Applications/Google Chrome.app/Contents/Frameworks/Google Chrome Framework.framework/Versions/124.0.6367.91/"
    "Helpers/Google Chrome Helper (Renderer).app/Contents/MacOS/Google Chrome Helper (Renderer)";
constexpr std::string_view kCodeHelper =
    "/Applications/Visual Studio Code.app/Contents/Frameworks/Code Helper (Plugin).app/Contents/MacOS/Code Helper (Plugin)";
constexpr std::string_view kGoogleSigner = "Developer ID Application: Google LLC (EQHXZ8M8AV)";
constexpr std::string_view kMsSigner = "Developer ID Application: Microsoft Corporation (UBF8T346G9)";
const Names kShells = {"zsh", "bash"};

std::vector<Program> children() {
  return {
      ap("mdworker_shared",
         "/System/Library/Frameworks/CoreServices.framework/Versions/A/Frameworks/Metadata.framework/Versions/A/Support/mdworker_shared",
         "com.apple.mdworker_shared", Who::user, {"launchd"},
         {{"/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/Versions/A/Support/mdworker_shared",
           "-s", "mdworker", "-c", "MDSImporterWorker", "-m", "com.apple.mdworker.shared"}}),
      dv("Google Chrome Helper (Renderer)", kChromeHelper, kGoogleSigner, "com.google.Chrome.helper.renderer",
         "EQHXZ8M8AV", Who::user, {"Google Chrome"},
         {{kChromeHelper, "--type=renderer", "--lang=en-US", "--num-raster-threads=4", "--enable-zero-copy",
           "--renderer-client-id={{n}}", "--time-ticks-at-unix-epoch=-{{num}}{{num}}", "{{flags}}",
           "--seatbelt-client={{n}}"}}),
      ap("com.apple.WebKit.WebContent",
         "/System/Library/Frameworks/WebKit.framework/Versions/A/XPCServices/com.apple.WebKit.WebContent.xpc/Contents/MacOS/com.apple.WebKit.WebContent",
         "com.apple.WebKit.WebContent", Who::user, {"launchd"},
         {{"/System/Library/Frameworks/WebKit.framework/Versions/A/XPCServices/com.apple.WebKit.WebContent.xpc/Contents/MacOS/com.apple.WebKit.WebContent"}}),
      ap("zsh", "/bin/zsh", "com.apple.zsh", Who::user, {"login", "Code", "iTerm2"},
         {{"-zsh"}, {"/bin/zsh", "-il"}, {"/bin/zsh", "-c", "source {{home}}/.zshrc && env"}}),
      dv("Code Helper (Plugin)", kCodeHelper, kMsSigner, "com.github.Electron.helper", "UBF8T346G9", Who::user, {"Code"},
         {{kCodeHelper, "--type=utility", "--utility-sub-type=node.mojom.NodeService", "--lang=en-US",
           "--service-sandbox-type=none", "--dns-result-order=ipv4first", "{{flags}}", "--seatbelt-client={{n}}"}}),
      ap("git", "/Library/Developer/CommandLineTools/usr/bin/git", "com.apple.git", Who::user, {"zsh", "Code Helper (Plugin)"},
         {{"git", "status", "-z", "-uall"}, {"git", "fetch", "--prune", "origin"}, {"git", "pull", "--rebase"}}),
      ap("sw_vers", "/usr/bin/sw_vers", "com.apple.sw_vers", Who::system, {"jamf", "zsh", "bash"},
         {{"sw_vers", "-productVersion"}, {"/usr/bin/sw_vers", "-buildVersion"}}),
      ap("sysctl", "/usr/sbin/sysctl", "com.apple.sysctl", Who::system, {"jamf", "bash"}, {{"sysctl", "-n", "hw.memsize"}, {"sysctl", "-n", "machdep.cpu.brand_string"}}),
      ap("ioreg", "/usr/sbin/ioreg", "com.apple.ioreg", Who::system, {"jamf", "bash"}, {{"/usr/sbin/ioreg", "-rd1", "-c", "IOPlatformExpertDevice"}}),
      ap("osascript", "/usr/bin/osascript", "com.apple.osascript", Who::user, {"jamf", "bash", "Microsoft AutoUpdate"},
         {{"osascript", "-e", "tell application \"System Events\" to get the name of every process whose background only is false"},
          {"/usr/bin/osascript", "-e", "display notification \"Updates are available\" with title \"{{vendor}} IT\""}}),
      ap("bash", "/bin/bash", "com.apple.bash", Who::user, {"zsh", "launchd", "jamf"},
         {{"/bin/bash", "/opt/homebrew/Library/Homebrew/brew.sh", "update", "--auto-update"},
          {"/bin/bash", "/Library/Application Support/JAMF/tmp/{{script}}.sh", "/", "{{host}}", "{{user}}"}}),
      ap("launchctl", "/bin/launchctl", "com.apple.xpc.launchctl", Who::user, {"zsh", "jamf", "bash"},
         {{"launchctl", "print", "gui/501/com.apple.Finder"}, {"launchctl", "list"}}),
      ap("defaults", "/usr/bin/defaults", "com.apple.defaults", Who::user, {"zsh", "jamf", "bash"},
         {{"defaults", "read", "/Library/Preferences/com.apple.SoftwareUpdate", "LastSuccessfulDate"}, {"defaults", "read", "com.apple.dock", "persistent-apps"}}),
      ap("ls", "/bin/ls", "com.apple.ls", Who::user, kShells, {{"ls", "-G", "-la"}, {"ls", "{{home}}/Downloads"}}),
      ap("ps", "/bin/ps", "com.apple.ps", Who::user, kShells, {{"ps", "-axo", "pid,ppid,user,%cpu,comm"}}),
      ap("curl", "/usr/bin/curl", "com.apple.curl", Who::user, {"zsh", "bash", "jamf"},
         {{"/usr/bin/curl", "-fsSL", "https://{{site}}/"}, {"curl", "-s", "https://jamf.{{ad}}:8443/healthCheck.html"}}),
      dv("python3", "/opt/homebrew/Cellar/python@3.12/3.12.3/Frameworks/Python.framework/Versions/3.12/bin/python3.12",
         "", "python3", "", Who::user, {"zsh", "Code Helper (Plugin)"},
         {{"/opt/homebrew/bin/python3", "-m", "pip", "install", "{{pkg}}"}, {"python3", "{{home}}/src/{{app}}/manage.py", "test"}}),
      ap("system_profiler", "/usr/sbin/system_profiler", "com.apple.system_profiler", Who::system, {"jamf"},
         {{"/usr/sbin/system_profiler", "SPHardwareDataType", "SPSoftwareDataType", "-json", "-detailLevel", "mini"}}),
      ap("softwareupdate", "/usr/sbin/softwareupdate", "com.apple.SoftwareUpdate.softwareupdate", Who::system, {"jamf", "launchd"},
         {{"/usr/sbin/softwareupdate", "--list", "--no-scan"}}),
      ap("mdfind", "/usr/bin/mdfind", "com.apple.mdfind", Who::user, kShells, {{"mdfind", "kMDItemCFBundleIdentifier == '{{vendor}}'"}}),
      ap("codesign", "/usr/bin/codesign", "com.apple.codesign", Who::system, {"jamf", "bash"},
         {{"/usr/bin/codesign", "--verify", "--deep", "--strict", "/Applications/Slack.app"}}),
      ap("ssh", "/usr/bin/ssh", "com.apple.openssh.ssh", Who::user, kShells, {{"ssh", "-o", "ServerAliveInterval=30", "{{user}}@bastion.{{ad}}"}}),
  };
}

std::vector<Program> parents() {
  return {
      ap("launchd", "/sbin/launchd", "com.apple.xpc.launchd", Who::system, {}, {{"/sbin/launchd"}}),
      ap("login", "/usr/bin/login", "com.apple.login", Who::system, {"Terminal"}, {{"login", "-pf", "{{user}}"}}),
      ap("Terminal", "/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal", "com.apple.Terminal",
         Who::user, {"launchd"}, {{"/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal"}}),
      dv("Google Chrome", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", kGoogleSigner,
         "com.google.Chrome", "EQHXZ8M8AV", Who::user, {"launchd"},
         {{"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"}}),
      dv("Code", "/Applications/Visual Studio Code.app/Contents/MacOS/Electron", kMsSigner, "com.microsoft.VSCode",
         "UBF8T346G9", Who::user, {"launchd"}, {{"/Applications/Visual Studio Code.app/Contents/MacOS/Electron"}}),
      dv("iTerm2", "/Applications/iTerm.app/Contents/MacOS/iTerm2", "Developer ID Application: GEORGE NACHMAN (H7V7XYVQ7D)",
         "com.googlecode.iterm2", "H7V7XYVQ7D", Who::user, {"launchd"}, {{"/Applications/iTerm.app/Contents/MacOS/iTerm2"}}),
      dv("jamf", "/usr/local/jamf/bin/jamf", "Developer ID Application: JAMF Software (483DWKW443)", "com.jamfsoftware.jamf",
         "483DWKW443", Who::system, {"launchd"}, {{"/usr/local/jamf/bin/jamf", "policy", "-event", "recurring"}}),
      dv("Microsoft AutoUpdate",
         "/Library/Application Support/Microsoft/MAU2.0/Microsoft AutoUpdate.app/Contents/MacOS/Microsoft AutoUpdate",
         kMsSigner, "com.microsoft.autoupdate2", "UBF8T346G9", Who::user, {"launchd"},
         {{"/Library/Application Support/Microsoft/MAU2.0/Microsoft AutoUpdate.app/Contents/MacOS/Microsoft AutoUpdate", "-psn_0_{{num}}"}}),
      ap("zsh", "/bin/zsh", "com.apple.zsh", Who::user, {"login"}, {{"-zsh"}}),
      ap("mDNSResponder", "/usr/sbin/mDNSResponder", "com.apple.mDNSResponder", Who::system, {"launchd"}, {{"/usr/sbin/mDNSResponder"}}),
      dv("Slack", "/Applications/Slack.app/Contents/MacOS/Slack", "Developer ID Application: Slack Technologies, Inc. (BQR82RBBHL)",
         "com.tinyspeck.slackmacgap", "BQR82RBBHL", Who::user, {"launchd"}, {{"/Applications/Slack.app/Contents/MacOS/Slack"}}),
      ap("trustd", "/usr/libexec/trustd", "com.apple.trustd", Who::user, {"launchd"}, {{"/usr/libexec/trustd"}}),
      ap("nsurlsessiond", "/usr/libexec/nsurlsessiond", "com.apple.nsurlsessiond", Who::user, {"launchd"}, {{"/usr/libexec/nsurlsessiond"}}),
      ap("apsd", "/System/Library/PrivateFrameworks/ApplePushService.framework/apsd", "com.apple.apsd", Who::system, {"launchd"},
         {{"/System/Library/PrivateFrameworks/ApplePushService.framework/apsd"}}),
      dv("Slack Helper", "/Applications/Slack.app/Contents/Frameworks/Slack Helper.app/Contents/MacOS/Slack Helper",
         "Developer ID Application: Slack Technologies, Inc. (BQR82RBBHL)", "com.tinyspeck.slackmacgap.helper",
         "BQR82RBBHL", Who::user, {"Slack"},
         {{"/Applications/Slack.app/Contents/Frameworks/Slack Helper.app/Contents/MacOS/Slack Helper", "--type=utility"}}),
      ap("com.apple.WebKit.Networking",
         "/System/Library/Frameworks/WebKit.framework/Versions/A/XPCServices/com.apple.WebKit.Networking.xpc/Contents/MacOS/com.apple.WebKit.Networking",
         "com.apple.WebKit.Networking", Who::user, {"launchd"},
         {{"/System/Library/Frameworks/WebKit.framework/Versions/A/XPCServices/com.apple.WebKit.Networking.xpc/Contents/MacOS/com.apple.WebKit.Networking"}}),
      ap("softwareupdated", "/System/Library/PrivateFrameworks/MobileSoftwareUpdate.framework/Support/softwareupdated",
         "com.apple.softwareupdated", Who::system, {"launchd"},
         {{"/System/Library/PrivateFrameworks/MobileSoftwareUpdate.framework/Support/softwareupdated"}}),
      ap("Finder", "/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder", "com.apple.finder", Who::user,
         {"launchd"}, {{"/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder"}}),
      ap("mds_stores", "/System/Library/Frameworks/CoreServices.framework/Versions/A/Frameworks/Metadata.framework/Versions/A/Support/mds_stores",
         "com.apple.mds_stores", Who::system, {"launchd"},
         {{"/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/Support/mds_stores"}}),
      ap("ReportCrash", "/System/Library/CoreServices/ReportCrash", "com.apple.ReportCrash", Who::user, {"launchd"},
         {{"/System/Library/CoreServices/ReportCrash", "agent"}}),
  };
}

std::vector<NetUse> net() {
  return {
      {"Google Chrome Helper (Renderer)", Peer::internet, "tcp", "tls", 443, {"{{site}}"}},
      {"mDNSResponder", Peer::dns, "udp", "dns", 53, {"{{site}}"}},
      {"com.apple.WebKit.Networking", Peer::internet, "tcp", "tls", 443, {"{{site}}"}},
      {"trustd", Peer::internet, "tcp", "http", 80, {"ocsp.apple.com", "ocsp2.apple.com", "crl.apple.com"}},
      {"nsurlsessiond", Peer::internet, "tcp", "tls", 443, {"updates.cdn-apple.com", "gdmf.apple.com"}},
      {"apsd", Peer::internet, "tcp", "tls", 5223, {"courier.push.apple.com"}},
      {"Slack Helper", Peer::internet, "tcp", "tls", 443, {"wss-primary.slack.com", "edgeapi.slack.com"}},
      {"Code Helper (Plugin)", Peer::internet, "tcp", "tls", 443, {"marketplace.visualstudio.com", "github.com", "api.github.com"}},
      {"softwareupdated", Peer::internet, "tcp", "tls", 443, {"swscan.apple.com", "swdist.apple.com"}},
      {"git", Peer::internet, "tcp", "tls", 443, {"github.com"}},
      {"curl", Peer::internet, "tcp", "tls", 443, {"{{site}}"}},
      {"ssh", Peer::intranet, "tcp", "ssh", 22, {}},
  };
}

std::vector<FileUse> files() {
  return {
      {"Google Chrome", "{{home}}/Library/Caches/Google/Chrome/Default/Cache/Cache_Data/f_{{hex8}}", 0b0101},
      {"mds_stores", "/System/Volumes/Data/.Spotlight-V100/Store-V2/{{GUID}}/journalAttr.{{n}}", 0b0111},
      {"Code", "{{home}}/Library/Application Support/Code/User/workspaceStorage/{{hex32}}/state.vscdb", 0b0010},
      {"nsurlsessiond", "/private/var/folders/{{word}}/{{hex16}}/T/TemporaryItems/NSIRD_nsurlsessiond_{{hex8}}/{{tmp}}", 0b0101},
      {"Finder", "{{home}}/Downloads/{{doc}}", 0b1111},
      {"Slack Helper", "{{home}}/Library/Application Support/Slack/IndexedDB/https_app.slack.com_0.indexeddb.leveldb/{{num}}.log", 0b0011},
      {"ReportCrash", "/Library/Logs/DiagnosticReports/{{word}}-{{date}}.ips", 0b0001},
      {"zsh", "{{home}}/.zsh_history", 0b0010},
      {"git", "{{home}}/src/{{app}}/.git/FETCH_HEAD", 0b0010},
      {"softwareupdated", "/Library/Updates/{{hex8}}/{{word}}.pkg", 0b0101},
  };
}

}  // namespace

const OsVocab& macos_vocab() {
  static const OsVocab v{Os::mac, children(), parents(), net(), files(),
                         {"alice", "bwilson", "cnguyen", "dpatel", "emartin", "fkhan", "gsato", "hlopez"},
                         {"admin", "it-support"}};
  return v;
}

}  // namespace rulec::gen::mix
