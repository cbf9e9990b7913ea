import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const commaList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a ${protocols.join(' or ')} URL`,
  );

/**
 * Every environment variable Plaza reads, validated once at boot. Names and defaults follow
 * the "Processes, ports and configuration" section of the public contract.
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    BIND_HOST: z.string().min(1).default('127.0.0.1'),
    GATEWAY_PORT: port(3000),
    AUTH_PORT: port(3001),
    PROFILES_PORT: port(3002),
    FEED_PORT: port(3003),
    MESSAGING_PORT: port(3004),
    /** Host the gateway uses to reach the domain apps; `<APP>_URL` overrides it per app. */
    UPSTREAM_HOST: z.string().min(1).default('127.0.0.1'),
    AUTH_URL: url(['http:', 'https:']).optional(),
    PROFILES_URL: url(['http:', 'https:']).optional(),
    FEED_URL: url(['http:', 'https:']).optional(),
    MESSAGING_URL: url(['http:', 'https:']).optional(),
    DATABASE_URL: url(['postgres:', 'postgresql:']),
    DATABASE_POOL_SIZE: positiveInt(10),
    REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
    SESSION_TTL_SECONDS: positiveInt(86_400),
    SESSION_REMEMBER_TTL_SECONDS: positiveInt(2_592_000),
    ADMIN_EMAILS: commaList,
    RECAPTCHA_SECRET: z.string().min(1).optional(),
    RECAPTCHA_VERIFY_URL: url(['http:', 'https:']).default('https://www.google.com/recaptcha/api/siteverify'),
    RECAPTCHA_MIN_SCORE: z.coerce.number().min(0).max(1).default(0.5),
    RECAPTCHA_MIN_SCORE_LOGIN: z.coerce.number().min(0).max(1).optional(),
    RECAPTCHA_MIN_SCORE_REGISTER: z.coerce.number().min(0).max(1).optional(),
    RECAPTCHA_HOSTNAMES: commaList,
    RECAPTCHA_TIMEOUT_MS: positiveInt(3000),
    OIDC_ISSUER: url(['http:', 'https:']).optional(),
    OIDC_AUDIENCE: z.string().min(1).optional(),
    OIDC_JWKS_URL: url(['http:', 'https:']).optional(),
    OIDC_ROLES_CLAIM: z.string().min(1).default('cognito:groups'),
    LOGIN_RATE_LIMIT: positiveInt(10),
    REGISTER_RATE_LIMIT: positiveInt(20),
    API_RATE_LIMIT: positiveInt(1200),
    TRUST_PROXY: z.coerce.number().int().min(0).default(0),
    ALLOWED_ORIGINS: commaList,
    UPSTREAM_TIMEOUT_MS: positiveInt(10_000),
    /** `sharded` exists to measure it; domain apps' pushes only reach the classic adapter. */
    SOCKET_ADAPTER: z.enum(['classic', 'sharded']).default('classic'),
    SHUTDOWN_GRACE_MS: positiveInt(10_000),
    /** Domain events (libs/events): stream key prefix, retries, dead-lettering, relay cadence. */
    EVENTS_STREAM_PREFIX: z.string().min(1).default('plaza:events'),
    EVENTS_MAX_ATTEMPTS: positiveInt(5),
    EVENTS_RETRY_BASE_MS: positiveInt(1000),
    EVENTS_RETRY_MAX_MS: positiveInt(60_000),
    EVENTS_CLAIM_IDLE_MS: positiveInt(30_000),
    EVENTS_STREAM_MAXLEN: positiveInt(1_000_000),
    EVENTS_RELAY_POLL_MS: positiveInt(1000),
    EVENTS_BATCH_SIZE: positiveInt(100),
    EVENTS_CONCURRENCY: positiveInt(1),
    /** Feed: authors with more followers than this are merged into timelines at read time instead of fanned out. */
    FEED_FANOUT_THRESHOLD: positiveInt(10_000),
    /** Feed: entries kept per cached home timeline (Redis sorted set). */
    FEED_TIMELINE_CAP: positiveInt(800),
    /** Feed: `off` serves every timeline from PostgreSQL (the source of truth) without Redis. */
    FEED_TIMELINE_CACHE: z.enum(['on', 'off']).default('on'),
    /** Push app (offline reach): its port, and its URL for the gateway (`PUSH_URL` overrides UPSTREAM_HOST:PUSH_PORT). */
    PUSH_PORT: port(3005),
    PUSH_URL: url(['http:', 'https:']).optional(),
    /** Web Push identity (RFC 8292): P-256 key pair, base64url (65-byte public point, 32-byte private scalar). Unset: Web Push off. */
    VAPID_PUBLIC_KEY: z
      .string()
      .regex(/^[A-Za-z0-9_-]{87}$/, 'must be a base64url uncompressed P-256 public key (87 characters)')
      .optional(),
    VAPID_PRIVATE_KEY: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url P-256 private key (43 characters)')
      .optional(),
    /** Contact the push services can reach (RFC 8292 `sub`): a `mailto:` or `https:` URL. */
    VAPID_SUBJECT: url(['mailto:', 'https:']).default('mailto:push@plaza.invalid'),
    /**
     * Origins a Web Push subscription endpoint may point at; `https://*.example.com` allows its
     * subdomains. Anything else is refused (400): the server never posts to arbitrary URLs.
     */
    PUSH_ENDPOINT_ORIGINS: commaList.transform((list) =>
      list.length
        ? list
        : [
            'https://fcm.googleapis.com',
            'https://updates.push.services.mozilla.com',
            'https://web.push.apple.com',
            'https://*.push.apple.com',
            'https://*.notify.windows.com',
          ],
    ),
    /** FCM HTTP v1: project id and the service-account JSON file; both unset: FCM off. */
    FCM_PROJECT_ID: z.string().min(1).optional(),
    FCM_CREDENTIALS: z.string().min(1).optional(),
    /** FCM API base URL (tests point it at a fake). */
    FCM_ENDPOINT: url(['http:', 'https:']).default('https://fcm.googleapis.com'),
    /** A burst of messages in one conversation within this window becomes one push (the latest). */
    PUSH_COLLAPSE_MS: z.coerce.number().int().min(0).default(1000),
    /** Requests to push services in flight at once per push instance, and the timeout of each. */
    PUSH_CONCURRENCY: positiveInt(32),
    PUSH_TIMEOUT_MS: positiveInt(10_000),
    /** Attempts per push before it is given up; backoff PUSH_RETRY_BASE_MS · 2^(n-1), or Retry-After when longer. */
    PUSH_MAX_ATTEMPTS: positiveInt(5),
    PUSH_RETRY_BASE_MS: positiveInt(2000),
  })
  .transform((c) => ({
    ...c,
    ALLOWED_ORIGINS: c.ALLOWED_ORIGINS.length ? c.ALLOWED_ORIGINS : [`http://localhost:${c.GATEWAY_PORT}`],
    OIDC_JWKS_URL:
      c.OIDC_JWKS_URL ?? (c.OIDC_ISSUER ? `${c.OIDC_ISSUER.replace(/\/$/, '')}/.well-known/jwks.json` : undefined),
  }));

export type PlazaConfig = z.output<typeof configSchema>;

/** Rules across variables, checked on the raw environment so they are listed with the rest. */
export function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) problems.push('JWT_SECRET is required in production');
  if (env.OIDC_ISSUER && !env.OIDC_AUDIENCE) problems.push('OIDC_AUDIENCE is required when OIDC_ISSUER is set');
  if (!env.VAPID_PUBLIC_KEY !== !env.VAPID_PRIVATE_KEY)
    problems.push('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together or not at all');
  if (!env.FCM_PROJECT_ID !== !env.FCM_CREDENTIALS)
    problems.push('FCM_PROJECT_ID and FCM_CREDENTIALS are set together or not at all');
  return problems;
}
