import type { ApiClient } from '@plaza/testing';

export interface GraphqlResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> & { code?: string } }[];
}

/** One GraphQL operation over HTTP through a gateway, as a client sends it. */
export async function gql<T = any>(
  api: ApiClient,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  extensions?: Record<string, unknown>,
): Promise<GraphqlResponse<T>> {
  const body: Record<string, unknown> = { variables };
  if (query) body.query = query;
  if (extensions) body.extensions = extensions;
  const res = await api.post('/graphql', body, { token });
  return { status: res.status, ...(res.body as object) };
}

export const codes = (res: GraphqlResponse): (string | undefined)[] =>
  (res.errors ?? []).map((e) => e.extensions?.code);

/** Sum of a Prometheus counter's samples whose labels include all of `labels`. */
export async function metricSum(
  baseUrl: string,
  name: string,
  labels: Record<string, string>,
  internalToken?: string,
): Promise<number> {
  const headers: Record<string, string> = internalToken ? { authorization: `Bearer ${internalToken}` } : {};
  const text = await (await fetch(`${baseUrl}/metrics`, { headers })).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.split(' ').pop());
  }
  return sum;
}
