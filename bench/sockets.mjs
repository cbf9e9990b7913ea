import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** One socket.io client (websocket only, no reconnection); resolves with it whether it connected or not. */
function open(url, auth) {
  const { io } = require('socket.io-client');
  return new Promise((resolve) => {
    const socket = io(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true, timeout: 60_000 });
    socket.once('connect', () => resolve({ socket, ok: true }));
    socket.once('connect_error', (err) => resolve({ socket, ok: false, error: err.message }));
  });
}

/**
 * Opens a client per `{ url, auth }` spec, `concurrency` handshakes at a time. `sockets` follow the
 * order of `specs`; `failed` counts refused handshakes, `firstError` names the first refusal.
 */
export async function openSockets(specs, concurrency = 100) {
  const out = new Array(specs.length);
  let next = 0;
  let failed = 0;
  let firstError = null;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, specs.length) }, async () => {
      while (next < specs.length) {
        const i = next++;
        const r = await open(specs[i].url, specs[i].auth);
        if (!r.ok) {
          failed++;
          firstError ??= r.error;
        }
        out[i] = r.socket;
      }
    }),
  );
  return { sockets: out, failed, firstError };
}
