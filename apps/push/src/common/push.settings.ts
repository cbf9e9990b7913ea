import { readFileSync } from 'node:fs';
import type { PlazaConfig } from '@plaza/config';

/** The service-account fields FCM needs (the JSON file Google issues, or a fake one in tests). */
export interface FcmServiceAccount {
  client_email: string;
  private_key: string;
  /** Where access tokens come from (RFC 7523 JWT-bearer grant); always honoured. */
  token_uri: string;
  private_key_id?: string;
}

/** The push app's tunables, read once from the validated config. */
export interface PushSettings {
  vapid: { publicKey: string; privateKey: string; subject: string } | null;
  endpointOrigins: string[];
  fcm: { projectId: string; endpoint: string; account: FcmServiceAccount } | null;
  collapseMs: number;
  concurrency: number;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  /** Longest wait before a retry, whatever Retry-After says. */
  retryMaxMs: number;
  /** How often due deliveries are looked for. */
  pollMs: number;
}

export const PUSH_SETTINGS = Symbol('PUSH_SETTINGS');

/** Throws (at boot) when FCM_CREDENTIALS is unreadable or lacks a field. */
export function pushSettings(config: PlazaConfig): PushSettings {
  return {
    vapid:
      config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY
        ? { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY, subject: config.VAPID_SUBJECT }
        : null,
    endpointOrigins: config.PUSH_ENDPOINT_ORIGINS,
    fcm:
      config.FCM_PROJECT_ID && config.FCM_CREDENTIALS
        ? {
            projectId: config.FCM_PROJECT_ID,
            endpoint: config.FCM_ENDPOINT.replace(/\/$/, ''),
            account: readServiceAccount(config.FCM_CREDENTIALS),
          }
        : null,
    collapseMs: config.PUSH_COLLAPSE_MS,
    concurrency: config.PUSH_CONCURRENCY,
    timeoutMs: config.PUSH_TIMEOUT_MS,
    maxAttempts: config.PUSH_MAX_ATTEMPTS,
    retryBaseMs: config.PUSH_RETRY_BASE_MS,
    retryMaxMs: 10 * 60_000,
    pollMs: 200,
  };
}

function readServiceAccount(file: string): FcmServiceAccount {
  let parsed: Partial<FcmServiceAccount>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<FcmServiceAccount>;
  } catch (err) {
    throw new Error(`FCM_CREDENTIALS: cannot read ${file} as JSON (${(err as Error).message})`, { cause: err });
  }
  for (const field of ['client_email', 'private_key', 'token_uri'] as const) {
    if (typeof parsed[field] !== 'string' || !parsed[field])
      throw new Error(`FCM_CREDENTIALS: ${file} has no "${field}"`);
  }
  return parsed as FcmServiceAccount;
}
