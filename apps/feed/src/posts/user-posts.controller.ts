import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQueryDto } from '@plaza/platform';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import { PostPageDto } from './dto/post.dto';
import { PostsService } from './posts.service';

@ApiTags('feed')
@Authenticated()
@Controller('api/users')
export class UserPostsController {
  constructor(private readonly posts: PostsService) {}

  @Get(':id/posts')
  @ApiOperation({ summary: "A user's posts that the caller may see, newest first (none across a block)" })
  @ApiOkResponse({ type: PostPageDto })
  list(
    @CurrentUser() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: PageQueryDto,
  ): Promise<PostPageDto> {
    return this.posts.listByAuthor(caller.userId, id, query.limit, query.cursor);
  }
}
