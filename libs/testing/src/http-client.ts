import { currentTestFile, recordResponse } from './response-recorder';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
  /** A raw body sent as is (for malformed-input tests). */
  raw?: string | Buffer;
}

/** A tiny JSON client over fetch, for tests that talk HTTP like a real client. */
export function apiClient(baseUrl: string, defaultHeaders: Record<string, string> = {}) {
  const suite = currentTestFile();
  const call = async <T = any>(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...defaultHeaders, ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | Buffer | undefined = options.raw;
    if (payload === undefined && body !== undefined) {
      payload = JSON.stringify(body);
    }
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    recordResponse({
      method,
      path: new URL(path, baseUrl).pathname,
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: parsed,
      suite,
    });
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    baseUrl,
    request: call,
    get: <T = any>(path: string, options?: RequestOptions) => call<T>('GET', path, undefined, options),
    post: <T = any>(path: string, body?: unknown, options?: RequestOptions) => call<T>('POST', path, body, options),
    put: <T = any>(path: string, body?: unknown, options?: RequestOptions) => call<T>('PUT', path, body, options),
    patch: <T = any>(path: string, body?: unknown, options?: RequestOptions) => call<T>('PATCH', path, body, options),
    delete: <T = any>(path: string, options?: RequestOptions) => call<T>('DELETE', path, undefined, options),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** Header that proves a caller is the gateway (the value of `INTERNAL_TOKEN_HEADER` in `@plaza/platform`). */
const INTERNAL_TOKEN_HEADER = 'x-plaza-internal-token';

/**
 * A client for a domain app's own port, presenting the platform's INTERNAL_TOKEN as the gateway
 * does (apps answer 401 to anyone else). `env` is the platform's env (`platform.env`).
 */
export function internalClient(baseUrl: string, env: Record<string, string>): ApiClient {
  return apiClient(baseUrl, { [INTERNAL_TOKEN_HEADER]: env.INTERNAL_TOKEN });
}

/** `fetch` of `/metrics` or `/internal/*` as Prometheus does: `Authorization: Bearer <INTERNAL_TOKEN>`. */
export function fetchInternal(url: string, env: Record<string, string>): Promise<Response> {
  return fetch(url, { headers: { authorization: `Bearer ${env.INTERNAL_TOKEN}` } });
}
