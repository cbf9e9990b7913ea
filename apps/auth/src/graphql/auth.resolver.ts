import { Injectable } from '@nestjs/common';
import type { SubgraphContext, SubgraphResolvers } from '@plaza/graphql';
import type { MeDto } from '../auth/dto/auth-result.dto';
import { AuthService } from '../auth/auth.service';

/** Thin: the caller's own account as `GET /api/auth/me` shows it; nobody else's. */
@Injectable()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  resolvers(): SubgraphResolvers {
    const own = async (user: { id: string }, ctx: SubgraphContext): Promise<MeDto | null> => {
      const principal = await ctx.principal();
      if (user.id !== principal.userId) return null;
      return ctx
        .loader<string, MeDto>('me', (ids) => Promise.all(ids.map(() => this.auth.me(principal))))
        .load(user.id);
    };
    return {
      User: {
        email: async (user: { id: string }, _: unknown, ctx: SubgraphContext) => (await own(user, ctx))?.email ?? null,
        roles: async (user: { id: string }, _: unknown, ctx: SubgraphContext) => (await own(user, ctx))?.roles ?? null,
      },
    };
  }
}
