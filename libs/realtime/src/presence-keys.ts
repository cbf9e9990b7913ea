/**
 * Where the gateways keep presence in Redis (written by the gateway's PresenceService; read by
 * the push app to decide who is offline). A user is online while `presenceKey(user)` has a field
 * for a gateway instance whose `gatewayAliveKey(instance)` still exists (heartbeat, TTL
 * `GATEWAY_ALIVE_TTL_MS`); a killed gateway's fields are reaped by the others afterwards.
 */
export const GATEWAY_ALIVE_TTL_MS = 15_000;
export const GATEWAY_INSTANCES_KEY = 'rt:gw:instances';
export const gatewayAliveKey = (instance: string): string => `rt:gw:${instance}:alive`;
export const gatewayUsersKey = (instance: string): string => `rt:gw:${instance}:users`;
export const presenceKey = (userId: string): string => `rt:presence:${userId}`;
export const lastSeenKey = (userId: string): string => `rt:lastseen:${userId}`;
