import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQueryDto } from '@plaza/platform';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import { MarkReadDto, NotificationPageDto } from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@Authenticated()
@Controller('api/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: "The caller's notifications, newest first, with the unread count" })
  @ApiOkResponse({ type: NotificationPageDto })
  list(@CurrentUser() caller: Principal, @Query() query: PageQueryDto): Promise<NotificationPageDto> {
    return this.notifications.list(caller.userId, query.limit, query.cursor);
  }

  @Post('read')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Mark notifications read: the given ids, or all when `ids` is omitted' })
  @ApiNoContentResponse({ description: 'Marked' })
  async markRead(@CurrentUser() caller: Principal, @Body() dto: MarkReadDto): Promise<void> {
    await this.notifications.markRead(caller.userId, dto.ids);
  }
}
