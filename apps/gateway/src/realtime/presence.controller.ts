import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import { PresenceListDto } from './dto/presence-list.dto';
import { PresenceQueryDto } from './dto/presence-query.dto';
import { PresenceService } from './presence.service';

@ApiTags('presence')
@ApiBearerAuth()
@Controller('api/presence')
export class PresenceController {
  constructor(private readonly presence: PresenceService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: "Online state of the caller's connections; anyone else is reported offline" })
  @ApiQuery({ name: 'userIds', description: 'Comma-separated user ids (at most 100)' })
  @ApiOkResponse({ type: PresenceListDto })
  async get(@CurrentUser() user: Principal, @Query() query: PresenceQueryDto): Promise<PresenceListDto> {
    return { items: await this.presence.visibleTo(user.userId, query.userIds) };
  }
}
