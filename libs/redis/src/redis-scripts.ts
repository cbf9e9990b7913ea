import type { ChainableCommander, Redis } from 'ioredis';

/** A Lua script run as a client command. Without `numberOfKeys`, each call passes the key count first. */
export interface ScriptDefinition {
  lua: string;
  numberOfKeys?: number;
}

/** Script command signatures by command name (what a call resolves with once the script ran). */
export type ScriptSignatures = Record<string, (...args: never[]) => Promise<unknown>>;

/** A pipeline that also queues the scripts (their results come back from `exec()`). */
export type ScriptedPipeline<S extends ScriptSignatures> = ChainableCommander & {
  [K in keyof S]: (...args: Parameters<S[K]>) => ScriptedPipeline<S>;
};

/**
 * A client with the scripts as commands, on the client itself and on its pipelines (the
 * `pipeline()` signature first, so that it wins overload resolution); still a `Redis`.
 */
export type ScriptedRedis<S extends ScriptSignatures> = { pipeline(): ScriptedPipeline<S> } & S & Redis;

/**
 * Defines each script as a command of `redis` (ioredis `defineCommand`: EVALSHA, EVAL when the
 * server lacks the script) and returns the same client typed with them. Idempotent per client,
 * so every service sharing the app's client can declare the scripts it needs.
 */
export function defineScripts<S extends ScriptSignatures>(
  redis: Redis,
  scripts: { [K in keyof S]: ScriptDefinition },
): ScriptedRedis<S> {
  const commands = redis as unknown as Record<string, unknown>;
  for (const [name, definition] of Object.entries(scripts)) {
    if (typeof commands[name] !== 'function') redis.defineCommand(name, definition);
  }
  return redis as unknown as ScriptedRedis<S>;
}
