// Settling a restarted stream worker's last checkpointed alerts with the fleet: those another worker took over are cut from its alerts file.
//
// A worker checkpoints (alerts synced, state saved) and then acknowledges the checkpoint's stream
// entries. Killed in between, its entries stay pending; another worker claims them, replays them
// on its behalf and writes their alerts (kSignals takes over the dead writer's claims). The dead
// worker's file holds the same alerts. At its restart, before it reads on, each alert of its last
// checkpoint is settled (kSettle): kept and marked as its own for good, or, when another writer
// holds it, cut from the file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runtime/common/durable_file.h"
#include "runtime/shared/fleet_state.h"
#include "runtime/state/detector.h"

namespace rulec::rt {

namespace {

// Bytes [from, to) of `path`.
bool read_range(const std::string& path, uint64_t from, uint64_t to, std::string& out, std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return error = fmt::format("cannot read {}: {}", path, std::strerror(errno)), false;
  out.resize(to - from);
  size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(from + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = errno;
      ::close(fd);
      return error = fmt::format("cannot read {}: {}", path, n == 0 ? "shorter than its checkpoint" : std::strerror(e)),
             false;
    }
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  return true;
}

// The id of an alert line ("" when the line is not an alert).
std::string alert_id(std::string_view line) {
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object()) return {};
  const auto it = j.find("kibana.alert.uuid");
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The ids of `claims` that another writer holds (kSettle, one call per max_signals bucket).
bool taken_over(FleetState& fleet, const std::vector<std::pair<std::string, std::string>>& claims,
                std::unordered_set<std::string>& taken, std::string& error) {
  std::map<std::string, std::vector<std::string>> by_key;
  for (const auto& [key, id] : claims) by_key[key].push_back(id);
  std::vector<RedisCommand> cmds;
  for (const auto& [key, ids] : by_key) {
    std::vector<std::string> args{fleet.writer()};
    args.insert(args.end(), ids.begin(), ids.end());
    cmds.push_back(fleet.call(FleetState::kSettle, key, std::move(args)));
  }
  std::vector<RedisReply> replies;
  if (!fleet.run(cmds, replies, error)) return false;
  size_t i = 0;
  for (const auto& [key, ids] : by_key) {
    const RedisReply& r = replies[i++];
    if (r.type != RedisReply::Type::Array || r.elements.size() != ids.size())
      return error = fmt::format("shared state: unexpected answer settling the alerts of {}", key), false;
    for (size_t j = 0; j < ids.size(); ++j) {
      if (r.elements[j].type != RedisReply::Type::Integer)
        return error = fmt::format("shared state: unexpected answer settling the alerts of {}", key), false;
      if (r.elements[j].integer == 0) taken.insert(ids[j]);
    }
  }
  return true;
}

}  // namespace

bool Detector::settle_takeovers(Snapshot& snap, const std::string& alerts_path, std::string& recovered,
                                std::string& error) {
  // The alerts kept, while the file is rewritten: a settlement cut short is finished from here.
  const std::string sidecar = options_.state_dir + "/settle.tmp";
  std::string kept;
  size_t removed = 0;
  std::ifstream in(sidecar, std::ios::binary);
  const bool resumed = static_cast<bool>(in);
  if (resumed) {
    kept.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return error = fmt::format("cannot read {}: {}", sidecar, std::strerror(errno)), false;
  } else {
    if (snap.claims.empty()) return true;
    std::unordered_set<std::string> taken;
    if (!taken_over(*fleet_, snap.claims, taken, error)) return false;
    if (taken.empty()) return true;
    struct stat st {};
    if (snap.region_start > snap.alerts_offset || ::stat(alerts_path.c_str(), &st) != 0 ||
        static_cast<uint64_t>(st.st_size) < snap.alerts_offset)
      return true;  // not the file this checkpoint wrote: left as it is
    std::string region;
    if (!read_range(alerts_path, snap.region_start, snap.alerts_offset, region, error)) return false;
    for (size_t pos = 0; pos < region.size();) {
      size_t end = region.find('\n', pos);
      end = end == std::string::npos ? region.size() : end + 1;
      const std::string_view line(region.data() + pos, end - pos);
      if (taken.count(alert_id(line))) ++removed;
      else kept.append(line);
      pos = end;
    }
    if (!removed) return true;
    if (!write_file_durably(sidecar, kept, error)) return false;
  }
  struct stat st {};
  if (::stat(alerts_path.c_str(), &st) != 0 || static_cast<uint64_t>(st.st_size) < snap.region_start)
    return error = fmt::format("{} is shorter than its checkpoint in {} ({} bytes): cannot settle its last alerts",
                               alerts_path, options_.state_dir, snap.region_start),
           false;
  if (::truncate(alerts_path.c_str(), static_cast<off_t>(snap.region_start)) != 0)
    return error = fmt::format("cannot cut {} back to {} bytes: {}", alerts_path, snap.region_start, std::strerror(errno)),
           false;
  if (!kept.empty() && !append_file_durably(alerts_path, kept, error)) return false;
  snap.alerts_offset = snap.region_start + kept.size();
  if (!save_snapshot(options_.state_dir, snap, error, true)) return false;
  ::unlink(sidecar.c_str());
  if (resumed)
    recovered += fmt::format("finished cutting from {} the alerts another stream worker took over; ", alerts_path);
  else
    recovered += fmt::format(
        "{} alerts of the last checkpoint were written by another stream worker, which took their entries over "
        "before this one acknowledged them: cut from {}; ",
        removed, alerts_path);
  return true;
}

}  // namespace rulec::rt
