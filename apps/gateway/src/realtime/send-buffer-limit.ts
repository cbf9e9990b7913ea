import type { PlazaSocket } from './socket-data';

/**
 * What the gateway keeps queued for one client that is not reading before it drops the
 * connection. Above the largest burst a healthy client gets (a replay page: 500 events of at
 * most a 4,000-character message each), far below what a stalled client would pile up.
 */
export const SEND_BUFFER_LIMIT_BYTES = 16 * 1024 * 1024;

type EngineConnection = PlazaSocket['conn'] & {
  transport: { name: string; socket?: { terminate?: () => void } };
};

/**
 * engine.io queues every packet in `writeBuffer` while the transport is not writable, without
 * any bound, and `close()` waits for that buffer to drain, which a stalled client never does.
 * Counts the bytes queued since the last flush; past the limit, the connection is cut at once
 * (its buffers freed); the client reconnects with `lastEventId` and replays from its log.
 */
export function limitSendBuffer(conn: EngineConnection, onOverflow: () => void, limit = SEND_BUFFER_LIMIT_BYTES): void {
  let queued = 0;
  conn.on('flush', () => {
    queued = 0;
  });
  conn.on('packetCreate', (packet: { data?: unknown }) => {
    const data = packet.data;
    queued += typeof data === 'string' ? data.length : Buffer.isBuffer(data) ? data.length : 0;
    if (queued <= limit || conn.readyState === 'closed') return;
    queued = 0;
    onOverflow();
    const ws = conn.transport.name === 'websocket' ? conn.transport.socket : undefined;
    if (typeof ws?.terminate === 'function') ws.terminate();
    else conn.close(true);
  });
}
