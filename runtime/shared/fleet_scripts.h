// The Lua scripts that make the fleet's new-terms, threshold and max_signals decisions atomic and replay-safe in Redis.
//
// Every script touches one key, so it runs on one Redis Cluster node, and may run twice (a retry
// after a lost connection, a replay after a restart) with the same outcome: a decision carries an
// owner (the would-be alert's id, the event's id), and the owner asking again gets the same answer.
// Times are event times in ms (exact in Lua's doubles up to 2^53). A value that is not what the
// script wrote is answered with an error naming the key, never a guess.
#pragma once

namespace rulec::rt::fleet_scripts {

// New terms. KEYS[1]: a term tuple of a rule, value "LAST|OWNER" (LAST: the largest event time the
// fleet has seen it at; OWNER: the id of the occurrence that last found it new).
// ARGV: window, horizon, watermark, then (t, owner) per occurrence, in stream order.
// Each occurrence is new when the term was not seen in [t - window, t), or when it is the owner
// asking again. Returns one 0/1 per occurrence, then LAST. The key lives until the watermark
// passes LAST + horizon (at least a minute).
inline constexpr const char* kNewTerms = R"lua(
local v = redis.call('GET', KEYS[1])
local last, owner = nil, ''
if v then
  local sep = string.find(v, '|', 1, true)
  if sep then last = tonumber(string.sub(v, 1, sep - 1)); owner = string.sub(v, sep + 1) end
  if not last then return redis.error_reply('RULEC_BAD_VALUE ' .. KEYS[1] .. ' does not hold a new-terms entry') end
end
local window, horizon, wm = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local out, changed = {}, false
for i = 4, #ARGV, 2 do
  local t, o = tonumber(ARGV[i]), ARGV[i + 1]
  local new = 0
  if last == nil or last < t - window then
    new = 1; owner = o; changed = true
  elseif o ~= '' and o == owner then
    new = 1
  end
  if last == nil or t > last then last = t; changed = true end
  out[#out + 1] = new
end
if changed then
  local ttl = math.max(60000, last + horizon - math.max(wm, last))
  redis.call('SET', KEYS[1], string.format('%.0f', last) .. '|' .. owner, 'PX', string.format('%.0f', ttl))
end
out[#out + 1] = string.format('%.0f', last)
return out
)lua";

// Threshold. KEYS[1]: a group's bucket, a hash: n (events counted), d (distinct cardinality
// values), a ("ID|COUNT|DISTINCT" of the event that crossed), e<ID> per event counted, c<H> per
// distinct value. ARGV: threshold, cardinality threshold (0: none), ttl, then per event: ID,
// number of cardinality values, the values' hashes. Returns per event 0 (no alert), -1 (the
// bucket's alert was raised by another event), or {COUNT, DISTINCT} when the event crosses (or is
// the crossing event asking again).
inline constexpr const char* kThreshold = R"lua(
local tv, cv, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local out = {}
local i = 4
while i <= #ARGV do
  local id, nc = ARGV[i], tonumber(ARGV[i + 1])
  local a = redis.call('HGET', KEYS[1], 'a')
  if a then
    local s1 = string.find(a, '|', 1, true)
    local s2 = s1 and string.find(a, '|', s1 + 1, true)
    if not s2 then return redis.error_reply('RULEC_BAD_VALUE ' .. KEYS[1] .. ' does not hold a threshold bucket') end
    if string.sub(a, 1, s1 - 1) == id then
      out[#out + 1] = {tonumber(string.sub(a, s1 + 1, s2 - 1)), tonumber(string.sub(a, s2 + 1))}
    else
      out[#out + 1] = -1
    end
  else
    if redis.call('HSETNX', KEYS[1], 'e' .. id, 1) == 1 then redis.call('HINCRBY', KEYS[1], 'n', 1) end
    for k = 1, nc do
      if redis.call('HSETNX', KEYS[1], 'c' .. ARGV[i + 1 + k], 1) == 1 then redis.call('HINCRBY', KEYS[1], 'd', 1) end
    end
    local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
    local d = tonumber(redis.call('HGET', KEYS[1], 'd') or '0')
    if n == nil or d == nil then return redis.error_reply('RULEC_BAD_VALUE ' .. KEYS[1] .. ' does not hold a threshold bucket') end
    if n >= tv and (cv == 0 or d >= cv) then
      redis.call('HSET', KEYS[1], 'a', id .. '|' .. n .. '|' .. d)
      out[#out + 1] = {n, d}
    else
      out[#out + 1] = 0
    end
  end
  i = i + 2 + nc
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

}  // namespace rulec::rt::fleet_scripts
