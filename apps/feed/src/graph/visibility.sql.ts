import type { ViewerGraph } from '@plaza/realtime';

/**
 * SQL fragments for who may see what, shared by every query of the feed so that the rules are
 * written once. `viewer` is a bind parameter such as `$1`; `post` is the alias of a posts row.
 *
 * What a viewer may see right now is decided from the safety graph (`ViewerGraph`, read from
 * Redis for the request, written by profiles before its graph calls answer), bound as arrays:
 * `GraphParams`. The feed's own graph tables, which events update later, only serve the
 * catch-up work (fan-out audiences, timeline cache edits), through the `…ByTables` fragments.
 */

/** Placeholders of the viewer's relations, bound with `bindGraph`. */
export interface GraphParams {
  blocked: string;
  connected: string;
  following: string;
  sources: string;
}

/**
 * The viewer's relations as placeholders of `params`: each is appended when the query text first
 * uses it (PostgreSQL refuses a parameter the statement never uses: its type is unknown).
 */
export function bindGraph(params: unknown[], g: ViewerGraph): GraphParams {
  const slots = new Map<string, string>();
  const bind = (name: string, value: () => string[]): string => {
    let slot = slots.get(name);
    if (!slot) {
      params.push(value());
      slot = `$${params.length}::uuid[]`;
      slots.set(name, slot);
    }
    return slot;
  };
  return {
    get blocked() {
      return bind('blocked', () => [...g.blocked]);
    },
    get connected() {
      return bind('connected', () => [...g.connections]);
    },
    get following() {
      return bind('following', () => [...g.following]);
    },
    get sources() {
      return bind('sources', () => [...new Set([...g.following, ...g.connections])]);
    },
  };
}

/** A viewer with no relations (an author looking at their own post). */
export const NO_RELATIONS: ViewerGraph = { blocked: new Set(), connections: new Set(), following: new Set() };

/** The author sees their own posts; others need no block either way, and a connection for `connections` posts. */
export const postVisibleTo = (viewer: string, g: GraphParams, post = 'p'): string =>
  `(${post}.author_id = ${viewer} OR ((${post}.visibility = 'public' OR ${post}.author_id = ANY(${g.connected})) AND NOT ${post}.author_id = ANY(${g.blocked})))`;

/** The viewer's home timeline draws from their own posts and those of everyone they follow or are connected to. */
export const inTimelineOf = (viewer: string, g: GraphParams, post = 'p'): string =>
  `(${post}.author_id = ${viewer} OR ${post}.author_id = ANY(${g.sources}))`;

// ---- catch-up only (event-fed tables) -------------------------------------------------------

/** Either of the two has blocked the other. */
export const blockedEitherWay = (a: string, b: string): string =>
  `EXISTS (SELECT 1 FROM feed.blocks bl WHERE bl.active AND ((bl.blocker_id = ${a} AND bl.blocked_id = ${b}) OR (bl.blocker_id = ${b} AND bl.blocked_id = ${a})))`;

export const connected = (a: string, b: string): string =>
  `EXISTS (SELECT 1 FROM feed.connections cn WHERE cn.active AND cn.user_id = ${a} AND cn.other_id = ${b})`;

export const postVisibleByTables = (viewer: string, post = 'p'): string =>
  `(${post}.author_id = ${viewer} OR ((${post}.visibility = 'public' OR ${connected(viewer, post + '.author_id')}) AND NOT ${blockedEitherWay(viewer, post + '.author_id')}))`;

/** Everyone whose timeline draws from `author` (followers and connections), as a subquery of ids. */
export const audienceOf = (author: string): string =>
  `(SELECT follower_id AS user_id FROM feed.follows WHERE active AND followee_id = ${author}
    UNION SELECT other_id FROM feed.connections WHERE active AND user_id = ${author})`;
