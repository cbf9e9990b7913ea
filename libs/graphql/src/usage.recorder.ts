import type { Redis } from '@plaza/redis';
import { type DocumentNode, getNamedType, type GraphQLSchema, TypeInfo, visit, visitWithTypeInfo } from 'graphql';

/** `Type.field` coordinates an operation selects (what the registry protects from breaking changes). */
export function coordinatesOf(schema: GraphQLSchema, document: DocumentNode): Set<string> {
  const out = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field && !field.name.startsWith('__')) {
          out.add(`${getNamedType(parent).name}.${field.name}`);
        }
      },
    }),
  );
  return out;
}

/**
 * Records coordinates in a Redis set shared by every gateway; each gateway remembers what it
 * already recorded, so a steady workload costs no Redis write.
 */
export class UsageRecorder {
  private readonly seen = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  record(coordinates: Iterable<string>): void {
    const fresh = [...coordinates].filter((c) => !this.seen.has(c));
    if (!fresh.length) return;
    for (const c of fresh) this.seen.add(c);
    this.redis.sadd(this.key, ...fresh).catch(() => {
      for (const c of fresh) this.seen.delete(c);
    });
  }
}

export async function usedCoordinates(redis: Redis, key: string): Promise<Set<string>> {
  return new Set(await redis.smembers(key));
}
