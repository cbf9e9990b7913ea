import { Controller, Delete, HttpCode, HttpStatus, Param, ParseUUIDPipe, Put, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import { EnsureProfileInterceptor } from '../profiles/ensure-profile.interceptor';
import { FollowsService } from './follows.service';

@ApiTags('follows')
@Authenticated()
@UseInterceptors(EnsureProfileInterceptor)
@Controller('api/follows')
export class FollowsController {
  constructor(private readonly follows: FollowsService) {}

  @Put(':userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Follow a user (idempotent)' })
  @ApiNoContentResponse({ description: 'Following' })
  @ApiBadRequestResponse({ description: 'Invalid id, or yourself' })
  @ApiNotFoundResponse({ description: 'No such user (or they blocked you)' })
  @ApiConflictResponse({ description: 'You blocked this user' })
  follow(@CurrentUser() user: Principal, @Param('userId', ParseUUIDPipe) userId: string): Promise<void> {
    return this.follows.follow(user, userId);
  }

  @Delete(':userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Stop following a user (idempotent)' })
  @ApiNoContentResponse({ description: 'Not following' })
  @ApiBadRequestResponse({ description: 'Invalid id, or yourself' })
  @ApiNotFoundResponse({ description: 'No such user (or they blocked you)' })
  @ApiConflictResponse({
    description: 'You are connected: connections follow each other, remove the connection instead',
  })
  unfollow(@CurrentUser() user: Principal, @Param('userId', ParseUUIDPipe) userId: string): Promise<void> {
    return this.follows.unfollow(user, userId);
  }
}
