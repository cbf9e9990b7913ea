import { type INestApplication, Logger } from '@nestjs/common';
import { domainAppUrl, type PlazaConfig } from '@plaza/config';
import { REDIS, type Redis } from '@plaza/redis';
import { SchemaRegistry } from './schema-registry';
import { SUBGRAPH_PATH } from './subgraph.server';

const logger = new Logger('Subgraph');

/** The URL a domain app's subgraph is reached at. */
export function subgraphUrl(config: PlazaConfig, app: 'auth' | 'profiles' | 'feed' | 'messaging'): string {
  return `${domainAppUrl(config, app)}${SUBGRAPH_PATH}`;
}

/**
 * Publishes the app's subgraph SDL to the schema registry once it listens. A refusal is logged
 * (with the reasons) and leaves the running supergraph as it was; the app keeps serving REST.
 */
export async function publishSubgraph(
  app: INestApplication,
  config: PlazaConfig,
  submission: { name: string; url: string; sdl: string },
): Promise<void> {
  const registry = new SchemaRegistry({
    databaseUrl: config.DATABASE_URL,
    redis: app.get<Redis>(REDIS, { strict: false }),
    keyPrefix: config.EVENTS_STREAM_PREFIX,
  });
  try {
    const verdict = await registry.publish(submission);
    if (verdict.status === 'refused') {
      logger.error(`schema registry refused the ${submission.name} subgraph: ${verdict.reasons.join(' | ')}`);
    } else {
      logger.log(`${submission.name} subgraph ${verdict.status} (supergraph ${verdict.supergraphId})`);
    }
  } catch (err) {
    logger.error(`could not publish the ${submission.name} subgraph: ${(err as Error).message}`);
  } finally {
    await registry.close();
  }
}
