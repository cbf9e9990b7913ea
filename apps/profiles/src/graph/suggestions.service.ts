import { Injectable } from '@nestjs/common';
import { CURSOR_UUID, decodeCursor, encodeCursor, pageOf, PageQueryDto } from '@plaza/platform';
import type { Principal } from '@plaza/identity';
import type { ProfilePageDto } from '../profiles/dto/profile.dto';
import { ProfilesService } from '../profiles/profiles.service';
import { ConnectionsRepository } from './connections.repository';

/** "People you may know": second-degree connections by mutual connections, then followers. */
@Injectable()
export class SuggestionsService {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly profiles: ProfilesService,
  ) {}

  async suggest(caller: Principal, query: PageQueryDto): Promise<ProfilePageDto> {
    await this.profiles.ensureProfile(caller);
    const after = decodeCursor<{ t: number; m: number; u: string }>(query.cursor, {
      t: 'number',
      m: 'number',
      u: CURSOR_UUID,
    });
    const rows = await this.connections.suggestions(
      caller.userId,
      after && { tier: after.t, mutual: after.m, userId: after.u },
      query.limit + 1,
    );
    const page = pageOf(rows, query.limit, (last) => encodeCursor({ t: last.tier, m: last.mutual, u: last.userId }));
    return {
      items: await this.profiles.presentIds(
        caller.userId,
        page.items.map((r) => r.userId),
      ),
      nextCursor: page.nextCursor,
    };
  }
}
