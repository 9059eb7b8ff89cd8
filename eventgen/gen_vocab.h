// Vocabulary of the mixed scenario: programs, parents, network peers, file activity and users per OS.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace rulec::gen::mix {

enum class Os : uint8_t { win, lin, mac };  // (not "linux": a predefined macro in GNU mode)

// Who runs a program: decides user.name/id/domain on the event.
enum class Who : uint8_t {
  system,     // Windows SYSTEM, Linux/macOS root
  lservice,   // Windows LOCAL SERVICE
  nservice,   // Windows NETWORK SERVICE
  user,       // the host's interactive user
  admin,      // an administrator account (servers) or the interactive user (workstations)
  daemon,     // a Linux service account (www-data, postgres, ...) named by Program::daemon_user
};

// One executable and the ways it is started. Argument templates may hold placeholders
// `{{name}}` (see expand() in gen_text.h); unknown names stay literal.
struct Program {
  std::string_view name, exe;
  std::vector<std::vector<std::string_view>> cmds;  // argv templates, the first the most common
  std::vector<std::string_view> parents;           // names of programs (same OS) that start it
  Who who = Who::user;
  std::string_view cwd;                            // working directory template ("" = OS default)
  // Windows PE metadata and code signature (subject name; empty = unsigned). macOS: signer is the
  // subject name, sign_id the signing identifier and team the team id.
  std::string_view pe_name, pe_desc, company, product, signer, sign_id, team;
  std::string_view daemon_user;                    // for Who::daemon
};

// A network peer a program talks to.
enum class Peer : uint8_t { internet, intranet, dc, dns, ingress_internet, ingress_intranet };
struct NetUse {
  std::string_view process;  // a program name of the OS's tables
  Peer peer;
  std::string_view transport;  // tcp / udp
  std::string_view protocol;   // network.protocol
  uint16_t port;               // destination port (ingress: the local listening port)
  std::vector<std::string_view> domains;  // destination.domain candidates for internet peers
};

// A file a program writes, changes or removes (path template with placeholders).
struct FileUse {
  std::string_view process;
  std::string_view path;
  uint8_t actions;  // bit 0 creation, bit 1 modification, bit 2 deletion, bit 3 rename
};

struct OsVocab {
  Os os;
  std::vector<Program> children;  // started processes, most frequent first (Zipf by rank)
  std::vector<Program> parents;   // long-lived parents that are rarely started themselves
  std::vector<NetUse> net;        // most frequent first
  std::vector<FileUse> files;     // most frequent first
  std::vector<std::string_view> users;     // interactive users, most active first
  std::vector<std::string_view> admins;    // administrator accounts
  // Finds a program by name in parents then children (a parent entry gives a long-lived
  // instance's command line, e.g. the browser's main process); nullptr if absent.
  const Program* find(std::string_view name) const;
};

const OsVocab& windows_vocab();
const OsVocab& linux_vocab();
const OsVocab& macos_vocab();
const OsVocab& vocab(Os os);

// Value lists for placeholders (most frequent first).
struct Lists {
  std::vector<std::string_view> sites;        // internet domains
  std::vector<std::string_view> packages;     // pip/npm/apt package names
  std::vector<std::string_view> documents;    // office documents (some with spaces)
  std::vector<std::string_view> win_services; // svchost -s names
  std::vector<std::string_view> units;        // systemd units
  std::vector<std::string_view> apps;         // in-house application names
  std::vector<std::string_view> words;        // short lowercase words
  std::vector<std::string_view> scripts;      // script base names
  std::vector<std::string_view> jars;         // Java archive base names (class paths)
  std::vector<std::string_view> chrome_flags; // Chromium switches
  std::vector<std::string_view> vendors;      // software vendors (ProgramData folders)
};
const Lists& lists();

}  // namespace rulec::gen::mix
