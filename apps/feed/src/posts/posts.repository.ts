import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Position } from '../common/position';
import { rowsOf } from '@plaza/database';
import type { ViewerGraph } from '@plaza/realtime';
import { bindGraph, inTimelineOf, postVisibleByTables, postVisibleTo } from '../graph/visibility.sql';
import type { CommentRow, PostHeader, PostRow, TimelineEntry } from './post.row';

/** Which rule filters the posts being loaded. */
export type PostFilter = 'visible' | 'timeline' | 'any';

/** Columns of a full post for viewer `$1`; counts come from the rows, so they are exact. */
const POST_COLUMNS = `p.id, p.author_id, u.handle, u.display_name, p.text, p.visibility, p.created_at,
  (SELECT count(*)::int FROM feed.comments c WHERE c.post_id = p.id) AS comment_count,
  COALESCE((SELECT jsonb_object_agg(x.type, x.n) FROM (SELECT r.type, count(*)::int AS n FROM feed.reactions r WHERE r.post_id = p.id GROUP BY r.type) x), '{}'::jsonb) AS reaction_counts,
  (SELECT r.type FROM feed.reactions r WHERE r.post_id = p.id AND r.user_id = $1) AS viewer_reaction`;

/** `(created_at, id) < cursor` on alias `p` with the cursor at parameters `$a` (ms) and `$b` (id). */
const before = (a: string, b: string, alias = 'p') =>
  `(${alias}.created_at, ${alias}.id) < (${msToTimestamp(a)}, ${b}::uuid)`;

/** Exact (float seconds would round): epoch + n × 1 ms. */
const msToTimestamp = (param: string) => `(timestamptz 'epoch' + ${param}::bigint * interval '1 millisecond')`;

