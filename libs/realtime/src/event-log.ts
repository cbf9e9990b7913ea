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
 * XADD + PUBLISH in one atomic script, so that for one user the live order equals the log order
 * even when several apps push at once. The socket.io adapter message is built by the caller with
 * a fixed-width placeholder where the eventId goes (ids are fixed width, so msgpack lengths hold).
 * Retention: at least LOG_MIN_EVENTS and LOG_MIN_AGE_MS, checked every 64 appends.
 */
export const APPEND_AND_PUBLISH_LUA = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[5], '*', 'd', ARGV[1])
local dash = string.find(id, '-', 1, true)
local ms = string.sub(id, 1, dash - 1)
local seq = string.sub(id, dash + 1)
local eid = string.rep('0', 16 - #ms) .. ms .. '-' .. string.rep('0', 6 - #seq) .. seq
local s, e = string.find(ARGV[2], ARGV[4], 1, true)
local msg = string.sub(ARGV[2], 1, s - 1) .. eid .. string.sub(ARGV[2], e + 1)
redis.call('PUBLISH', ARGV[3], msg)
redis.call('EXPIRE', KEYS[1], ARGV[6])
local len = redis.call('XLEN', KEYS[1])
if len > tonumber(ARGV[7]) and len % 64 == 0 then
  local kept = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', ARGV[7])
  local oldestKept = kept[#kept][1]
  local cutoff = tostring(tonumber(ms) - tonumber(ARGV[8])) .. '-0'
  local od = string.find(oldestKept, '-', 1, true)
  local oldestMs = tonumber(string.sub(oldestKept, 1, od - 1))
  local minid = cutoff
  if oldestMs < tonumber(ms) - tonumber(ARGV[8]) then minid = oldestKept end
  redis.call('XTRIM', KEYS[1], 'MINID', minid)
end
return eid
`;

/** Fixed-width stand-in replaced by the script; same length as a real eventId. */
export const EVENT_ID_PLACEHOLDER = '\u0001EVTID\u0001'.padEnd(23, '\u0002');
