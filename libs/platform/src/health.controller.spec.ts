import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import type { Redis } from '@plaza/redis';
import type { FastifyReply } from 'fastify';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';
import { PostgresHealthIndicator } from './postgres.health';
import { RedisHealthIndicator } from './redis.health';

/** A reply that records what the controller sent. */
function fakeReply() {
  const sent: { status?: number; body?: unknown } = {};
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    async send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

describe('readiness on Terminus', () => {
  async function setup() {
    const moduleRef = await Test.createTestingModule({
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [HealthRegistry, RedisHealthIndicator, PostgresHealthIndicator],
    }).compile();
    return {
      controller: moduleRef.get(HealthController),
      registry: moduleRef.get(HealthRegistry),
      redisHealth: moduleRef.get(RedisHealthIndicator),
      postgresHealth: moduleRef.get(PostgresHealthIndicator),
    };
  }

  it('answers 200 with every check when all are up', async () => {
    const { controller, registry, postgresHealth } = await setup();
    registry.register('postgres', () => postgresHealth.isHealthy('postgres', async () => [{ '?column?': 1 }]));
    const { reply, sent } = fakeReply();
    await controller.ready(reply);
    expect(sent).toEqual({
      status: 200,
      body: { status: 'ok', checks: { postgres: { status: 'up', responseTime: expect.any(Number) } } },
    });
  });

  it('answers 503 naming the failing checks, with the error as the check’s message', async () => {
    const { controller, registry, postgresHealth } = await setup();
    registry.register('postgres', () =>
      postgresHealth.isHealthy('postgres', () => Promise.reject(new Error('connect ECONNREFUSED'))),
    );
    registry.register('other', () => new HealthIndicatorService().check('other').up());
    const { reply, sent } = fakeReply();
    await controller.ready(reply);
    expect(sent.status).toBe(503);
    expect(sent.body).toEqual({
      status: 'error',
      failing: ['postgres'],
      checks: {
        postgres: { status: 'down', message: 'connect ECONNREFUSED', responseTime: expect.any(Number) },
        other: { status: 'up' },
      },
    });
  });

  it('reports a Redis client that is not connected down at once, without waiting for a PING', async () => {
    const { redisHealth } = await setup();
    const ping = jest.fn(() => new Promise<never>(() => undefined));
    const client = { status: 'reconnecting', ping } as unknown as Redis;
    const started = Date.now();
    expect(await redisHealth.isHealthy('redis', client)).toEqual({
      redis: { status: 'down', message: 'Redis connection is reconnecting' },
    });
    expect(Date.now() - started).toBeLessThan(100);
    expect(ping).not.toHaveBeenCalled();
  });

  it('runs the probe of a connected Redis client and shows what it returns', async () => {
    const { redisHealth } = await setup();
    const client = { status: 'ready', ping: jest.fn(async () => 'PONG') } as unknown as Redis;
    expect(await redisHealth.isHealthy('redis', client)).toEqual({
      redis: { status: 'up', responseTime: expect.any(Number) },
    });
    expect(await redisHealth.isHealthy('events', client, async () => ({ lag: 0 }))).toEqual({
      events: { status: 'up', lag: 0, responseTime: expect.any(Number) },
    });
  });
});
