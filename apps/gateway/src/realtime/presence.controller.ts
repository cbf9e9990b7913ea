import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { REDIS, type Redis } from '@plaza/redis';
import { connectionsKey } from '@plaza/realtime';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import { PresenceListDto } from './dto/presence-list.dto';
import { PresenceQueryDto } from './dto/presence-query.dto';
import { PresenceService } from './presence.service';

@ApiTags('presence')
@ApiBearerAuth()
@Controller('api/presence')
export class PresenceController {
  constructor(
    private readonly presence: PresenceService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: "Online state of the caller's connections; anyone else is reported offline" })
  @ApiQuery({ name: 'userIds', description: 'Comma-separated user ids (at most 100)' })
  @ApiOkResponse({ type: PresenceListDto })
  async get(@CurrentUser() user: Principal, @Query() query: PresenceQueryDto): Promise<PresenceListDto> {
    const ids = query.userIds;
    const connected = new Set(ids.length ? await this.redis.smembers(connectionsKey(user.userId)) : []);
    const visible = ids.filter((id) => connected.has(id));
    const known = new Map((await this.presence.status(visible)).map((s) => [s.userId, s]));
    return { items: ids.map((userId) => known.get(userId) ?? { userId, online: false, lastSeenAt: null }) };
  }
}
