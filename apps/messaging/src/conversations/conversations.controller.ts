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
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiCreatedOrOk, createdOrOk, PageQueryDto } from '@plaza/platform';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import type { FastifyReply } from 'fastify';
import { ConversationsService } from './conversations.service';
import { AddMembersDto } from './dto/add-members.dto';
import { ConversationDto, ConversationPageDto } from './dto/conversation.dto';
import { CreateConversationDto } from './dto/create-conversation.dto';

@ApiTags('messaging')
@Authenticated()
@Controller('api/conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Post()
  @ApiOperation({
    summary: 'Open a direct conversation or create a group',
    description:
      'One other member: the direct conversation of the pair, created once (201) or returned (200), also when both create it at the same moment; refused (403) when either blocked the other. More: a new group (201); every member must be a connection of the caller (403 otherwise).',
  })
  @ApiCreatedOrOk(ConversationDto, { created: 'Created', existing: 'The existing direct conversation of the pair' })
  @ApiBadRequestResponse({ description: 'Invalid input, or no member other than the caller' })
  @ApiForbiddenResponse({
    description: 'A block between the pair, or a group member who is not a connection of the caller',
  })
  @ApiNotFoundResponse({ description: 'A member id that is no user (nothing is created)' })
  async create(
    @CurrentUser() caller: Principal,
    @Body() dto: CreateConversationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConversationDto> {
    const { conversation, created } = await this.conversations.create(caller, dto);
    return createdOrOk(reply, created, conversation);
  }

  @Get()
  @ApiOperation({
    summary: "The caller's conversations, most recent activity first, with the last message and the unread count",
  })
  @ApiOkResponse({ type: ConversationPageDto })
  @ApiBadRequestResponse({ description: 'Invalid limit or cursor' })
  list(@CurrentUser() caller: Principal, @Query() query: PageQueryDto): Promise<ConversationPageDto> {
    return this.conversations.list(caller, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One conversation of the caller' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiNotFoundResponse({ description: 'No such conversation, or the caller is not a member' })
  get(@CurrentUser() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ConversationDto> {
    return this.conversations.get(caller, id);
  }

  @Post(':id/members')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Add connections of the caller to a group',
    description: 'Users already in the group are left as they are; a user who had left joins again.',
  })
  @ApiOkResponse({ type: ConversationDto })
  @ApiBadRequestResponse({ description: 'Invalid input, or the group would exceed 256 members' })
  @ApiForbiddenResponse({ description: 'A direct conversation, or a user who is not a connection of the caller' })
  @ApiNotFoundResponse({ description: 'No such conversation, or the caller is not a member' })
  addMembers(
    @CurrentUser() caller: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AddMembersDto,
  ): Promise<ConversationDto> {
    return this.conversations.addMembers(caller, id, dto);
  }

  @Delete(':id/members/me')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Leave a group',
    description: 'The caller stops receiving its messages and no longer sees it.',
  })
  @ApiNoContentResponse({ description: 'Left' })
  @ApiForbiddenResponse({ description: 'A direct conversation cannot be left' })
  @ApiNotFoundResponse({ description: 'No such conversation, or the caller is not a member' })
  leave(@CurrentUser() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.conversations.leave(caller, id);
  }
}
