import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { OutboxService } from '@plaza/events';
import { DomainError, pageOf } from '@plaza/platform';
import type { Principal } from '@plaza/identity';
import { type PostPayload, SafetyGraph, type ViewerGraph } from '@plaza/realtime';
import { DataSource } from 'typeorm';
import { decodePosition, positionCursor } from '../common/position';
import { NO_RELATIONS } from '../graph/visibility.sql';
import type { CreatePostDto } from './dto/create-post.dto';
import type { ReactionType } from './dto/reaction.dto';
import { type CommentView, commentView, postView } from './post.view';
import { PostsRepository } from './posts.repository';

const notFound = (): DomainError => new DomainError('not_found', 'Post not found');

/**
 * Posts, comments and reactions. Every change commits together with its outbox event; fan-out,
 * live pushes and notifications happen in the consumers of those events, never here.
 */
@Injectable()
export class PostsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly posts: PostsRepository,
    private readonly outbox: OutboxService,
    private readonly safety: SafetyGraph,
  ) {}

  /** The same idempotency key from the same author returns the post first created with it. */
  async create(caller: Principal, dto: CreatePostDto): Promise<PostPayload> {
    const authorId = caller.userId;
    const key = dto.idempotencyKey ?? null;
    const id = await this.dataSource.transaction(async (manager) => {
      const created = await this.posts.insert(manager, {
        id: randomUUID(),
        authorId,
        text: dto.text,
        visibility: dto.visibility ?? 'public',
        idempotencyKey: key,
      });
      if (!created) return (await this.posts.findIdByIdempotencyKey(manager, authorId, key!))!;
      await this.outbox.publish(manager, 'post.created', {
        postId: created.id,
        authorId,
        visibility: created.visibility,
        createdAt: created.created_at.toISOString(),
      });
      return created.id;
    });
    const [row] = await this.posts.load(undefined, authorId, [id], 'any', NO_RELATIONS);
    return postView(row);
  }

  /**
   * Visibility is decided from the safety graph read for this request (blocks, connections as
   * they are the moment profiles answered), never from the feed's event-fed copy.
   */
  async get(viewerId: string, postId: string): Promise<PostPayload> {
    const [row] = await this.posts.load(undefined, viewerId, [postId], 'visible', await this.safety.viewer(viewerId));
    if (!row) throw notFound();
    return postView(row);
  }

  /** Posts by id as `get` shows them, in one statement; ids not visible to the viewer are absent. */
  async getMany(viewerId: string, postIds: readonly string[]): Promise<Map<string, PostPayload>> {
    const rows = await this.posts.load(undefined, viewerId, postIds, 'visible', await this.safety.viewer(viewerId));
    return new Map(rows.map((row) => [row.id, postView(row)]));
  }

  /** Comments by id under the rules of `comments` (visible post, no block either way), in one statement. */
  async commentsByIds(viewerId: string, commentIds: readonly string[]): Promise<Map<string, CommentView>> {
    const rows = await this.posts.commentsByIds(viewerId, commentIds, await this.safety.viewer(viewerId));
    return new Map(rows.map((row) => [row.id, commentView(row)]));
  }

  /**
   * The author may delete; so may `posts:moderate`, which is audited (by the auth app, from the
   * post.moderated event). Anyone else: 403 if they can see the post, 404 if they cannot.
   */
  async delete(caller: Principal, postId: string, ip: string): Promise<void> {
    const header = await this.posts.header(undefined, postId);
    if (!header || header.deleted_at) throw notFound();
    const own = header.author_id === caller.userId;
    if (!own && !caller.permissions.includes('posts:moderate')) {
      if (await this.posts.isVisible(undefined, caller.userId, postId, await this.safety.viewer(caller.userId)))
        throw new DomainError('forbidden', 'Only the author or a moderator may delete this post');
      throw notFound();
    }
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.posts.softDelete(manager, postId))) throw notFound();
      await this.outbox.publish(manager, 'post.deleted', { postId, authorId: header.author_id });
      if (!own)
        await this.outbox.publish(manager, 'post.moderated', {
          postId,
          authorId: header.author_id,
          moderatorId: caller.userId,
          ip,
        });
    });
    // Before the answer: replays and the gateway see the post as gone from now on.
    await this.safety.markPostDeleted(postId);
  }

  async listByAuthor(viewerId: string, authorId: string, limit: number, cursor: string | undefined) {
    const graph = await this.safety.viewer(viewerId);
    const rows = await this.posts.listByAuthor(viewerId, authorId, decodePosition(cursor), limit + 1, graph);
    const page = pageOf(rows, limit, positionCursor);
    return { items: page.items.map(postView), nextCursor: page.nextCursor };
  }

  async comment(viewerId: string, postId: string, text: string): Promise<CommentView> {
    const graph = await this.safety.viewer(viewerId);
    return this.dataSource.transaction(async (manager) => {
      const header = await this.visibleHeader(manager, viewerId, postId, graph);
      const row = await this.posts.insertComment(manager, { id: randomUUID(), postId, authorId: viewerId, text });
      await this.outbox.publish(manager, 'post.commented', {
        postId,
        commentId: row.id,
        authorId: viewerId,
        postAuthorId: header.author_id,
      });
      return commentView(row);
    });
  }

  async comments(viewerId: string, postId: string, limit: number, cursor: string | undefined) {
    const after = decodePosition(cursor);
    const graph = await this.safety.viewer(viewerId);
    if (!(await this.posts.isVisible(undefined, viewerId, postId, graph))) throw notFound();
    const rows = await this.posts.listComments(viewerId, postId, after, limit + 1, graph);
    const page = pageOf(rows, limit, positionCursor);
    return { items: page.items.map(commentView), nextCursor: page.nextCursor };
  }

  /** One reaction per user per post: a second PUT replaces the type. */
  async react(viewerId: string, postId: string, type: ReactionType): Promise<void> {
    const graph = await this.safety.viewer(viewerId);
    await this.dataSource.transaction(async (manager) => {
      const header = await this.visibleHeader(manager, viewerId, postId, graph);
      if (await this.posts.upsertReaction(manager, postId, viewerId, type)) {
        await this.outbox.publish(manager, 'post.reacted', {
          postId,
          userId: viewerId,
          postAuthorId: header.author_id,
          type,
        });
      }
    });
  }

  async unreact(viewerId: string, postId: string): Promise<void> {
    if (!(await this.posts.isVisible(undefined, viewerId, postId, await this.safety.viewer(viewerId))))
      throw notFound();
    await this.posts.deleteReaction(postId, viewerId);
  }

  private async visibleHeader(
    manager: Parameters<PostsRepository['header']>[0],
    viewerId: string,
    postId: string,
    graph: ViewerGraph,
  ) {
    const header = await this.posts.header(manager, postId);
    if (!header || header.deleted_at || !(await this.posts.isVisible(manager, viewerId, postId, graph)))
      throw notFound();
    return header;
  }
}
