/**
 * Per-user event log: a Redis stream `rt:log:<userId>`. The stream entry id, zero-padded to a
 * fixed width, is the `eventId` clients see, so ids compare correctly as plain strings too.
 */

export const LOG_MIN_EVENTS = 1000;
export const LOG_MIN_AGE_MS = 24 * 60 * 60 * 1000;
/** Memory bound for a user flooded with events; past it the oldest go even if younger than 24 h. */
export const LOG_HARD_CAP = 20_000;
/** A log untouched this long is dropped; a client coming back later gets `sync:required`. */
export const LOG_IDLE_TTL_SECONDS = 7 * 24 * 60 * 60;

export const eventLogKey = (userId: string): string => `rt:log:${userId}`;

const EVENT_ID = /^(\d{1,20})-(\d{1,10})$/;

/** `0001795569422217-000003` → `1795569422217-3`; null when not an event id. */
export function streamIdOf(eventId: unknown): string | null {
  if (typeof eventId !== 'string') return null;
  const m = EVENT_ID.exec(eventId);
  if (!m) return null;
  return `${BigInt(m[1]).toString()}-${BigInt(m[2]).toString()}`;
}

export function eventIdOf(streamId: string): string {
  const [ms, seq] = streamId.split('-');
  return `${ms.padStart(16, '0')}-${seq.padStart(6, '0')}`;
}

/** Compares two stream ids numerically: negative when a < b. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

/**
 * XADD + PUBLISH of one entry, as Lua functions shared by the scripts below: for one user the
 * live order equals the log order even when several apps push at once. The socket.io adapter
 * message is built by the caller with a fixed-width placeholder where the eventId goes (ids are
 * fixed width, so msgpack lengths hold); `appendParts` takes it already cut around the
 * placeholder. Retention: at least LOG_MIN_EVENTS and LOG_MIN_AGE_MS, checked every 64 appends.
 */
const APPEND_FUNCTION_LUA = `
local function appendParts(key, entry, before, after, channel, hardCap, idleTtl, minEvents, minAge)
  local id = redis.call('XADD', key, 'MAXLEN', '~', hardCap, '*', 'd', entry)
  local dash = string.find(id, '-', 1, true)
  local ms = string.sub(id, 1, dash - 1)
  local seq = string.sub(id, dash + 1)
  local eid = string.rep('0', 16 - #ms) .. ms .. '-' .. string.rep('0', 6 - #seq) .. seq
  redis.call('PUBLISH', channel, before .. eid .. after)
  redis.call('EXPIRE', key, idleTtl)
  local len = redis.call('XLEN', key)
  if len > tonumber(minEvents) and len % 64 == 0 then
    local kept = redis.call('XREVRANGE', key, '+', '-', 'COUNT', minEvents)
    local oldestKept = kept[#kept][1]
    local cutoff = tostring(tonumber(ms) - tonumber(minAge)) .. '-0'
    local od = string.find(oldestKept, '-', 1, true)
    local oldestMs = tonumber(string.sub(oldestKept, 1, od - 1))
    local minid = cutoff
    if oldestMs < tonumber(ms) - tonumber(minAge) then minid = oldestKept end
    redis.call('XTRIM', key, 'MINID', minid)
  end
  return eid
end
local function append(key, entry, message, channel, placeholder, hardCap, idleTtl, minEvents, minAge)
  local s, e = string.find(message, placeholder, 1, true)
  return appendParts(key, entry, string.sub(message, 1, s - 1), string.sub(message, e + 1), channel,
    hardCap, idleTtl, minEvents, minAge)
end
`;

/**
 * One entry to many users' logs, each published to the user's own room, with the entry and the
 * adapter message sent once: the message is `head .. room .. tail` (msgpack: rooms of one byte
 * length share head and tail), the channel `channelPrefix .. room .. '#'`. KEYS: the logs;
 * ARGV: entry, head, tail, channel prefix, placeholder, hard cap, idle TTL, min events, min age
 * (ms), then one room per key. Returns the eventIds in KEYS order.
 */
export const FAN_OUT_APPEND_LUA = `${APPEND_FUNCTION_LUA}
local s, e = string.find(ARGV[2], ARGV[5], 1, true)
local before = string.sub(ARGV[2], 1, s - 1)
local after = string.sub(ARGV[2], e + 1)
local ids = {}
for i = 1, #KEYS do
  local room = ARGV[9 + i]
  ids[i] = appendParts(KEYS[i], ARGV[1], before, after .. room .. ARGV[3], ARGV[4] .. room .. '#',
    ARGV[6], ARGV[7], ARGV[8], ARGV[9])
end
return ids
`;

/** Highest message seq of a conversation pushed so far (see ORDERED_APPEND_LUA). */
export const messageOrderKey = (conversationId: string): string => `rt:conv-pushed:${conversationId}`;

/**
 * One message (seq n of a conversation) to every member's log, in seq order across messaging
 * instances without any lock held between the commit and the push: KEYS[1] holds the highest seq
 * pushed so far, KEYS[2..] are the members' logs. The entry is appended only when seq n-1 was
 * pushed already (or n = 1, or ARGV[2] = '1': the caller knows n-1 was pushed, or gave up waiting
 * for an instance that died between its commit and its push); otherwise nothing is written and
 * 'wait' is returned, and the caller tries again shortly. A seq at or below the recorded one (a
 * push that was given up on and arrives late) is appended anyway: clients detect the out-of-order
 * seq and the message is never lost from the log.
 * ARGV: seq, force, order-key TTL (s), entry, placeholder, hard cap, idle TTL, min events, min
 * age (ms), then (message, channel) per log key. Returns the eventIds in KEYS order.
 */
export const ORDERED_APPEND_LUA = `${APPEND_FUNCTION_LUA}
local seq = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if ARGV[2] ~= '1' and last < seq - 1 and not (last == -1 and seq == 1) then return 'wait' end
if seq > last then redis.call('SET', KEYS[1], seq, 'EX', ARGV[3]) end
local ids = {}
for i = 2, #KEYS do
  local a = 10 + 2 * (i - 2)
  ids[i - 1] = append(KEYS[i], ARGV[4], ARGV[a], ARGV[a + 1], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9])
end
return ids
`;

/** Fixed-width stand-in replaced by the script; same length as a real eventId. */
export const EVENT_ID_PLACEHOLDER = '\u0001EVTID\u0001'.padEnd(23, '\u0002');
