import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { type DomainApp, domainAppUrl, PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { buildOpenApiDocument, finishOpenApiDocument, internalHeaders } from '@plaza/platform';
import { UPSTREAM_PREFIXES } from '../proxy/upstream-routes';

const REFRESH_MS = 30_000;

/**
 * The one OpenAPI document of the platform: the gateway's own routes plus every domain app's
 * document (read from its internal `/internal/openapi.json`), with each app's schema names
 * prefixed so that two apps' DTOs of the same name cannot collide.
 */
@Injectable()
export class ApiDocsService {
  private readonly logger = new Logger(ApiDocsService.name);
  private cached?: { at: number; document: OpenAPIObject };

  constructor(@Inject(PLAZA_CONFIG) private readonly config: PlazaConfig) {}

  async document(app: NestFastifyApplication): Promise<OpenAPIObject> {
    if (this.cached && Date.now() - this.cached.at < REFRESH_MS) return this.cached.document;
    const merged = buildOpenApiDocument(app, 'API');
    merged.info.description =
      'Every REST endpoint of every Plaza app, served through the gateway. Socket events: see /api/docs/asyncapi.json. ' +
      'GraphQL: POST /graphql (one federated schema over the same apps, same bearer token; schema at GET /graphql/schema.graphql).';
    merged.components ??= {};
    merged.components.schemas ??= {};
    const missing: string[] = [];
    for (const name of Object.keys(UPSTREAM_PREFIXES) as DomainApp[]) {
      try {
        const res = await fetch(`${domainAppUrl(this.config, name)}/internal/openapi.json`, {
          headers: internalHeaders(this.config),
          // Generous: an app builds its document on the first request, slow on a loaded machine.
          signal: AbortSignal.timeout(10_000),
        });
        if (!res.ok) throw new Error(`status ${res.status}`);
        const prefix = name[0].toUpperCase() + name.slice(1);
        const doc = JSON.parse(
          (await res.text()).replaceAll('"#/components/schemas/', `"#/components/schemas/${prefix}`),
        ) as OpenAPIObject;
        Object.assign(merged.paths, doc.paths);
        for (const [schema, value] of Object.entries(doc.components?.schemas ?? {})) {
          merged.components.schemas[`${prefix}${schema}`] = value;
        }
        for (const tag of doc.tags ?? [])
          if (!merged.tags?.some((t) => t.name === tag.name)) (merged.tags ??= []).push(tag);
      } catch (err) {
        missing.push(name);
        this.logger.warn(`no OpenAPI document from ${name}: ${(err as Error).message}`);
      }
    }
    finishOpenApiDocument(merged);
    // A partial document is served but not cached, so the next request tries the missing apps again.
    if (!missing.length) this.cached = { at: Date.now(), document: merged };
    return merged;
  }
}
