// `npm run start:<app>`: runs one app with the same development defaults as `npm start`
// (a generated JWT secret per data directory, .env), against DATABASE_URL (or the embedded
// PostgreSQL of a running `npm start`) and REDIS_URL.
import { spawn } from 'node:child_process';
import {
  appMain,
  checkNodeVersion,
  databaseUrl,
  devInternalToken,
  devJwtSecret,
  devVapidKeys,
  loadEnv,
  ROOT,
} from './lib.mjs';

checkNodeVersion({ warn: false });
const [app, ...args] = process.argv.slice(2);
const env = loadEnv();
if (!env.JWT_SECRET && env.NODE_ENV !== 'production') env.JWT_SECRET = devJwtSecret();
// Against the platform `npm start` runs (its embedded PostgreSQL) unless DATABASE_URL says otherwise.
env.DATABASE_URL = databaseUrl(env);
if (app === 'push' && !env.VAPID_PUBLIC_KEY && !env.VAPID_PRIVATE_KEY && env.NODE_ENV !== 'production') {
  ({ publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY } = devVapidKeys());
}
if (!env.INTERNAL_TOKEN && env.NODE_ENV !== 'production') env.INTERNAL_TOKEN = devInternalToken();
if (!env.DATABASE_URL) {
  console.error('DATABASE_URL is not set: point it at PostgreSQL, or run `npm start` (embedded PostgreSQL) first.');
  process.exit(1);
}
const child = spawn(process.execPath, [appMain(app), ...args], { cwd: ROOT, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
