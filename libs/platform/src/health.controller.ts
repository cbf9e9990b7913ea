import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { HealthRegistry } from './health.registry';

@ApiExcludeController()
// Probes are not clients: a rate limit (whose storage is Redis) must never hide what is down.
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when every check is up; 503 naming the failing check otherwise. */
  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const { ok, checks } = await this.registry.run();
    const failing = Object.keys(checks).filter((name) => checks[name].status === 'down');
    await reply
      .status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .send(ok ? { status: 'ok', checks } : { status: 'error', failing, checks });
  }
}
