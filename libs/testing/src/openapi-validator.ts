import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { RecordedResponse } from './response-recorder';

type Json = Record<string, any>;

/** OpenAPI 3.0's `nullable: true` as JSON Schema (`anyOf` with null), everywhere in a schema. */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    // `example` and friends are annotations; `properties`' keys are names, not keywords.
    out[key] = key === 'example' ? value : toJsonSchema(value);
  }
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  delete out.nullable;
  return out;
}

/**
 * Checks real answers against an OpenAPI document: the path and method must be documented, the
 * status must be one of the operation's responses, and a JSON body must match its schema.
 * Answers to paths the document does not have (unknown routes) are not its business and skipped.
 */
export function openApiValidator(document: Json) {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  const components = toJsonSchema(document.components ?? {});
  const routes = Object.keys(document.paths as Json)
    .map((template) => ({
      template,
      regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      params: (template.match(/\{/g) ?? []).length,
    }))
    // A literal segment wins over a parameter (`/api/profiles/me` before `/api/profiles/{handle}`).
    .sort((a, b) => a.params - b.params);
  const compiled = new Map<string, ValidateFunction>();

  return (record: RecordedResponse): string | null => {
    const route = routes.find((r) => r.regex.test(record.path));
    if (!route) return null;
    const operation = (document.paths as Json)[route.template][record.method.toLowerCase()] as Json | undefined;
    const where = `${record.method} ${route.template} → ${record.status}${record.suite ? ` (${record.suite.split('/').slice(-2).join('/')})` : ''}`;
    // A probe of a method the route does not have (e.g. DELETE on the append-only audit log).
    if (!operation) return record.status === 404 || record.status === 405 ? null : `${where}: method not documented`;
    const response = (operation.responses as Json)[String(record.status)] as Json | undefined;
    if (!response) return `${where}: status not documented`;
    const schema = response.content?.['application/json']?.schema as Json | undefined;
    const hasBody = record.body !== undefined && record.body !== '';
    if (!schema) return hasBody && record.status >= 400 ? `${where}: an error body without a schema` : null;
    if (!hasBody) return `${where}: no body, but the document promises one`;
    if (!record.contentType?.includes('json')) return `${where}: ${record.contentType} instead of JSON`;
    const key = `${route.template} ${record.method} ${record.status}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile({ ...(toJsonSchema(schema) as Json), components });
      compiled.set(key, validate);
    }
    if (validate(record.body)) return null;
    const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`);
    return `${where}: ${errors.join('; ')}`;
  };
}

/** Every answer recorded by the HTTP helpers of this run (see `recordResponse`). */
export function readRecordedResponses(dir: string): RecordedResponse[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RecordedResponse),
    );
}
