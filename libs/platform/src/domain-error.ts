/**
 * The contract's general error codes ("Conventions" and "Socket events" in docs/errors-and-limits.md),
 * each with the one HTTP status it answers with. Services raise these; transports map them once:
 * REST in AllExceptionsFilter, socket acks in the gateway (`socketErrorCode`), GraphQL in
 * `@plaza/graphql`'s error mapper.
 */
export const DOMAIN_ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
} as const;

export type DomainErrorCode = keyof typeof DOMAIN_ERROR_STATUS;

export interface DomainErrorOptions {
  /** A finer machine code the contract names (`email_taken`, `captcha_failed`, …): REST's `code` field. */
  reason?: string;
  /** Response headers a REST answer must carry (`Retry-After` for `rate_limited`). */
  headers?: Record<string, string>;
}

/**
 * A broken rule, raised by a service: `code` says which kind (and so the status), `message` is
 * safe to show to the caller (it never names internals).
 */
export class DomainError extends Error {
  readonly reason?: string;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.reason = options.reason;
    this.headers = options.headers;
  }

  get status(): number {
    return DOMAIN_ERROR_STATUS[this.code];
  }
}

const CODE_BY_STATUS = new Map<number, DomainErrorCode>(
  Object.entries(DOMAIN_ERROR_STATUS).map(([code, status]) => [status, code as DomainErrorCode]),
);

/**
 * The domain code of an error answer another app gave (the gateway reading a domain app's reply):
 * each code has one status, so nothing is lost. 413 is input too large: `bad_request`. Anything
 * else (5xx, unknown) is undefined.
 */
export function domainCodeForStatus(status: number): DomainErrorCode | undefined {
  if (status === 413) return 'bad_request';
  return CODE_BY_STATUS.get(status);
}
