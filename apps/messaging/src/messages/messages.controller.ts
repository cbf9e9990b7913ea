import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiCreatedOrOk, createdOrOk } from '@plaza/platform';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import type { FastifyReply } from 'fastify';
import { MarkReadDto } from './dto/mark-read.dto';
import { ListMessagesQueryDto } from './dto/list-messages-query.dto';
import { MessageDto } from '../delivery/dto/message.dto';
import { MessagePageDto } from './dto/message-page.dto';
import { SendMessageDto } from './dto/send-message.dto';
import { MessagesService } from './messages.service';

/** Also the target of the socket commands `message:send` and `message:read`, which the gateway forwards here. */
@ApiTags('messaging')
@Authenticated()
@Controller('api/conversations')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get(':id/messages')
  @ApiOperation({
    summary: 'Message history',
    description:
      '`afterSeq`: the oldest messages after it (catch-up after a gap); `beforeSeq`: the newest before it (scrolling back); both: the oldest inside the range; neither: the newest. Items are always in increasing seq order; `nextCursor` continues in the same direction.',
  })
  @ApiOkResponse({ type: MessagePageDto })
  @ApiBadRequestResponse({ description: 'Invalid bounds, limit or cursor' })
  @ApiNotFoundResponse({ description: 'No such conversation, or the caller is not a member' })
  history(
    @CurrentUser() caller: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ListMessagesQueryDto,
  ): Promise<MessagePageDto> {
    return this.messages.history(caller, id, query);
  }

  @Post(':id/messages')
  @ApiOperation({
    summary: 'Send a message',
    description:
      "Stored with the next seq of the conversation, then pushed as `message:new` to every member (the sender's other sockets too). Idempotent on `clientMsgId` per sender and conversation: a retry answers 200 with the stored message and stores nothing.",
  })
  @ApiCreatedOrOk(MessageDto, { created: 'Stored', existing: 'Already stored under this clientMsgId' })
  @ApiBadRequestResponse({ description: 'Text empty, blank or over 4000 characters; clientMsgId missing or malformed' })
  @ApiForbiddenResponse({ description: 'A direct conversation where either member blocked the other' })
  @ApiNotFoundResponse({ description: 'No such conversation, or the caller is not a member' })
  async send(
    @CurrentUser() caller: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SendMessageDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MessageDto> {
    const { message, created } = await this.messages.send(caller, id, dto);
    return createdOrOk(reply, created, message);
  }

  @Post(':id/read')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Mark messages read up to a seq',
    description:
      'The read position never moves back. When it moves forward, the other members get `message:read` `{conversationId, userId, seq}`.',
  })
  @ApiNoContentResponse({ description: 'Recorded' })
  @ApiBadRequestResponse({ description: 'Invalid seq' })
  @ApiForbiddenResponse({ description: 'A direct conversation with a block between the pair' })
  @ApiNotFoundResponse({ description: 'No such conversation, or the caller is not a member' })
  markRead(
    @CurrentUser() caller: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: MarkReadDto,
  ): Promise<void> {
    return this.messages.markRead(caller, id, dto);
  }
}
