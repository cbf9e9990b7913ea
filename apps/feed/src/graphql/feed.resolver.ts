import { Injectable } from '@nestjs/common';
import {
  connectionOf,
  foundEntity,
  isNotFound,
  pageSize,
  type SubgraphContext,
  type SubgraphResolvers,
  uuidArg,
  validateArgs,
} from '@plaza/graphql';
import type { NotificationPayload, PostPayload } from '@plaza/realtime';
import { encodePosition } from '../common/position';
import { MarkReadDto } from '../notifications/dto/notification.dto';
import { NotificationsService } from '../notifications/notifications.service';
import { CreateCommentDto } from '../posts/dto/comment.dto';
import { CreatePostDto } from '../posts/dto/create-post.dto';
import { ReactionDto } from '../posts/dto/reaction.dto';
import { type CommentView, postView } from '../posts/post.view';
import { PostsService } from '../posts/posts.service';
import { TimelineService } from '../timeline/timeline.service';

interface PageArgs {
  first?: number;
  after?: string | null;
}

/** The same keyset cursor the services hand out as `nextCursor`, for any item of a page. */
const cursorOf = (item: { id: string; createdAt: string }): string =>
  encodePosition({ t: Date.parse(item.createdAt), id: item.id });

const userRef = (author: { id: string } | null) => (author ? { __typename: 'User', id: author.id } : null);

/** A batch's answers in the order of its keys; a key not found (or not visible) is null. */
const inOrder =
  <V>(ids: readonly string[]) =>
  (found: Map<string, V>): (V | null)[] =>
    ids.map((id) => found.get(id) ?? null);

/** Thin: every field goes through the services (and rules, events, pushes) the REST controllers use. */
@Injectable()
export class FeedResolver {
  constructor(
    private readonly posts: PostsService,
    private readonly timeline: TimelineService,
    private readonly notifications: NotificationsService,
  ) {}

  resolvers(): SubgraphResolvers {
    return {
      Query: {
        post: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
          const viewer = await ctx.principal();
          try {
            return await this.posts.get(viewer.userId, uuidArg(args.id, 'id'));
          } catch (err) {
            if (isNotFound(err)) return null;
            throw err;
          }
        },
        feed: async (_: unknown, args: PageArgs, ctx: SubgraphContext) => {
          const viewer = await ctx.principal();
          const page = await this.timeline.page(viewer.userId, pageSize(args.first, 20), args.after ?? undefined);
          return connectionOf({ items: page.items.map(postView), nextCursor: page.nextCursor }, cursorOf);
        },
        notifications: async (_: unknown, args: PageArgs, ctx: SubgraphContext) => {
          const viewer = await ctx.principal();
          const page = await this.notifications.list(viewer.userId, pageSize(args.first, 20), args.after ?? undefined);
          return { ...connectionOf(page, cursorOf), unreadCount: page.unreadCount };
        },
      },
      Mutation: {
        createPost: async (_: unknown, args: Record<string, unknown>, ctx: SubgraphContext) => {
          const caller = await ctx.principal();
          return this.posts.create(caller, await validateArgs(CreatePostDto, args));
        },
        comment: async (_: unknown, args: { postId: string; text: string }, ctx: SubgraphContext) => {
          const caller = await ctx.principal();
          const dto = await validateArgs(CreateCommentDto, { text: args.text });
          return this.posts.comment(caller.userId, uuidArg(args.postId, 'postId'), dto.text);
        },
        react: async (_: unknown, args: { postId: string; type?: string | null }, ctx: SubgraphContext) => {
          const caller = await ctx.principal();
          const postId = uuidArg(args.postId, 'postId');
          if (args.type === null || args.type === undefined) await this.posts.unreact(caller.userId, postId);
          else
            await this.posts.react(caller.userId, postId, (await validateArgs(ReactionDto, { type: args.type })).type);
          return this.posts.get(caller.userId, postId);
        },
        markNotificationsRead: async (_: unknown, args: { ids?: string[] | null }, ctx: SubgraphContext) => {
          const caller = await ctx.principal();
          const dto = await validateArgs(MarkReadDto, { ids: args.ids });
          await this.notifications.markRead(caller.userId, dto.ids);
          return true;
        },
      },
      User: {
        posts: async (user: { id: string }, args: PageArgs, ctx: SubgraphContext) => {
          const viewer = await ctx.principal();
          const page = await this.posts.listByAuthor(
            viewer.userId,
            user.id,
            pageSize(args.first, 20),
            args.after ?? undefined,
          );
          return connectionOf(page, cursorOf);
        },
      },
      Post: {
        __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) =>
          foundEntity(await this.loadPost(ctx, uuidArg(ref.id, 'id')), 'Post'),
        author: (post: PostPayload) => userRef(post.author),
        reactionCounts: (post: PostPayload) =>
          Object.entries(post.reactionCounts).map(([type, count]) => ({ type, count })),
        comments: async (post: PostPayload, args: PageArgs, ctx: SubgraphContext) => {
          const viewer = await ctx.principal();
          const page = await this.posts.comments(
            viewer.userId,
            post.id,
            pageSize(args.first, 20),
            args.after ?? undefined,
          );
          return connectionOf(page, cursorOf);
        },
      },
      Comment: {
        __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
          const viewer = await ctx.principal();
          const comment = await ctx
            .loader<string, CommentView | null>('comment', (ids) =>
              this.posts.commentsByIds(viewer.userId, ids).then(inOrder(ids)),
            )
            .load(uuidArg(ref.id, 'id'));
          return foundEntity(comment, 'Comment');
        },
        post: (comment: CommentView, _: unknown, ctx: SubgraphContext) => this.loadPost(ctx, comment.postId),
        author: (comment: CommentView) => userRef(comment.author),
      },
      Notification: {
        __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
          const viewer = await ctx.principal();
          const notification = await ctx
            .loader<string, NotificationPayload | null>('notification', (ids) =>
              this.notifications.byIds(viewer.userId, ids).then(inOrder(ids)),
            )
            .load(uuidArg(ref.id, 'id'));
          return foundEntity(notification, 'Notification');
        },
        actor: (notification: NotificationPayload) => userRef(notification.actor),
      },
    };
  }

  /** Posts by id within one request, all in one statement; one the caller may not see is null. */
  private async loadPost(ctx: SubgraphContext, id: string): Promise<PostPayload | null> {
    const viewer = await ctx.principal();
    return ctx
      .loader<string, PostPayload | null>('post', (ids) => this.posts.getMany(viewer.userId, ids).then(inOrder(ids)))
      .load(id);
  }
}
