import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ApiCreatedOrOk, createdOrOk } from '@plaza/platform';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import type { FastifyReply } from 'fastify';
import { CreateSubscriptionDto } from './dto/create-subscription.dto';
import { PushSettingsDto, SubscriptionDto, SubscriptionListDto, VapidKeyDto } from './dto/subscription.dto';
import { SubscriptionsService } from './subscriptions.service';

@ApiTags('push')
@Controller('api/push')
export class VapidKeyController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Get('vapid-public-key')
  @ApiOperation({ summary: "The server's VAPID public key (RFC 8292), for `pushManager.subscribe`" })
  @ApiOkResponse({ type: VapidKeyDto })
  @ApiServiceUnavailableResponse({ description: '`push_unavailable`: Web Push is not configured' })
  publicKey(): VapidKeyDto {
    return this.subscriptions.vapidPublicKey();
  }
}

@ApiTags('push')
@Authenticated()
@Controller('api/push')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Post('subscriptions')
  @ApiOperation({
    summary: 'Register a Web Push subscription or an FCM device token',
    description:
      'Tied to the caller and the session of the token: signing that session out ends it. The same endpoint or token again answers 200 with the same id.',
  })
  @ApiCreatedOrOk(SubscriptionDto, { created: 'Registered', existing: 'Already registered' })
  @ApiBadRequestResponse({
    description: '`endpoint_not_allowed`: endpoint outside PUSH_ENDPOINT_ORIGINS; or a malformed body',
  })
  @ApiServiceUnavailableResponse({ description: '`push_unavailable`: that kind of push is not configured' })
  async create(
    @CurrentUser() caller: Principal,
    @Body() dto: CreateSubscriptionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubscriptionDto> {
    const { dto: view, created } = await this.subscriptions.subscribe(caller, dto);
    return createdOrOk(reply, created, view);
  }

  @Get('subscriptions')
  @ApiOperation({ summary: "The caller's subscriptions" })
  @ApiOkResponse({ type: SubscriptionListDto })
  async list(@CurrentUser() caller: Principal): Promise<SubscriptionListDto> {
    return { items: await this.subscriptions.list(caller) };
  }

  @Delete('subscriptions/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Remove one of the caller's subscriptions" })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse({ description: 'No such subscription of the caller' })
  async remove(@CurrentUser() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.subscriptions.unsubscribe(caller, id);
  }

  @Patch('settings')
  @ApiOperation({ summary: 'Push settings: `previews` shows message text in pushes (default true)' })
  @ApiOkResponse({ type: PushSettingsDto })
  setSettings(@CurrentUser() caller: Principal, @Body() dto: PushSettingsDto): Promise<PushSettingsDto> {
    return this.subscriptions.setPreviews(caller, dto.previews);
  }
}
