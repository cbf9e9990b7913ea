import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ClientIp, PageQueryDto } from '@plaza/platform';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import { CommentDto, CommentPageDto, CreateCommentDto } from './dto/comment.dto';
import { CreatePostDto } from './dto/create-post.dto';
import { PostDto } from './dto/post.dto';
import { ReactionDto } from './dto/reaction.dto';
import { PostsService } from './posts.service';

const NOT_VISIBLE = 'No such post, or the caller may not see it';

@ApiTags('feed')
@Authenticated()
@Controller('api/posts')
export class PostsController {
  constructor(private readonly posts: PostsService) {}

  @Post()
  @ApiOperation({
    summary: 'Publish a post; reaches the followers allowed to see it (timeline and `feed:post`) within a second',
  })
  @ApiCreatedResponse({
    type: PostDto,
    description: 'The new post, or the first post created with the same idempotencyKey',
  })
  @ApiBadRequestResponse({ description: 'Invalid body (text 1-3000 chars, unknown fields)' })
  create(@CurrentUser() caller: Principal, @Body() dto: CreatePostDto): Promise<PostDto> {
    return this.posts.create(caller, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One post' })
  @ApiOkResponse({ type: PostDto })
  @ApiNotFoundResponse({ description: NOT_VISIBLE })
  get(@CurrentUser() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<PostDto> {
    return this.posts.get(caller.userId, id);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete a post: by its author, or by `posts:moderate` (audited); followers get `feed:post-deleted`',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiForbiddenResponse({ description: 'The caller sees the post but is neither its author nor a moderator' })
  @ApiNotFoundResponse({ description: NOT_VISIBLE })
  async delete(
    @CurrentUser() caller: Principal,
    @ClientIp() ip: string,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.posts.delete(caller, id, ip);
  }

  @Post(':id/comments')
  @ApiOperation({ summary: 'Comment on a post the caller may see' })
  @ApiCreatedResponse({ type: CommentDto })
  @ApiNotFoundResponse({ description: NOT_VISIBLE })
  comment(
    @CurrentUser() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: CreateCommentDto,
  ): Promise<CommentDto> {
    return this.posts.comment(caller.userId, id, dto.text);
  }

  @Get(':id/comments')
  @ApiOperation({ summary: 'Comments, oldest first (comments by users blocked either way are hidden)' })
  @ApiOkResponse({ type: CommentPageDto })
  @ApiNotFoundResponse({ description: NOT_VISIBLE })
  comments(
    @CurrentUser() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: PageQueryDto,
  ): Promise<CommentPageDto> {
    return this.posts.comments(caller.userId, id, query.limit, query.cursor);
  }

  @Put(':id/reactions')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Set the caller's reaction (one per user per post; replaces a previous one)" })
  @ApiNoContentResponse({ description: 'Reaction set' })
  @ApiNotFoundResponse({ description: NOT_VISIBLE })
  async react(
    @CurrentUser() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ReactionDto,
  ): Promise<void> {
    await this.posts.react(caller.userId, id, dto.type);
  }

  @Delete(':id/reactions')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Remove the caller's reaction (idempotent)" })
  @ApiNoContentResponse({ description: 'No reaction of the caller remains' })
  @ApiNotFoundResponse({ description: NOT_VISIBLE })
  async unreact(@CurrentUser() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.posts.unreact(caller.userId, id);
  }
}
