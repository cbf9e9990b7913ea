import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQueryDto } from '@plaza/platform';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import { PostPageDto } from '../posts/dto/post.dto';
import { postView } from '../posts/post.view';
import { TimelineService } from './timeline.service';

@ApiTags('feed')
@Authenticated()
@Controller('api/feed')
export class FeedController {
  constructor(private readonly timeline: TimelineService) {}

  @Get()
  @ApiOperation({
    summary: 'Home timeline, newest first',
    description:
      "The caller's own posts and the posts of everyone they follow or are connected to that they may see. Cursor pagination never repeats or skips a post, also while new posts arrive (those appear on a fresh first page).",
  })
  @ApiOkResponse({ type: PostPageDto })
  @ApiBadRequestResponse({ description: 'Invalid limit or cursor' })
  async feed(@CurrentUser() caller: Principal, @Query() query: PageQueryDto): Promise<PostPageDto> {
    const page = await this.timeline.page(caller.userId, query.limit, query.cursor);
    return { items: page.items.map(postView), nextCursor: page.nextCursor };
  }
}
