// The Lua scripts that make the fleet's new-terms, threshold and max_signals decisions atomic and replay-safe in Redis.
//
// Every script touches one key, so it runs on one Redis Cluster node, and may run twice (a retry
// after a lost connection, a replay after a restart) with the same outcome: a decision carries an
// owner (the would-be alert's id, the event's id), and the owner asking again gets the same answer.
// Times are event times in ms (exact in Lua's doubles up to 2^53). A value that is not what the
// script wrote is answered with an error naming the key, never a guess.
#pragma once

#include <string>

namespace rulec::rt::fleet_scripts {

// What every script starts with: split(s), the '|'-separated parts of a value.
inline constexpr const char* kPrelude = R"lua(
local function split(s)
  local p, i = {}, 1
  while true do
    local j = string.find(s, '|', i, true)
    if not j then p[#p + 1] = string.sub(s, i); return p end
    p[#p + 1] = string.sub(s, i, j - 1); i = j + 1
  end
end
)lua";

// A script's source as Redis loads it: the prelude, then the script.
inline std::string source(const char* script) { return std::string(kPrelude) + script; }

// New terms. KEYS[1]: a term tuple of a rule, value "LAST|OWNER|T|OWNER|T..." (LAST: the largest
// event time the fleet has seen it at; then, oldest first, the ids and times of the last 16
// occurrences that found it new: a process killed after asking re-reads its events from its last
// checkpoint, and the occurrence it re-reads must be new again, however far the fleet has seen
// the term since). "LAST|OWNER" (rulec before 0.9) is read as one owner of unknown time.
// ARGV: window, horizon, watermark, then (t, owner) per occurrence, in stream order.
// Each occurrence is new when it is one of the owners asking again, or when the term was not seen
// in [t - window, t). Returns one 0/1 per occurrence, then LAST, then (when there are owners) the
// latest owner's time and (when there are others) the latest time of the others ("": unknown). The key lives until the watermark passes
// LAST + horizon (at least a minute).
inline constexpr const char* kNewTerms = R"lua(
local function bad() return redis.error_reply('RULEC_BAD_VALUE ' .. KEYS[1] .. ' does not hold a new-terms entry') end
local v = redis.call('GET', KEYS[1])
local last, owners = nil, {}
if v then
  local p = split(v)
  last = tonumber(p[1])
  if not last or #p < 2 then return bad() end
  if #p == 2 then
    if p[2] ~= '' then owners[1] = {p[2], false} end
  else
    if #p % 2 ~= 1 then return bad() end
    for k = 2, #p, 2 do
      local ot = tonumber(p[k + 1])
      if not ot or p[k] == '' then return bad() end
      owners[#owners + 1] = {p[k], ot}
    end
  end
end
local window, horizon, wm = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local out, changed = {}, false
for i = 4, #ARGV, 2 do
  local t, o = tonumber(ARGV[i]), ARGV[i + 1]
  local new = 0
  if o ~= '' then
    for _, w in ipairs(owners) do if w[1] == o then new = 1 end end
  end
  if new == 0 and (last == nil or last < t - window) then
    new = 1; changed = true
    if o ~= '' then
      local kept = {}
      for _, w in ipairs(owners) do if w[2] then kept[#kept + 1] = w end end
      kept[#kept + 1] = {o, t}
      owners = kept
    end
  end
  if last == nil or t > last then last = t; changed = true end
  out[#out + 1] = new
end
while #owners > 16 do table.remove(owners, 1); changed = true end
if changed then
  local ttl = math.max(60000, last + horizon - math.max(wm, last))
  local val = string.format('%.0f', last)
  if #owners == 1 and not owners[1][2] then
    val = val .. '|' .. owners[1][1]
  elseif #owners == 0 then
    val = val .. '|'
  else
    for _, w in ipairs(owners) do
      if w[2] then val = val .. '|' .. w[1] .. '|' .. string.format('%.0f', w[2]) end
    end
  end
  redis.call('SET', KEYS[1], val, 'PX', string.format('%.0f', ttl))
end
out[#out + 1] = string.format('%.0f', last)
if #owners > 0 then
  local latest = owners[#owners][2]
  out[#out + 1] = latest and string.format('%.0f', latest) or ''
  if #owners > 1 then
    local m, known = nil, true
    for k = 1, #owners - 1 do
      if not owners[k][2] then known = false elseif not m or owners[k][2] > m then m = owners[k][2] end
    end
    out[#out + 1] = known and string.format('%.0f', m) or ''
  end
end
return out
)lua";

// Threshold. KEYS[1]: a group's bucket, a hash: n (events counted), d (distinct cardinality
// values), f and l (the earliest and latest event time counted), a ("ID|COUNT|DISTINCT|T|FIRST|LAST"
// of the event that crossed, T its event time, FIRST and LAST the bucket's then; rulec before 0.9
// wrote "ID|COUNT|DISTINCT"), e<ID> per event counted, c<H> per distinct value. ARGV: threshold,
// cardinality threshold (0: none), ttl, then per event: ID, its event time, number of cardinality
// values, the values' hashes. Returns per event 0 (no alert), {COUNT, DISTINCT, FIRST, LAST} when
// the event crosses (or is the crossing event asking again; {COUNT, DISTINCT} for a bucket an
// older rulec raised), or, when another event raised the bucket's alert, that event's time as a
// string ("": unknown). An event at another time than the crossing one can never raise the
// bucket's alert again: the caller may stop asking for those.
inline constexpr const char* kThreshold = R"lua(
local function bad() return redis.error_reply('RULEC_BAD_VALUE ' .. KEYS[1] .. ' does not hold a threshold bucket') end
local tv, cv, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local out = {}
local i = 4
while i <= #ARGV do
  local id, t, nc = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local a = redis.call('HGET', KEYS[1], 'a')
  if a then
    local p = split(a)
    if #p ~= 3 and #p ~= 4 and #p ~= 6 then return bad() end
    if p[1] == id then
      local r = {}
      for k = 2, #p do
        if k ~= 4 then
          local v = tonumber(p[k])
          if not v then return bad() end
          r[#r + 1] = v
        end
      end
      out[#out + 1] = r
    else
      out[#out + 1] = p[4] or ''
    end
  else
    if redis.call('HSETNX', KEYS[1], 'e' .. id, 1) == 1 then redis.call('HINCRBY', KEYS[1], 'n', 1) end
    for k = 1, nc do
      if redis.call('HSETNX', KEYS[1], 'c' .. ARGV[i + 2 + k], 1) == 1 then redis.call('HINCRBY', KEYS[1], 'd', 1) end
    end
    local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
    local d = tonumber(redis.call('HGET', KEYS[1], 'd') or '0')
    local tn = tonumber(t)
    local f = tonumber(redis.call('HGET', KEYS[1], 'f') or t)
    local l = tonumber(redis.call('HGET', KEYS[1], 'l') or t)
    if n == nil or d == nil or f == nil or l == nil or tn == nil then return bad() end
    if tn < f then f = tn; redis.call('HSET', KEYS[1], 'f', t) else redis.call('HSETNX', KEYS[1], 'f', t) end
    if tn > l then l = tn; redis.call('HSET', KEYS[1], 'l', t) else redis.call('HSETNX', KEYS[1], 'l', t) end
    if n >= tv and (cv == 0 or d >= cv) then
      local fs, ls = string.format('%.0f', f), string.format('%.0f', l)
      redis.call('HSET', KEYS[1], 'a', id .. '|' .. n .. '|' .. d .. '|' .. t .. '|' .. fs .. '|' .. ls)
      out[#out + 1] = {n, d, f, l}
    else
      out[#out + 1] = 0
    end
  end
  i = i + 3 + nc
end
redis.call('PEXPIRE', KEYS[1], ttl)
return out
)lua";

// max_signals and alerts written. KEYS[1]: a rule's interval bucket, a hash: alert id -> writer
// (WRITER, or WRITER! once settled: kept in the writer's file for good, see kSettle).
// ARGV: max_signals, ttl, this writer, then per alert, in stream order: its id and the writer it
// may take over ('' for none: a stream entry replayed for a consumer that died). Returns per id:
// 1 (write it: claimed now), 2 (claimed earlier by this writer, or taken over now), 3 (claimed by
// another writer, or settled by the one it would take over), 0 (over max_signals in the bucket).
inline constexpr const char* kSignals = R"lua(
local max, ttl, me = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local n = redis.call('HLEN', KEYS[1])
local out = {}
for i = 4, #ARGV, 2 do
  local w, from = redis.call('HGET', KEYS[1], ARGV[i]), ARGV[i + 1]
  if w == me or w == me .. '!' then
    out[#out + 1] = 2
  elseif w and from ~= '' and w == from then
    redis.call('HSET', KEYS[1], ARGV[i], me)
    out[#out + 1] = 2
  elseif w then
    out[#out + 1] = 3
  elseif n >= max then
    out[#out + 1] = 0
  else
    redis.call('HSET', KEYS[1], ARGV[i], me); n = n + 1
    out[#out + 1] = 1
  end
end
redis.call('PEXPIRE', KEYS[1], ttl)
return out
)lua";

// Settling a writer's last checkpointed alerts after its restart. A stream worker killed after a
// checkpoint but before it acknowledged the checkpoint's entries holds their alerts in its file,
// while another worker may have claimed the entries and taken the alerts over. KEYS[1]: a rule's
// interval bucket (kSignals); ARGV: this writer, then alert ids. Returns per id 1 (keep it: this
// writer's, now settled as WRITER! so that no later takeover writes it again, or the bucket has
// expired) or 0 (taken over: another writer wrote it; remove it from this writer's file).
inline constexpr const char* kSettle = R"lua(
local me = ARGV[1]
local out = {}
for i = 2, #ARGV do
  local w = redis.call('HGET', KEYS[1], ARGV[i])
  if not w or w == me .. '!' then
    out[#out + 1] = 1
  elseif w == me then
    redis.call('HSET', KEYS[1], ARGV[i], me .. '!')
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
)lua";

// A sequence key's new value, written only over the version it was computed from (the worker
// read the key, fed its events to the state machine, and writes back; another process that wrote
// meanwhile makes it read again). KEYS[1]: the key (fleet_sequence_key.h: "VERSION|bytes", a
// version new at each write). ARGV: the version read ('' : the key did not exist), the new value,
// its ttl in ms. Returns 1 (written, or written already: a retry after a lost reply finds its own
// version) or 0 (the key changed since it was read).
inline constexpr const char* kSequencePut = R"lua(
local v = redis.call('GET', KEYS[1])
if v then
  local bar = string.find(v, '|', 1, true)
  if not bar then return redis.error_reply('RULEC_BAD_VALUE ' .. KEYS[1] .. ' does not hold a sequence key') end
  local mine = string.find(ARGV[2], '|', 1, true)
  if mine and string.sub(v, 1, bar) == string.sub(ARGV[2], 1, mine) then return 1 end
  if string.sub(v, 1, bar - 1) ~= ARGV[1] then return 0 end
elseif ARGV[1] ~= '' then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
)lua";

// The fleet's clock for sequences. KEYS[1]: a hash, writer -> "W|SEEN|STATE": W the event time up
// to which the writer has landed every sequence event it read ('' : none yet), SEEN the server's
// time of its last word in ms, STATE 'l' (running) or 'x' (its input ended). ARGV: this writer,
// its W, its state. Returns the server's time in ms, then every writer and its value.
inline constexpr const char* kSequenceClock = R"lua(
local t = redis.call('TIME')
local now = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. now .. '|' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], 604800000)
local out = {now}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all do out[#out + 1] = all[i] end
return out
)lua";

}  // namespace rulec::rt::fleet_scripts
