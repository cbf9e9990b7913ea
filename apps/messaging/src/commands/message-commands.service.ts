import { Injectable, Logger } from '@nestjs/common';
import { DomainError, toErrorBody, validateInput } from '@plaza/platform';
import type { Principal } from '@plaza/identity';
import type { CommandOutcome } from '@plaza/realtime';
import { MessagesService } from '../messages/messages.service';
import { SendCommandDto } from './send-command.dto';

/**
 * Runs a batch of forwarded `message:send` commands through the same `MessagesService.send` as
 * REST (same rules, same group commit), each command with its own outcome. The caller is the
 * socket's authenticated session, as the gateway established it at the handshake.
 */
@Injectable()
export class MessageCommandsService {
  private readonly logger = new Logger(MessageCommandsService.name);

  constructor(private readonly messages: MessagesService) {}

  async run(commands: readonly unknown[]): Promise<CommandOutcome[]> {
    const checked = commands.map((command) => this.check(command));
    // Submitted in request order, synchronously, so the batch keeps the gateway's order.
    const outcomes = checked.map((command) =>
      command instanceof SendCommandDto ? this.send(command) : Promise.resolve(command),
    );
    return Promise.all(outcomes);
  }

  private async send(command: SendCommandDto): Promise<CommandOutcome> {
    const caller: Principal = {
      kind: command.sessionId ? 'plaza' : 'oidc',
      userId: command.userId,
      sessionId: command.sessionId,
      roles: [],
      permissions: [],
    };
    try {
      const { message, created } = await this.messages.send(caller, command.conversationId, command);
      return { status: created ? 201 : 200, message };
    } catch (err) {
      const body = toErrorBody(err);
      if (body.statusCode >= 500) this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      return { status: body.statusCode, error: { code: body.code, message: body.message } };
    }
  }

  /** The same rules as the REST pipe, per command (`validateInput`); a refusal is that command's outcome. */
  private check(command: unknown): SendCommandDto | CommandOutcome {
    try {
      return validateInput(SendCommandDto, command, 'command');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return { status: 400, error: { code: 'bad_request', message: err.message } };
    }
  }
}
