import { createServer } from 'node:net';

const handedOut = new Set<number>();

/**
 * A port the OS just handed out and released, never the same one twice in this process: the OS
 * may offer a just-released port again, and two apps given one port means the second never binds.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await osPort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

function osPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