@Injectable()
export class PostsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Null when the author already used this idempotency key. */
  async insert(
    manager: EntityManager,
    post: { id: string; authorId: string; text: string; visibility: string; idempotencyKey: string | null },
  ): Promise<PostHeader | null> {
    const rows = await manager.query<PostHeader[]>(
      `INSERT INTO feed.posts (id, author_id, text, visibility, idempotency_key) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (author_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id, author_id, visibility, created_at, deleted_at`,
      [post.id, post.authorId, post.text, post.visibility, post.idempotencyKey],
    );
    return rows[0] ?? null;
  }

  async findIdByIdempotencyKey(manager: EntityManager, authorId: string, key: string): Promise<string | null> {
    const rows = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM feed.posts WHERE author_id = $1 AND idempotency_key = $2`,
      [authorId, key],
    );
    return rows[0]?.id ?? null;
  }

  async header(manager: EntityManager | undefined, id: string): Promise<PostHeader | null> {
    const m = manager ?? this.dataSource.manager;
    const rows = await m.query<PostHeader[]>(
      `SELECT id, author_id, visibility, created_at, deleted_at FROM feed.posts WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async isVisible(
    manager: EntityManager | undefined,
    viewerId: string,
    postId: string,
    graph: ViewerGraph,
  ): Promise<boolean> {
    const m = manager ?? this.dataSource.manager;
    const params: unknown[] = [viewerId, postId];
    const g = bindGraph(params, graph);
    const rows = await m.query<unknown[]>(
      `SELECT 1 FROM feed.posts p WHERE p.id = $2 AND p.deleted_at IS NULL AND ${postVisibleTo('$1::uuid', g)}`,
      params,
    );
    return rows.length > 0;
  }

  /** True when this call deleted it. */
  async softDelete(manager: EntityManager, id: string): Promise<boolean> {
    const rows = rowsOf(
      await manager.query(
        `UPDATE feed.posts SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
        [id],
      ),
    );
    return rows.length > 0;
  }

  /** Full posts for `viewerId`, newest first; ids the filter rejects (or deleted ones) are left out. */
  async load(
    manager: EntityManager | undefined,
    viewerId: string,
    ids: readonly string[],
    filter: PostFilter,
    graph: ViewerGraph,
  ): Promise<PostRow[]> {
    if (!ids.length) return [];
    const m = manager ?? this.dataSource.manager;
    const params: unknown[] = [viewerId, ids, filter === 'any'];
    const g = bindGraph(params, graph);
    const rule =
      filter === 'any'
        ? 'true'
        : filter === 'visible'
          ? postVisibleTo('$1::uuid', g)
          : `${postVisibleTo('$1::uuid', g)} AND ${inTimelineOf('$1::uuid', g)}`;
    return await m.query<PostRow[]>(
      `SELECT ${POST_COLUMNS} FROM feed.posts p LEFT JOIN feed.users u ON u.id = p.author_id
       WHERE p.id = ANY($2::uuid[]) AND (p.deleted_at IS NULL OR $3) AND ${rule}
       ORDER BY p.created_at DESC, p.id DESC`,
      params,
    );
  }

  /** One author's posts the viewer may see, newest first. */
  async listByAuthor(
    viewerId: string,
    authorId: string,
    after: Position | null,
    limit: number,
    graph: ViewerGraph,
  ): Promise<PostRow[]> {
    const params: unknown[] = after ? [viewerId, authorId, limit, after.t, after.id] : [viewerId, authorId, limit];
    const g = bindGraph(params, graph);
    return await this.dataSource.query<PostRow[]>(
      `SELECT ${POST_COLUMNS} FROM feed.posts p LEFT JOIN feed.users u ON u.id = p.author_id
       WHERE p.author_id = $2 AND p.deleted_at IS NULL AND ${postVisibleTo('$1::uuid', g)} ${after ? `AND ${before('$4', '$5')}` : ''}
       ORDER BY p.created_at DESC, p.id DESC LIMIT $3`,
      params,
    );
  }

  /**
   * The home timeline straight from PostgreSQL (the source of truth): the viewer's own posts and
   * their sources' posts they may see, newest first, strictly after `after`.
   */
  async timeline(
    manager: EntityManager | undefined,
    viewerId: string,
    after: Position | null,
    limit: number,
    graph: ViewerGraph,
  ): Promise<TimelineEntry[]> {
    const m = manager ?? this.dataSource.manager;
    const cursor = after ? `AND ${before('$3', '$4')}` : '';
    const params: unknown[] = after ? [viewerId, limit, after.t, after.id] : [viewerId, limit];
    const g = bindGraph(params, graph);
    const rows = await m.query<TimelineEntry[]>(
      `WITH src AS (SELECT $1::uuid AS author_id UNION SELECT unnest(${g.sources}))
       SELECT p.id, (extract(epoch FROM p.created_at) * 1000)::float8 AS t
       FROM src CROSS JOIN LATERAL (
         SELECT p.id, p.created_at FROM feed.posts p
         WHERE p.author_id = src.author_id AND p.deleted_at IS NULL ${cursor} AND ${postVisibleTo('$1::uuid', g)}
         ORDER BY p.created_at DESC, p.id DESC LIMIT $2) p
       ORDER BY p.created_at DESC, p.id DESC LIMIT $2`,
      params,
    );
    return rows;
  }

  /**
   * Posts in the window `lower <= position < upper` of the viewer's sources that the cached
   * timeline does not carry, merged at read: authors with more than `threshold` followers (never
   * fanned out), and sources whose follow or connection has answered but whose event the feed has
   * not applied yet (the event's handler brings their posts into the cache in the same transaction
   * that records the edge, so an edge present here means the cache has them). One round trip.
   */
  async entriesMergedAtRead(
    viewerId: string,
    threshold: number,
    upper: Position | null,
    lower: Position | null,
    limit: number,
    graph: ViewerGraph,
  ): Promise<TimelineEntry[]> {
    const params: unknown[] = [viewerId, threshold, limit];
    let where = '';
    if (upper) {
      params.push(upper.t, upper.id);
      where += ` AND ${before(`$${params.length - 1}`, `$${params.length}`)}`;
    }
    if (lower) {
      params.push(lower.t, lower.id);
      where += ` AND NOT ${before(`$${params.length - 1}`, `$${params.length}`)}`;
    }
    const g = bindGraph(params, graph);
    return await this.dataSource.query<TimelineEntry[]>(
      `WITH merged AS (
         SELECT s.id FROM unnest(${g.sources}) AS s(id) WHERE s.id <> $1::uuid AND (
           EXISTS (SELECT 1 FROM feed.users u WHERE u.id = s.id AND u.follower_count > $2)
           OR (s.id = ANY(${g.following}) AND NOT EXISTS (
             SELECT 1 FROM feed.follows f WHERE f.active AND f.follower_id = $1 AND f.followee_id = s.id))
           OR (s.id = ANY(${g.connected}) AND NOT EXISTS (
             SELECT 1 FROM feed.connections c WHERE c.active AND c.user_id = $1 AND c.other_id = s.id))))
       SELECT p.id, (extract(epoch FROM p.created_at) * 1000)::float8 AS t FROM merged CROSS JOIN LATERAL (
         SELECT p.id, p.created_at FROM feed.posts p WHERE p.author_id = merged.id AND p.deleted_at IS NULL ${where}
         ORDER BY p.created_at DESC, p.id DESC LIMIT $3) p
       ORDER BY p.created_at DESC, p.id DESC LIMIT $3`,
      params,
    );
  }

  /** An author's newest posts that `viewerId` may see: what a new follow brings into the timeline. */
  async entriesOfAuthorFor(
    manager: EntityManager,
    viewerId: string,
    authorId: string,
    limit: number,
  ): Promise<TimelineEntry[]> {
    return await manager.query<TimelineEntry[]>(
      `SELECT p.id, (extract(epoch FROM p.created_at) * 1000)::float8 AS t FROM feed.posts p
       WHERE p.author_id = $2 AND p.deleted_at IS NULL AND ${postVisibleByTables('$1::uuid')}
       ORDER BY p.created_at DESC, p.id DESC LIMIT $3`,
      [viewerId, authorId, limit],
    );
  }

  async upsertReaction(manager: EntityManager, postId: string, userId: string, type: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO feed.reactions AS r (post_id, user_id, type) VALUES ($1, $2, $3)
       ON CONFLICT (post_id, user_id) DO UPDATE SET type = EXCLUDED.type, created_at = now() WHERE r.type <> EXCLUDED.type
       RETURNING 1`,
      [postId, userId, type],
    );
    return rows.length > 0;
  }

  async deleteReaction(postId: string, userId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM feed.reactions WHERE post_id = $1 AND user_id = $2`, [postId, userId]);
  }

  async insertComment(
    manager: EntityManager,
    comment: { id: string; postId: string; authorId: string; text: string },
  ): Promise<CommentRow> {
    const rows = await manager.query<CommentRow[]>(
      `WITH c AS (INSERT INTO feed.comments (id, post_id, author_id, text) VALUES ($1, $2, $3, $4) RETURNING *)
       SELECT c.id, c.post_id, c.author_id, u.handle, u.display_name, c.text, c.created_at FROM c LEFT JOIN feed.users u ON u.id = c.author_id`,
      [comment.id, comment.postId, comment.authorId, comment.text],
    );
    return rows[0];
  }

  /** Comments by id that the viewer may see: on a post visible to them, by nobody blocked either way; others left out. */
  async commentsByIds(viewerId: string, ids: readonly string[], graph: ViewerGraph): Promise<CommentRow[]> {
    if (!ids.length) return [];
    const params: unknown[] = [viewerId, ids];
    const g = bindGraph(params, graph);
    return await this.dataSource.query<CommentRow[]>(
      `SELECT c.id, c.post_id, c.author_id, u.handle, u.display_name, c.text, c.created_at
       FROM feed.comments c JOIN feed.posts p ON p.id = c.post_id LEFT JOIN feed.users u ON u.id = c.author_id
       WHERE c.id = ANY($2::uuid[]) AND p.deleted_at IS NULL AND ${postVisibleTo('$1::uuid', g)}
         AND (c.author_id = $1::uuid OR NOT c.author_id = ANY(${g.blocked}))`,
      params,
    );
  }

  /** Oldest first; comments by anyone blocked either way with the viewer are hidden. */
  async listComments(
    viewerId: string,
    postId: string,
    after: Position | null,
    limit: number,
    graph: ViewerGraph,
  ): Promise<CommentRow[]> {
    const params: unknown[] = after ? [viewerId, postId, limit, after.t, after.id] : [viewerId, postId, limit];
    const g = bindGraph(params, graph);
    return await this.dataSource.query<CommentRow[]>(
      `SELECT c.id, c.post_id, c.author_id, u.handle, u.display_name, c.text, c.created_at
       FROM feed.comments c LEFT JOIN feed.users u ON u.id = c.author_id
       WHERE c.post_id = $2 AND (c.author_id = $1::uuid OR NOT c.author_id = ANY(${g.blocked}))
         ${after ? `AND (c.created_at, c.id) > (${msToTimestamp('$4')}, $5::uuid)` : ''}
       ORDER BY c.created_at, c.id LIMIT $3`,
      params,
    );
  }
}
