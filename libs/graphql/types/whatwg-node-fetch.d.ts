/*
 * Stand-in typings for `@whatwg-node/fetch` (used by graphql-yoga and the Hive gateway). The
 * package's own typings pull in the DOM lib (`/// <reference lib="dom" />`), which would replace
 * Node's fetch types for the whole program; on Node 20 these globals are the same objects.
 */
export declare const fetch: typeof globalThis.fetch;
export declare const Request: typeof globalThis.Request;
export declare const Response: typeof globalThis.Response;
export declare const Headers: typeof globalThis.Headers;
export declare const FormData: typeof globalThis.FormData;
export declare const ReadableStream: typeof globalThis.ReadableStream;
export declare const WritableStream: typeof globalThis.WritableStream;
export declare const TransformStream: typeof globalThis.TransformStream;
export declare const Blob: typeof globalThis.Blob;
export declare const URL: typeof globalThis.URL;
export declare const URLSearchParams: typeof globalThis.URLSearchParams;
export declare const TextEncoder: typeof globalThis.TextEncoder;
export declare const TextDecoder: typeof globalThis.TextDecoder;
export declare const crypto: typeof globalThis.crypto;
