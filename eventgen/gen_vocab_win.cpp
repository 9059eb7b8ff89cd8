// Windows vocabulary of the mixed scenario: programs as Elastic Defend reports them, network and file use.
#include "eventgen/gen_vocab.h"

namespace rulec::gen::mix {

namespace {

using Cmds = std::vector<std::vector<std::string_view>>;
using Names = std::vector<std::string_view>;

constexpr std::string_view kMsProduct = "Microsoft\xC2\xAE Windows\xC2\xAE Operating System";

// A Microsoft-signed system binary.
Program ms(std::string_view name, std::string_view exe, std::string_view pe, std::string_view desc, Who who,
           Names parents, Cmds cmds) {
  Program p;
  p.name = name, p.exe = exe, p.pe_name = pe, p.pe_desc = desc, p.who = who;
  p.parents = std::move(parents), p.cmds = std::move(cmds);
  p.company = "Microsoft Corporation", p.product = kMsProduct, p.signer = "Microsoft Windows";
  return p;
}

// A third-party (or Microsoft application) binary with its own signer.
Program tp(std::string_view name, std::string_view exe, std::string_view pe, std::string_view desc,
           std::string_view company, std::string_view product, std::string_view signer, Who who, Names parents,
           Cmds cmds) {
  Program p = ms(name, exe, pe, desc, who, std::move(parents), std::move(cmds));
  p.company = company, p.product = product, p.signer = signer;
  return p;
}

constexpr std::string_view kChrome = R"(C:\Program Files\Google\Chrome\Application\chrome.exe)";
constexpr std::string_view kEdge = R"(C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe)";
constexpr std::string_view kCode = R"(C:\Users\{{user}}\AppData\Local\Programs\Microsoft VS Code\Code.exe)";
constexpr std::string_view kPwsh = R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)";

std::vector<Program> children() {
  return {
      ms("svchost.exe", R"(C:\Windows\System32\svchost.exe)", "svchost.exe", "Host Process for Windows Services",
         Who::system, {"services.exe"},
         {{R"(C:\Windows\system32\svchost.exe)", "-k", "netsvcs", "-p", "-s", "{{svc}}"},
          {R"(C:\Windows\system32\svchost.exe)", "-k", "LocalServiceNetworkRestricted", "-p", "-s", "{{svc}}"},
          {R"(C:\Windows\system32\svchost.exe)", "-k", "UnistackSvcGroup", "-s", "CDPUserSvc"},
          {R"(C:\Windows\System32\svchost.exe)", "-k", "wsappx", "-p", "-s", "AppXSvc"}}),
      ms("conhost.exe", R"(C:\Windows\System32\conhost.exe)", "CONHOST.EXE", "Console Window Host", Who::user,
         {"cmd.exe", "powershell.exe"}, {{R"(\??\C:\Windows\system32\conhost.exe)", "0xffffffff", "-ForceV1"}}),
      tp("chrome.exe", kChrome, "chrome.exe", "Google Chrome", "Google LLC", "Google Chrome", "Google LLC", Who::user,
         {"chrome.exe"},
         {{kChrome, "--type=renderer", "--lang=en-US", "--device-scale-factor=1", "--num-raster-threads=4",
           "--renderer-client-id={{n}}", "--launch-time-ticks={{num}}{{num}}", "--mojo-platform-channel-handle={{num}}",
           "{{flags}}", "/prefetch:1"},
          {kChrome, "--type=utility", "--utility-sub-type=network.mojom.NetworkService", "--lang=en-US",
           "--service-sandbox-type=none", "--mojo-platform-channel-handle={{num}}", "{{flags}}", "/prefetch:8"},
          {kChrome, "--type=gpu-process", "--gpu-preferences=UAAAAAAAAADgAAAYAAAAAAAAAAAAAAAAAABgAAAAAAAwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
           "--mojo-platform-channel-handle={{num}}", "{{flags}}", "/prefetch:2"}}),
      ms("RuntimeBroker.exe", R"(C:\Windows\System32\RuntimeBroker.exe)", "RuntimeBroker.exe", "Runtime Broker",
         Who::user, {"svchost.exe"}, {{R"(C:\Windows\System32\RuntimeBroker.exe)", "-Embedding"}}),
      ms("backgroundTaskHost.exe", R"(C:\Windows\System32\backgroundTaskHost.exe)", "backgroundTaskHost.exe",
         "Background Task Host", Who::user, {"svchost.exe"},
         {{R"(C:\Windows\system32\backgroundTaskHost.exe)", "-ServerName:BackgroundTaskHost.WebAccountProvider"},
          {R"(C:\Windows\system32\backgroundTaskHost.exe)", "-ServerName:App.AppXmtcan0h2tfbfy7k9kn8hbxb6dmzz1zh0.mca"}}),
      ms("WmiPrvSE.exe", R"(C:\Windows\System32\wbem\WmiPrvSE.exe)", "Wmiprvse.exe", "WMI Provider Host",
         Who::nservice, {"svchost.exe"}, {{R"(C:\Windows\system32\wbem\wmiprvse.exe)", "-secured", "-Embedding"},
                                          {R"(C:\Windows\system32\wbem\wmiprvse.exe)", "-Embedding"}}),
      ms("dllhost.exe", R"(C:\Windows\System32\dllhost.exe)", "dllhost.exe", "COM Surrogate", Who::user,
         {"svchost.exe"}, {{R"(C:\Windows\system32\DllHost.exe)", "/Processid:{{GUIDB}}"}}),
      tp("msedge.exe", kEdge, "msedge.exe", "Microsoft Edge", "Microsoft Corporation", "Microsoft Edge",
         "Microsoft Corporation", Who::user, {"msedge.exe"},
         {{kEdge, "--type=renderer", "--instant-process", "--lang=en-US", "--js-flags=--ms-user-locale=",
           "--renderer-client-id={{n}}", "--mojo-platform-channel-handle={{num}}", "{{flags}}", "/prefetch:1"}}),
      ms("cmd.exe", R"(C:\Windows\System32\cmd.exe)", "Cmd.Exe", "Windows Command Processor", Who::user,
         {"explorer.exe", "powershell.exe", "Code.exe", "msiexec.exe"},
         {{R"(C:\Windows\system32\cmd.exe)", "/c", R"(C:\ProgramData\{{vendor}}\scripts\{{script}}.cmd)"},
          {R"(C:\Windows\system32\cmd.exe)", "/d", "/s", "/c", "git config --get remote.origin.url"},
          {R"(C:\Windows\system32\cmd.exe)"},
          {R"(C:\Windows\system32\cmd.exe)", "/c", "ipconfig /all > \"%TEMP%\\netinfo-{{date}}.txt\""},
          {R"(C:\Windows\system32\cmd.exe)", "/c", "robocopy \\\\fs01.{{ad}}\\share\\{{app}} C:\\Deploy\\{{app}} /MIR /R:2 /W:5 /NP /LOG+:C:\\Deploy\\logs\\{{app}}-{{date}}.log"}}),
      ms("powershell.exe", kPwsh, "PowerShell.EXE", "Windows PowerShell", Who::admin,
         {"explorer.exe", "cmd.exe", "svchost.exe", "Code.exe"},
         {{kPwsh, "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File",
           R"(C:\ProgramData\{{vendor}}\scripts\{{script}}.ps1)"},
          {kPwsh},
          {kPwsh, "-NoLogo", "-NoProfile", "-Command",
           "Get-Service | Where-Object {$_.Status -eq 'Running'} | Select-Object -First 20 Name,DisplayName | ConvertTo-Json -Compress"},
          {kPwsh, "-ExecutionPolicy", "RemoteSigned", "-Command",
           "& { Import-Module ActiveDirectory; Get-ADUser -Filter {Enabled -eq $true} -Properties LastLogonDate | Where-Object { $_.LastLogonDate -lt (Get-Date).AddDays(-90) } | Export-Csv -NoTypeInformation -Path C:\\Reports\\stale-users-{{date}}.csv }"}}),
      ms("taskhostw.exe", R"(C:\Windows\System32\taskhostw.exe)", "taskhostw.exe", "Host Process for Windows Tasks",
         Who::user, {"svchost.exe"}, {{"taskhostw.exe", "{222A245B-E637-4AE9-A93F-A59CA119A75E}"}, {"taskhostw.exe", "Install", "$(Arg0)"}}),
      ms("SearchProtocolHost.exe", R"(C:\Windows\System32\SearchProtocolHost.exe)", "SearchProtocolHost.exe",
         "Microsoft Windows Search Protocol Host", Who::system, {"SearchIndexer.exe"},
         {{R"(C:\Windows\system32\SearchProtocolHost.exe)", "Global\\UsGthrFltPipeMssGthrPipe{{n}}_",
           "Global\\UsGthrCtrlFltPipeMssGthrPipe{{n}}", "1", "-2147483646", "Software\\Microsoft\\Windows Search",
           "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)",
           R"(C:\ProgramData\Microsoft\Search\Data\Temp\usgthrsvc)", "DownLevelDaemon"}}),
      ms("MpCmdRun.exe", R"(C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24030.9-0\MpCmdRun.exe)",
         "MpCmdRun.exe", "Microsoft Malware Protection Command Line Utility", Who::system, {"MsMpEng.exe"},
         {{R"(C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24030.9-0\MpCmdRun.exe)", "SignatureUpdate",
           "-ScheduleJob", "-RestrictPrivileges", "-DefinitionUpdateTimeout", "{{n}}"},
          {R"(C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24030.9-0\MpCmdRun.exe)", "-wdenable"}}),
      ms("smartscreen.exe", R"(C:\Windows\System32\smartscreen.exe)", "smartscreen.exe", "Windows Defender SmartScreen",
         Who::user, {"svchost.exe"}, {{R"(C:\Windows\System32\smartscreen.exe)", "-Embedding"}}),
      tp("OneDrive.exe", R"(C:\Users\{{user}}\AppData\Local\Microsoft\OneDrive\OneDrive.exe)", "OneDrive.exe",
         "Microsoft OneDrive", "Microsoft Corporation", "Microsoft OneDrive", "Microsoft Corporation", Who::user,
         {"explorer.exe"}, {{R"(C:\Users\{{user}}\AppData\Local\Microsoft\OneDrive\OneDrive.exe)", "/background"}}),
      tp("git.exe", R"(C:\Program Files\Git\cmd\git.exe)", "git.exe", "Git for Windows", "The Git Development Community",
         "Git", "Johannes Schindelin", Who::user, {"Code.exe", "cmd.exe"},
         {{"git", "status", "-z", "-uall"}, {"git", "fetch", "--prune", "origin"},
          {"git", "-c", "core.quotepath=false", "log", "--format=%H%n%aN%n%aE%n%at%n%ct%n%P%n%D%n%B", "-z", "-n1", "HEAD"}}),
      tp("Code.exe", kCode, "electron.exe", "Visual Studio Code", "Microsoft Corporation", "Visual Studio Code",
         "Microsoft Corporation", Who::user, {"Code.exe"},
         {{kCode, "--type=utility", "--utility-sub-type=node.mojom.NodeService", "--lang=en-US",
           "--service-sandbox-type=none", "--mojo-platform-channel-handle={{num}}", "{{flags}}", "/prefetch:8"}}),
      ms("rundll32.exe", R"(C:\Windows\System32\rundll32.exe)", "RUNDLL32.EXE", "Windows host process (Rundll32)",
         Who::user, {"svchost.exe"},
         {{R"(C:\Windows\system32\rundll32.exe)", R"(C:\Windows\system32\shell32.dll,SHCreateLocalServerRunDll)",
           "{{GUIDB}}", "-Embedding"}}),
      ms("msiexec.exe", R"(C:\Windows\System32\msiexec.exe)", "msiexec.exe", "Windows\xC2\xAE installer", Who::system,
         {"services.exe"}, {{R"(C:\Windows\system32\msiexec.exe)", "/V"}}),
      ms("WerFault.exe", R"(C:\Windows\System32\WerFault.exe)", "WerFault.exe", "Windows Problem Reporting", Who::system,
         {"svchost.exe"}, {{R"(C:\Windows\system32\WerFault.exe)", "-u", "-p", "{{pid}}", "-s", "{{num}}"}}),
      tp("GoogleUpdate.exe", R"(C:\Program Files (x86)\Google\Update\GoogleUpdate.exe)", "GoogleUpdate.exe",
         "Google Installer", "Google LLC", "Google Update", "Google LLC", Who::system, {"svchost.exe"},
         {{R"(C:\Program Files (x86)\Google\Update\GoogleUpdate.exe)", "/ua", "/installsource", "scheduler"}}),
      ms("ipconfig.exe", R"(C:\Windows\System32\ipconfig.exe)", "ipconfig.exe", "IP Configuration Utility", Who::user,
         {"cmd.exe"}, {{"ipconfig", "/all"}, {"ipconfig", "/flushdns"}}),
      ms("net.exe", R"(C:\Windows\System32\net.exe)", "net.exe", "Net Command", Who::admin, {"cmd.exe", "powershell.exe"},
         {{"net", "use", "Z:", "\\\\fs01.{{ad}}\\home\\{{user}}", "/persistent:no"}, {"net", "start"},
          {"net", "time", "\\\\dc01.{{ad}}"}}),
      ms("sc.exe", R"(C:\Windows\System32\sc.exe)", "sc.exe", "Service Control Manager Configuration Tool", Who::admin,
         {"cmd.exe", "powershell.exe"}, {{"sc", "query", "{{svc}}"}, {"sc", "qc", "{{svc}}"}}),
      ms("tasklist.exe", R"(C:\Windows\System32\tasklist.exe)", "tasklist.exe", "Lists the current running tasks.",
         Who::user, {"cmd.exe"}, {{"tasklist", "/FI", "IMAGENAME eq {{app}}.exe", "/FO", "CSV", "/NH"}}),
      ms("notepad.exe", R"(C:\Windows\System32\notepad.exe)", "NOTEPAD.EXE", "Notepad", Who::user, {"explorer.exe"},
         {{R"(C:\Windows\system32\NOTEPAD.EXE)", R"(C:\Users\{{user}}\Documents\notes-{{date}}.txt)"}}),
      tp("WINWORD.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "WinWord.exe",
         "Microsoft Word", "Microsoft Corporation", "Microsoft Office", "Microsoft Corporation", Who::user,
         {"explorer.exe", "OUTLOOK.EXE"},
         {{"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "/n",
           R"(C:\Users\{{user}}\Downloads\{{doc}})", "/o", ""}}),
      tp("EXCEL.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE", "Excel.exe", "Microsoft Excel",
         "Microsoft Corporation", "Microsoft Office", "Microsoft Corporation", Who::user, {"explorer.exe", "OUTLOOK.EXE"},
         {{"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE", R"(C:\Users\{{user}}\Documents\{{doc}})"}}),
      tp("ms-teams.exe", R"(C:\Program Files\WindowsApps\MSTeams_24091.214.2846.1452_x64__8wekyb3d8bbwe\ms-teams.exe)",
         "ms-teams.exe", "Microsoft Teams", "Microsoft Corporation", "Microsoft Teams", "Microsoft Corporation", Who::user,
         {"explorer.exe"},
         {{R"(C:\Program Files\WindowsApps\MSTeams_24091.214.2846.1452_x64__8wekyb3d8bbwe\ms-teams.exe)",
           "msteams:system-initiated"}}),
      ms("TiWorker.exe", R"(C:\Windows\WinSxS\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.20348.2333_none_7bd3b0b0f9b5a3b6\TiWorker.exe)",
         "TiWorker.exe", "Windows Modules Installer Worker", Who::system, {"svchost.exe"},
         {{R"(C:\Windows\winsxs\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.20348.2333_none_7bd3b0b0f9b5a3b6\TiWorker.exe)",
           "-Embedding"}}),
      ms("csc.exe", R"(C:\Windows\Microsoft.NET\Framework64\v4.0.30319\csc.exe)", "csc.exe",
         "Visual C# Command Line Compiler", Who::nservice, {"w3wp.exe", "powershell.exe"},
         {{R"(C:\Windows\Microsoft.NET\Framework64\v4.0.30319\csc.exe)", "/noconfig", "/fullpaths",
           R"(@C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Temporary ASP.NET Files\root\{{hex8}}\{{hex8}}\{{word}}.cmdline)"}}),
      ms("schtasks.exe", R"(C:\Windows\System32\schtasks.exe)", "schtasks.exe", "Task Scheduler Configuration Tool",
         Who::admin, {"cmd.exe", "powershell.exe"},
         {{"schtasks", "/Run", "/TN", "\\{{vendor}}\\{{script}}"}, {"schtasks", "/Change", "/TN", "\\{{vendor}}\\{{script}}", "/ENABLE"}}),
      ms("reg.exe", R"(C:\Windows\System32\reg.exe)", "reg.exe", "Registry Console Tool", Who::admin, {"cmd.exe"},
         {{"reg", "add", "HKCU\\Software\\{{vendor}}\\{{app}}", "/v", "LastRun", "/t", "REG_SZ", "/d", "{{date}}", "/f"}}),
      ms("whoami.exe", R"(C:\Windows\System32\whoami.exe)", "whoami.exe", "whoami - displays logged on user information",
         Who::user, {"cmd.exe", "powershell.exe"}, {{"whoami", "/upn"}}),
      ms("robocopy.exe", R"(C:\Windows\System32\Robocopy.exe)", "robocopy.exe", "Microsoft Robocopy", Who::admin,
         {"cmd.exe"},
         {{"robocopy", "\\\\fs01.{{ad}}\\share\\{{app}}", "C:\\Deploy\\{{app}}", "/MIR", "/R:2", "/W:5", "/NP",
           "/LOG+:C:\\Deploy\\logs\\{{app}}-{{date}}.log"}}),
      tp("python.exe", R"(C:\Users\{{user}}\AppData\Local\Programs\Python\Python312\python.exe)", "python.exe",
         "Python", "Python Software Foundation", "Python", "Python Software Foundation", Who::user, {"cmd.exe", "Code.exe"},
         {{"python", "-m", "pip", "install", "--upgrade", "{{pkg}}"}, {"python", "C:\\src\\{{app}}\\manage.py", "runserver"}}),
      tp("node.exe", R"(C:\Program Files\nodejs\node.exe)", "node.exe", "Node.js JavaScript Runtime", "Node.js",
         "Node.js", "OpenJS Foundation", Who::user, {"Code.exe", "cmd.exe"},
         {{R"(C:\Program Files\nodejs\node.exe)", R"(C:\src\{{app}}\node_modules\.bin\..\vite\bin\vite.js)", "build"}}),
      ms("consent.exe", R"(C:\Windows\System32\consent.exe)", "consent.exe", "Consent UI for administrative applications",
         Who::system, {"svchost.exe"}, {{"consent.exe", "{{num}}", "{{num}}", "000001F2{{hex8}}"}}),
      ms("wuauclt.exe", R"(C:\Windows\System32\wuauclt.exe)", "wuauclt.exe", "Windows Update", Who::system, {"svchost.exe"},
         {{R"(C:\Windows\system32\wuauclt.exe)", "/RunHandlerComServer"}}),
  };
}

std::vector<Program> parents() {
  return {
      ms("services.exe", R"(C:\Windows\System32\services.exe)", "services.exe", "Services and Controller app",
         Who::system, {"wininit.exe"}, {{R"(C:\Windows\system32\services.exe)"}}),
      ms("explorer.exe", R"(C:\Windows\explorer.exe)", "EXPLORER.EXE", "Windows Explorer", Who::user, {"userinit.exe"},
         {{R"(C:\Windows\Explorer.EXE)"}}),
      ms("svchost.exe", R"(C:\Windows\System32\svchost.exe)", "svchost.exe", "Host Process for Windows Services",
         Who::system, {"services.exe"}, {{R"(C:\Windows\system32\svchost.exe)", "-k", "netsvcs", "-p", "-s", "Schedule"}}),
      tp("chrome.exe", kChrome, "chrome.exe", "Google Chrome", "Google LLC", "Google Chrome", "Google LLC", Who::user,
         {"explorer.exe"}, {{kChrome}}),
      tp("msedge.exe", kEdge, "msedge.exe", "Microsoft Edge", "Microsoft Corporation", "Microsoft Edge",
         "Microsoft Corporation", Who::user, {"explorer.exe"}, {{kEdge, "--profile-directory=Default"}}),
      tp("Code.exe", kCode, "electron.exe", "Visual Studio Code", "Microsoft Corporation", "Visual Studio Code",
         "Microsoft Corporation", Who::user, {"explorer.exe"}, {{kCode}}),
      ms("SearchIndexer.exe", R"(C:\Windows\System32\SearchIndexer.exe)", "SearchIndexer.exe",
         "Microsoft Windows Search Indexer", Who::system, {"services.exe"},
         {{R"(C:\Windows\system32\SearchIndexer.exe)", "/Embedding"}}),
      tp("MsMpEng.exe", R"(C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24030.9-0\MsMpEng.exe)", "MsMpEng.exe",
         "Antimalware Service Executable", "Microsoft Corporation", kMsProduct, "Microsoft Windows Publisher",
         Who::system, {"services.exe"},
         {{R"(C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24030.9-0\MsMpEng.exe)"}}),
      ms("wininit.exe", R"(C:\Windows\System32\wininit.exe)", "wininit.exe", "Windows Start-Up Application",
         Who::system, {"smss.exe"}, {{"wininit.exe"}}),
      ms("userinit.exe", R"(C:\Windows\System32\userinit.exe)", "USERINIT.EXE", "Userinit Logon Application",
         Who::user, {"winlogon.exe"}, {{R"(C:\Windows\system32\userinit.exe)"}}),
      ms("w3wp.exe", R"(C:\Windows\System32\inetsrv\w3wp.exe)", "w3wp.exe", "IIS Worker Process", Who::nservice,
         {"svchost.exe"},
         {{R"(c:\windows\system32\inetsrv\w3wp.exe)", "-ap", "DefaultAppPool", "-v", "v4.0", "-l", "webengine4.dll",
           "-a", R"(\\.\pipe\iisipm7a3e8bd2-05c4-4f8e-9d1b-3c6f2a7e9b10)", "-h",
           R"(C:\inetpub\temp\apppools\DefaultAppPool\DefaultAppPool.config)", "-w", "", "-m", "0", "-t", "20", "-ta", "0"}}),
      tp("sqlservr.exe", R"(C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe)",
         "sqlservr.exe", "SQL Server Windows NT - 64 Bit", "Microsoft Corporation", "Microsoft SQL Server",
         "Microsoft Corporation", Who::nservice, {"services.exe"},
         {{R"(C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe)", "-sMSSQLSERVER"}}),
      tp("OUTLOOK.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", "Outlook.exe",
         "Microsoft Outlook", "Microsoft Corporation", "Microsoft Office", "Microsoft Corporation", Who::user,
         {"explorer.exe"}, {{"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE"}}),
      ms("lsass.exe", R"(C:\Windows\System32\lsass.exe)", "lsass.exe", "Local Security Authority Process", Who::system,
         {"wininit.exe"}, {{R"(C:\Windows\system32\lsass.exe)"}}),
      ms("System", "System", "", "", Who::system, {}, {{"System"}}),
  };
}

std::vector<NetUse> net() {
  return {
      {"chrome.exe", Peer::internet, "tcp", "tls", 443, {"{{site}}"}},
      {"svchost.exe", Peer::internet, "tcp", "tls", 443,
       {"settings-win.data.microsoft.com", "v10.events.data.microsoft.com", "login.live.com", "fe3cr.delivery.mp.microsoft.com"}},
      {"svchost.exe", Peer::dns, "udp", "dns", 53, {"{{site}}"}},
      {"msedge.exe", Peer::internet, "tcp", "tls", 443, {"{{site}}"}},
      {"lsass.exe", Peer::dc, "tcp", "kerberos", 88, {}},
      {"System", Peer::intranet, "tcp", "smb", 445, {}},
      {"OneDrive.exe", Peer::internet, "tcp", "tls", 443, {"api.onedrive.com", "my.microsoftpersonalcontent.com"}},
      {"ms-teams.exe", Peer::internet, "tcp", "tls", 443, {"teams.microsoft.com", "presence.teams.microsoft.com"}},
      {"lsass.exe", Peer::dc, "tcp", "ldap", 389, {}},
      {"MsMpEng.exe", Peer::internet, "tcp", "tls", 443, {"wdcp.microsoft.com", "definitionupdates.microsoft.com"}},
      {"OUTLOOK.EXE", Peer::internet, "tcp", "tls", 443, {"outlook.office365.com"}},
      {"svchost.exe", Peer::ingress_intranet, "tcp", "rdp", 3389, {}},
      {"System", Peer::ingress_intranet, "tcp", "smb", 445, {}},
      {"svchost.exe", Peer::internet, "udp", "ntp", 123, {"time.windows.com"}},
      {"GoogleUpdate.exe", Peer::internet, "tcp", "tls", 443, {"update.googleapis.com"}},
      {"System", Peer::ingress_internet, "tcp", "http", 443, {}},
      {"powershell.exe", Peer::internet, "tcp", "tls", 443, {"www.powershellgallery.com", "github.com"}},
      {"git.exe", Peer::internet, "tcp", "tls", 443, {"github.com", "dev.azure.com"}},
  };
}

std::vector<FileUse> files() {
  return {
      {"chrome.exe", R"(C:\Users\{{user}}\AppData\Local\Google\Chrome\User Data\Default\Cache\Cache_Data\f_{{hex8}})", 0b0101},
      {"svchost.exe", R"(C:\Windows\Prefetch\{{word}}.EXE-{{hex8}}.pf)", 0b0011},
      {"powershell.exe", R"(C:\Users\{{user}}\AppData\Local\Temp\__PSScriptPolicyTest_{{hex8}}.ps1)", 0b0101},
      {"MsMpEng.exe", R"(C:\ProgramData\Microsoft\Windows Defender\Scans\History\CacheManager\{{hex8}}-0.bin)", 0b0111},
      {"explorer.exe", R"(C:\Users\{{user}}\Downloads\{{doc}})", 0b1111},
      {"msedge.exe", R"(C:\Users\{{user}}\AppData\Local\Microsoft\Edge\User Data\Default\Cache\Cache_Data\f_{{hex8}})", 0b0101},
      {"OUTLOOK.EXE", R"(C:\Users\{{user}}\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\{{hex8}}\{{doc}})", 0b0101},
      {"svchost.exe", R"(C:\Windows\SoftwareDistribution\Download\{{hex32}}\Windows10.0-KB50{{n}}{{n}}{{n}}-x64.cab)", 0b0101},
      {"WINWORD.EXE", R"(C:\Users\{{user}}\AppData\Roaming\Microsoft\Word\~WRL{{num}}.tmp)", 0b0101},
      {"OneDrive.exe", R"(C:\Users\{{user}}\OneDrive - {{vendor}}\Documents\{{doc}})", 0b1011},
      {"msiexec.exe", R"(C:\Windows\Installer\{{hex8}}.msi)", 0b0101},
      {"TiWorker.exe", R"(C:\Windows\WinSxS\Temp\InFlight\{{hex16}}\{{hex8}}.cat)", 0b0111},
      {"Code.exe", R"(C:\Users\{{user}}\AppData\Roaming\Code\User\workspaceStorage\{{hex32}}\state.vscdb)", 0b0010},
      {"w3wp.exe", R"(C:\inetpub\logs\LogFiles\W3SVC1\u_ex{{date}}.log)", 0b0010},
      {"python.exe", R"(C:\Users\{{user}}\AppData\Local\pip\cache\http-v2\{{hex8}}\{{hex32}}.body)", 0b0001},
  };
}

}  // namespace

const OsVocab& windows_vocab() {
  static const OsVocab v{Os::win, children(), parents(), net(), files(),
                         {"j.smith", "a.johnson", "m.garcia", "l.chen", "r.patel", "s.mueller", "k.nguyen",
                          "d.kowalski", "e.rossi", "t.brown", "n.ivanova", "p.silva", "h.tanaka", "o.adeyemi"},
                         {"adm.jsmith", "Administrator", "adm.lchen", "svc_deploy"}};
  return v;
}

}  // namespace rulec::gen::mix
