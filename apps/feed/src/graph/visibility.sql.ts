/**
 * SQL fragments for who may see what, shared by every query of the feed so that the rules are
 * written once. `viewer` is a bind parameter such as `$1`; `post` is the alias of a posts row.
 */

/** Either of the two has blocked the other. */
export const blockedEitherWay = (a: string, b: string): string =>
  `EXISTS (SELECT 1 FROM feed.blocks bl WHERE bl.active AND ((bl.blocker_id = ${a} AND bl.blocked_id = ${b}) OR (bl.blocker_id = ${b} AND bl.blocked_id = ${a})))`;

export const connected = (a: string, b: string): string =>
  `EXISTS (SELECT 1 FROM feed.connections cn WHERE cn.active AND cn.user_id = ${a} AND cn.other_id = ${b})`;

/** The author sees their own posts; others need no block either way, and a connection for `connections` posts. */
export const postVisibleTo = (viewer: string, post = 'p'): string =>
  `(${post}.author_id = ${viewer} OR ((${post}.visibility = 'public' OR ${connected(viewer, post + '.author_id')}) AND NOT ${blockedEitherWay(viewer, post + '.author_id')}))`;

/** The viewer's home timeline draws from their own posts and those of everyone they follow or are connected to. */
export const inTimelineOf = (viewer: string, post = 'p'): string =>
  `(${post}.author_id = ${viewer}
    OR EXISTS (SELECT 1 FROM feed.follows fo WHERE fo.active AND fo.follower_id = ${viewer} AND fo.followee_id = ${post}.author_id)
    OR ${connected(viewer, post + '.author_id')})`;

/** Everyone whose timeline draws from `author` (followers and connections), as a subquery of ids. */
export const audienceOf = (author: string): string =>
  `(SELECT follower_id AS user_id FROM feed.follows WHERE active AND followee_id = ${author}
    UNION SELECT other_id FROM feed.connections WHERE active AND user_id = ${author})`;
