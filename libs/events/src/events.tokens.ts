/** The connection for acks, XADD and claims. */
export const EVENTS_REDIS = Symbol('EVENTS_REDIS');
/** A connection of its own for the blocking XREADGROUP. */
export const EVENTS_REDIS_READER = Symbol('EVENTS_REDIS_READER');
