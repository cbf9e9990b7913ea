import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { HealthRegistry } from './health.registry';

@ApiExcludeController()
// Probes are not clients: a rate limit (whose storage is Redis) must never hide what is down.
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly registry: HealthRegistry,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * 200 `{status: 'ok', checks}` when every check is up; 503 `{status: 'error', failing, checks}`
   * naming the failing checks, or `status: 'shutting_down'` once the process is stopping.
   */
  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    // Terminus throws its result for a 503; the contract's body is built from it either way.
    const result = await this.health.check(this.registry.indicators()).catch((err: unknown) => {
      if (err instanceof ServiceUnavailableException) return err.getResponse() as HealthCheckResult;
      throw err;
    });
    const checks = result.details;
    if (result.status === 'ok') {
      await reply.status(HttpStatus.OK).send({ status: 'ok', checks });
      return;
    }
    const failing = Object.keys(result.error ?? {});
    await reply.status(HttpStatus.SERVICE_UNAVAILABLE).send({ status: result.status, failing, checks });
  }
}
