// `npm run start:<app>`: runs one app with the same development defaults as `npm start`
// (a generated JWT secret per data directory), against DATABASE_URL and REDIS_URL.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { appMain, devInternalToken, devJwtSecret, EMBEDDED_DATABASE_URL_FILE, ROOT } from './lib.mjs';

const [app, ...args] = process.argv.slice(2);
const env = { ...process.env };
if (!env.JWT_SECRET && env.NODE_ENV !== 'production') env.JWT_SECRET = devJwtSecret();
if (!env.INTERNAL_TOKEN && env.NODE_ENV !== 'production') env.INTERNAL_TOKEN = devInternalToken();
// The database `npm start` runs (its embedded PostgreSQL), so `npm run cli` needs no settings.
if (!env.DATABASE_URL && existsSync(EMBEDDED_DATABASE_URL_FILE))
  env.DATABASE_URL = readFileSync(EMBEDDED_DATABASE_URL_FILE, 'utf8').trim();
if (!env.DATABASE_URL) {
  console.error('DATABASE_URL is not set: point it at PostgreSQL, or use `npm start`, which runs an embedded one.');
  process.exit(1);
}
const child = spawn(process.execPath, [appMain(app), ...args], { cwd: ROOT, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
