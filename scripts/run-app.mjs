// `npm run start:<app>`: runs one app with the same development defaults as `npm start`
// (a generated JWT secret per data directory), against DATABASE_URL and REDIS_URL.
import { spawn } from 'node:child_process';
import { appMain, devJwtSecret, devVapidKeys, ROOT } from './lib.mjs';

const [app, ...args] = process.argv.slice(2);
const env = { ...process.env };
if (!env.JWT_SECRET && env.NODE_ENV !== 'production') env.JWT_SECRET = devJwtSecret();
if (app === 'push' && !env.VAPID_PUBLIC_KEY && !env.VAPID_PRIVATE_KEY && env.NODE_ENV !== 'production') {
  ({ publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY } = devVapidKeys());
}
if (!env.DATABASE_URL) {
  console.error('DATABASE_URL is not set: point it at PostgreSQL, or use `npm start`, which runs an embedded one.');
  process.exit(1);
}
const child = spawn(process.execPath, [appMain(app), ...args], { cwd: ROOT, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
