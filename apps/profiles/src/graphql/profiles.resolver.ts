import { Injectable } from '@nestjs/common';
import { isNotFound, pageSize, type SubgraphContext, type SubgraphResolvers, uuidArg } from '@plaza/graphql';
import { PageQueryDto } from '@plaza/platform';
import { FollowsService } from '../graph/follows.service';
import { SuggestionsService } from '../graph/suggestions.service';
import type { ProfileDto } from '../profiles/dto/profile.dto';
import { type ProfileCard, ProfilesService } from '../profiles/profiles.service';

type UserNode = ProfileDto | ProfileCard;

/** Thin: every field goes through the same services (and rules) as the REST controllers. */
@Injectable()
export class ProfilesResolver {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly suggestions: SuggestionsService,
    private readonly follows: FollowsService,
  ) {}

  resolvers(): SubgraphResolvers {
    return {
      Query: {
        me: async (_: unknown, __: unknown, ctx: SubgraphContext) => this.profiles.getMe(await ctx.principal()),
        user: async (_: unknown, args: { handle: string }, ctx: SubgraphContext) => {
          try {
            return await this.profiles.getByHandle(await ctx.principal(), args.handle);
          } catch (err) {
            if (isNotFound(err)) return null;
            throw err;
          }
        },
        suggestions: async (_: unknown, args: { first?: number }, ctx: SubgraphContext) => {
          const query = Object.assign(new PageQueryDto(), { limit: pageSize(args.first, 10) });
          return (await this.suggestions.suggest(await ctx.principal(), query)).items;
        },
      },
      Mutation: {
        follow: async (_: unknown, args: { userId: string }, ctx: SubgraphContext) => {
          await this.follows.follow(await ctx.principal(), uuidArg(args.userId, 'userId'));
          return true;
        },
        unfollow: async (_: unknown, args: { userId: string }, ctx: SubgraphContext) => {
          await this.follows.unfollow(await ctx.principal(), uuidArg(args.userId, 'userId'));
          return true;
        },
      },
      User: {
        // Every reference in one operation (authors, members, senders) is one batched lookup.
        __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
          const viewer = await ctx.principal();
          return ctx
            .loader<string, UserNode>('user', async (ids) => {
              const found = await this.profiles.referenced(viewer.userId, ids);
              return ids.map((id) => found.get(id)!);
            })
            .load(ref.id);
        },
        skills: (user: UserNode) => ('skills' in user ? user.skills : []),
        connectionCount: (user: UserNode) => ('connectionCount' in user ? user.connectionCount : 0),
        followerCount: (user: UserNode) => ('followerCount' in user ? user.followerCount : 0),
        followingCount: (user: UserNode) => ('followingCount' in user ? user.followingCount : 0),
      },
    };
  }
}
