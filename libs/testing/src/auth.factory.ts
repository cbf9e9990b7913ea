import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiClient } from './http-client';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface RegisterOverrides {
  email?: string;
  password?: string;
  handle?: string;
  displayName?: string;
  rememberMe?: boolean;
  captchaToken?: string;
}

export interface TestUser {
  user: { id: string; email: string; handle: string; displayName: string; roles: string[] };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  session: { id: string; persistence: 'local' | 'session'; expiresAt: string };
  /** What was registered, for logging in again. */
  email: string;
  password: string;
}

/** A short suffix unique within the run (lower-case, fits a handle). */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36).slice(-5)}${randomBytes(4).toString('hex')}`;
}

/** The body of a valid registration, unique per call. */
export function registrationBody(overrides: RegisterOverrides = {}) {
  const s = uniqueSuffix();
  return {
    email: `user_${s}@example.test`,
    password: TEST_PASSWORD,
    handle: `u_${s}`,
    displayName: `User ${s}`,
    ...overrides,
  };
}

/** Registers a fresh user through the API (gateway) and returns the AuthResult plus credentials. */
export async function registerUser(
  api: ApiClient,
  overrides: RegisterOverrides = {},
  headers?: Record<string, string>,
): Promise<TestUser> {
  const body = registrationBody(overrides);
  const res = await api.post('/api/auth/register', body, { headers });
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { ...(res.body as Omit<TestUser, 'email' | 'password'>), email: body.email, password: body.password };
}

export async function loginUser(
  api: ApiClient,
  email: string,
  password = TEST_PASSWORD,
  rememberMe = false,
): Promise<TestUser> {
  const res = await api.post('/api/auth/login', { email, password, rememberMe });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { ...(res.body as Omit<TestUser, 'email' | 'password'>), email, password };
}

/**
 * Gives a user a role with the operator CLI (`npm run cli -- grant-role`), as an operator would.
 * Live sessions get the role at once: tokens already issued keep working with it.
 * `env` is the platform's env (DATABASE_URL, REDIS_URL, JWT_SECRET).
 */
export async function grantRole(
  env: Record<string, string>,
  email: string,
  role: 'user' | 'moderator' | 'admin',
): Promise<void> {
  const cli = join(__dirname, '..', '..', '..', 'dist', 'apps', 'auth', 'src', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [cli, 'grant-role', email, role], {
      env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`grant-role exited with ${code}: ${output.join('')}`);
}
