import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { COMMAND_CHANNEL_PATH, type CommandOutcome } from '@plaza/realtime';
import { CommandBatchDto } from './command-batch.dto';
import { CommandChannelGuard } from './command-channel.guard';
import { MessageCommandsService } from './message-commands.service';

/**
 * The gateways' command channel (not part of the public API; the gateway proxies only `/api`):
 * many sockets' `message:send` commands per request, one outcome each, in order.
 */
@ApiExcludeController()
@UseGuards(CommandChannelGuard)
@Controller()
export class MessageCommandsController {
  constructor(private readonly commands: MessageCommandsService) {}

  @Post(COMMAND_CHANNEL_PATH)
  @HttpCode(HttpStatus.OK)
  async run(@Body() batch: CommandBatchDto): Promise<{ outcomes: CommandOutcome[] }> {
    return { outcomes: await this.commands.run(batch.commands) };
  }
}
