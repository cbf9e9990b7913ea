import { Logger } from '@nestjs/common';
import { CriticalityLevel, diff, DiffRule } from '@graphql-inspector/core';
import type { Redis } from '@plaza/redis';
import { composeServices } from '@theguild/federation-composition';
import { buildSchema, lexicographicSortSchema, parse, printSchema } from 'graphql';
import { Pool } from 'pg';
import { usedCoordinates } from './usage.recorder';

/** A subgraph's schema as published at start-up (or checked by `npm run schema:check`). */
export interface SubgraphSubmission {
  name: string;
  /** Where the gateway reaches it (the domain apps' URLs are overridden by the gateway's own config). */
  url: string;
  sdl: string;
}

export type RegistryVerdict =
  | { status: 'accepted'; supergraphId: number; changes: string[] }
  | { status: 'unchanged'; supergraphId: number }
  | { status: 'refused'; reasons: string[] };

export interface SupergraphRecord {
  id: number;
  /** Federation supergraph (join directives): what gateways plan with. */
  supergraphSdl: string;
  /** The client-facing schema (`GET /graphql/schema.graphql`). */
  publicSdl: string;
  subgraphs: string[];
  createdAt: string;
}

export interface SchemaRegistryOptions {
  databaseUrl: string;
  /** Announcements and usage (the set of field coordinates operations have used). */
  redis?: Redis;
  /** Key prefix of the announcement channel and the usage set (the events prefix: one per platform). */
  keyPrefix: string;
}

const SCHEMA = 'graphql_registry';
// One lock for every writer of the registry: publications are serialized, each composes on the last.
const LOCK_KEY = 0x67716c72;

const logger = new Logger('SchemaRegistry');

/**
 * The schema registry: subgraph versions and accepted supergraphs in PostgreSQL (schema
 * `graphql_registry`, history kept), a new supergraph announced on Redis. A submission is
 * composed with the current version of every other subgraph (`@theguild/federation-composition`);
 * it is refused when composition fails or when `@graphql-inspector/core` finds a breaking change
 * to a field that operations have used (removed field, changed type or argument). A refused
 * submission changes nothing: gateways keep serving the current supergraph.
 */
export class SchemaRegistry {
  private readonly pool: Pool;
  private ready?: Promise<void>;

  constructor(private readonly options: SchemaRegistryOptions) {
    this.pool = new Pool({ connectionString: options.databaseUrl, max: 2 });
    this.pool.on('error', (err) => logger.warn(`registry pool: ${err.message}`));
  }

  /**
   * Pub/sub channels are shared by every logical database of a Redis server, unlike keys: the
   * channel names the database, so platforms that share a server on different databases do not
   * wake each other's gateways.
   */
  get channel(): string {
    return `${this.options.keyPrefix}:db${this.options.redis?.options.db ?? 0}:graphql:supergraph`;
  }

  get usageKey(): string {
    return `${this.options.keyPrefix}:graphql:usage`;
  }

  /** Composes and diffs without storing anything (what `npm run schema:check` runs). */
  check(submission: SubgraphSubmission): Promise<RegistryVerdict> {
    return this.evaluate(submission, false);
  }

  /** Composes, diffs and, when accepted, stores the new supergraph and announces it. */
  async publish(submission: SubgraphSubmission): Promise<RegistryVerdict> {
    const verdict = await this.evaluate(submission, true);
    if (verdict.status === 'accepted' && this.options.redis) {
      await this.options.redis.publish(this.channel, String(verdict.supergraphId));
    }
    return verdict;
  }

