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
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiCreatedOrOk, createdOrOk, PageQueryDto } from '@plaza/platform';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import type { FastifyReply } from 'fastify';
import { ProfilePageDto } from '../profiles/dto/profile.dto';
import { EnsureProfileInterceptor } from '../profiles/ensure-profile.interceptor';
import { ConnectionsService } from './connections.service';
import {
  ConnectionRequestDto,
  ConnectionRequestPageDto,
  CreateConnectionRequestDto,
  ListConnectionRequestsQueryDto,
} from './dto/connection-request.dto';

@ApiTags('connections')
@Authenticated()
@UseInterceptors(EnsureProfileInterceptor)
@Controller('api/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post('requests')
  @ApiOperation({
    summary: 'Ask a user to connect; if they already asked you, their request is accepted instead (200)',
  })
  @ApiCreatedOrOk(ConnectionRequestDto, {
    created: 'A new pending request',
    existing: 'They had asked you: their request, now accepted; you are connected',
  })
  @ApiBadRequestResponse({ description: 'Invalid userId, or yourself' })
  @ApiNotFoundResponse({ description: 'No such user (or they blocked you)' })
  @ApiConflictResponse({ description: 'Already connected, a request is already pending, or you blocked them' })
  async request(
    @CurrentUser() user: Principal,
    @Body() body: CreateConnectionRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConnectionRequestDto> {
    const outcome = await this.connections.request(user, body.userId);
    return createdOrOk(reply, outcome.created, outcome.request);
  }

  @Get('requests')
  @ApiOperation({ summary: 'Pending requests to you (incoming, default) or from you (outgoing), newest first' })
  @ApiOkResponse({ type: ConnectionRequestPageDto })
  listRequests(
    @CurrentUser() user: Principal,
    @Query() query: ListConnectionRequestsQueryDto,
  ): Promise<ConnectionRequestPageDto> {
    return this.connections.listRequests(user, query);
  }

  @Post('requests/:id/accept')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Accept a request sent to you: you become connected and follow each other' })
  @ApiOkResponse({ type: ConnectionRequestDto })
  @ApiNotFoundResponse({ description: 'No such request addressed to you' })
  @ApiConflictResponse({ description: 'The request is no longer pending' })
  accept(@CurrentUser() user: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ConnectionRequestDto> {
    return this.connections.accept(user, id);
  }

  @Post('requests/:id/decline')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Decline a request sent to you' })
  @ApiOkResponse({ type: ConnectionRequestDto })
  @ApiNotFoundResponse({ description: 'No such request addressed to you' })
  @ApiConflictResponse({ description: 'The request is no longer pending' })
  decline(@CurrentUser() user: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ConnectionRequestDto> {
    return this.connections.decline(user, id);
  }

  @Delete('requests/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Withdraw a pending request you sent' })
  @ApiNoContentResponse({ description: 'Withdrawn' })
  @ApiNotFoundResponse({ description: 'No pending request of yours with this id' })
  withdraw(@CurrentUser() user: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.connections.withdraw(user, id);
  }

  @Get()
  @ApiOperation({ summary: 'Your connections, most recent first' })
  @ApiOkResponse({ type: ProfilePageDto })
  list(@CurrentUser() user: Principal, @Query() query: PageQueryDto): Promise<ProfilePageDto> {
    return this.connections.listConnections(user, query);
  }

  @Delete(':userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a connection; the follows it implied (both ways) go with it' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse({ description: 'Not connected to this user' })
  remove(@CurrentUser() user: Principal, @Param('userId', ParseUUIDPipe) userId: string): Promise<void> {
    return this.connections.remove(user, userId);
  }
}
