import { Controller, Delete, HttpCode, HttpStatus, Param, ParseUUIDPipe, Put, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import { EnsureProfileInterceptor } from '../profiles/ensure-profile.interceptor';
import { BlocksService } from './blocks.service';

@ApiTags('blocks')
@Authenticated()
@UseInterceptors(EnsureProfileInterceptor)
@Controller('api/blocks')
export class BlocksController {
  constructor(private readonly blocks: BlocksService) {}

  @Put(':userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Block a user (idempotent): removes the connection, follows both ways and pending requests',
  })
  @ApiNoContentResponse({ description: 'Blocked' })
  @ApiBadRequestResponse({ description: 'Invalid id, or yourself' })
  @ApiNotFoundResponse({ description: 'No such user' })
  block(@CurrentUser() user: Principal, @Param('userId', ParseUUIDPipe) userId: string): Promise<void> {
    return this.blocks.block(user, userId);
  }

  @Delete(':userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Unblock a user (idempotent); nothing the block removed comes back' })
  @ApiNoContentResponse({ description: 'Not blocked' })
  @ApiBadRequestResponse({ description: 'Invalid id, or yourself' })
  @ApiNotFoundResponse({ description: 'No such user' })
  unblock(@CurrentUser() user: Principal, @Param('userId', ParseUUIDPipe) userId: string): Promise<void> {
    return this.blocks.unblock(user, userId);
  }
}