  async current(): Promise<SupergraphRecord | null> {
    await this.ensureSchema();
    const { rows } = await this.pool.query<SupergraphRow>(
      `SELECT id, supergraph_sdl, public_sdl, subgraph_versions, created_at FROM ${SCHEMA}.supergraphs ORDER BY id DESC LIMIT 1`,
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Every submission, newest first: accepted or refused (with the reasons). */
  async history(limit = 50): Promise<{ name: string; status: string; reasons: string[]; createdAt: string }[]> {
    await this.ensureSchema();
    const { rows } = await this.pool.query<{ name: string; status: string; reasons: string[]; created_at: Date }>(
      `SELECT name, status, reasons, created_at FROM ${SCHEMA}.subgraph_versions ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      name: r.name,
      status: r.status,
      reasons: r.reasons,
      createdAt: r.created_at.toISOString(),
    }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async evaluate(submission: SubgraphSubmission, store: boolean): Promise<RegistryVerdict> {
    await this.ensureSchema();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const { rows: last } = await client.query<SupergraphRow>(
        `SELECT id, supergraph_sdl, public_sdl, subgraph_versions, created_at FROM ${SCHEMA}.supergraphs ORDER BY id DESC LIMIT 1 FOR UPDATE`,
      );
      const current = last[0];
      const versionIds: Record<string, number> = current?.subgraph_versions ?? {};
      const { rows: versions } = await client.query<{ id: number; name: string; url: string; sdl: string }>(
        `SELECT id, name, url, sdl FROM ${SCHEMA}.subgraph_versions WHERE id = ANY($1::bigint[])`,
        [Object.values(versionIds)],
      );
      const mine = versions.find((v) => v.name === submission.name);
      if (current && mine && mine.sdl === submission.sdl && mine.url === submission.url) {
        await client.query('COMMIT');
        return { status: 'unchanged', supergraphId: Number(current.id) };
      }
      const services = versions
        .filter((v) => v.name !== submission.name)
        .map((v) => ({ name: v.name, url: v.url, sdl: v.sdl }))
        .concat([submission]);
      const reasons: string[] = [];
      let composed: { supergraphSdl: string; publicSdl: string } | undefined;
      try {
        const result = composeSupergraph(services);
        if ('errors' in result) reasons.push(...result.errors.map((e) => `composition: ${e}`));
        else composed = result;
      } catch (err) {
        reasons.push(`composition: ${(err as Error).message}`);
      }
      let changes: string[] = [];
      if (composed && current) {
        const breaking = await this.breakingChanges(current.public_sdl, composed.publicSdl);
        reasons.push(...breaking.refused);
        changes = breaking.all;
      }
      if (!store) {
        await client.query('ROLLBACK');
        return reasons.length || !composed
          ? { status: 'refused', reasons }
          : { status: 'accepted', supergraphId: Number(current?.id ?? 0), changes };
      }
      const { rows: inserted } = await client.query<{ id: string }>(
        `INSERT INTO ${SCHEMA}.subgraph_versions (name, url, sdl, status, reasons) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [
          submission.name,
          submission.url,
          submission.sdl,
          reasons.length ? 'refused' : 'accepted',
          JSON.stringify(reasons),
        ],
      );
      if (reasons.length || !composed) {
        await client.query('COMMIT');
        return { status: 'refused', reasons };
      }
      const nextVersions = { ...versionIds, [submission.name]: Number(inserted[0].id) };
      const { rows: created } = await client.query<{ id: string }>(
        `INSERT INTO ${SCHEMA}.supergraphs (supergraph_sdl, public_sdl, subgraph_versions) VALUES ($1, $2, $3) RETURNING id`,
        [composed.supergraphSdl, composed.publicSdl, JSON.stringify(nextVersions)],
      );
      await client.query('COMMIT');
      return { status: 'accepted', supergraphId: Number(created[0].id), changes };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Breaking changes (inspector's rules) that touch a coordinate some operation has used. */
  private async breakingChanges(oldPublic: string, newPublic: string): Promise<{ refused: string[]; all: string[] }> {
    const used = this.options.redis ? await usedCoordinates(this.options.redis, this.usageKey) : null;
    const changes = await diff(buildSchema(oldPublic), buildSchema(newPublic), [DiffRule.considerUsage], {
      // true = safe to break: nobody used it. Without usage data (no Redis) every breaking change counts.
      checkUsage: async (items) =>
        items.map(({ type, field }) => {
          if (!used) return false;
          return field ? !used.has(`${type}.${field}`) : ![...used].some((c) => c.startsWith(`${type}.`));
        }),
    });
    return {
      refused: changes
        .filter((c) => c.criticality.level === CriticalityLevel.Breaking)
        .map((c) => `breaking change to a field in use: ${c.message}`),
      all: changes.map((c) => `${c.criticality.level}: ${c.message}`),
    };
  }

  private ensureSchema(): Promise<void> {
    this.ready ??= (async () => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.subgraph_versions (
          id bigserial PRIMARY KEY,
          name text NOT NULL,
          url text NOT NULL,
          sdl text NOT NULL,
          status text NOT NULL CHECK (status IN ('accepted', 'refused')),
          reasons jsonb NOT NULL DEFAULT '[]',
          created_at timestamptz NOT NULL DEFAULT now())`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.supergraphs (
          id bigserial PRIMARY KEY,
          supergraph_sdl text NOT NULL,
          public_sdl text NOT NULL,
          subgraph_versions jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now())`);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        this.ready = undefined;
        throw err;
      } finally {
        client.release();
      }
    })();
    return this.ready;
  }
}

interface SupergraphRow {
  id: string;
  supergraph_sdl: string;
  public_sdl: string;
  subgraph_versions: Record<string, number>;
  created_at: Date;
}

function toRecord(row: SupergraphRow): SupergraphRecord {
  return {
    id: Number(row.id),
    supergraphSdl: row.supergraph_sdl,
    publicSdl: row.public_sdl,
    subgraphs: Object.keys(row.subgraph_versions).sort(),
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Composes subgraphs into the supergraph (`@theguild/federation-composition`); the public
 * schema is printed sorted, so the same subgraphs always give the same text (what CI compares
 * with the committed `schema.graphql`).
 */
export function composeSupergraph(
  services: readonly SubgraphSubmission[],
): { supergraphSdl: string; publicSdl: string } | { errors: string[] } {
  const sorted = [...services].sort((a, b) => a.name.localeCompare(b.name));
  const result = composeServices(sorted.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) return { errors: result.errors.map((e) => e.message) };
  return {
    supergraphSdl: result.supergraphSdl,
    publicSdl: printSchema(lexicographicSortSchema(buildSchema(result.publicSdl))),
  };
}
