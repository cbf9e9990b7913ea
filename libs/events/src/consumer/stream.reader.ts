import type Redis from 'ioredis';
import { type Entry, sleep, streamsOf, type ThrottledWarning } from './stream-replies';

export interface StreamReaderOptions {
  group: string;
  consumerName: string;
  batchSize: number;
  blockMs: number;
}

/**
 * Creates the consumer group on each stream and reads new entries with a blocking XREADGROUP on
 * a dedicated connection (it holds the connection up to `blockMs`). Each read's entries are
 * handed to `onBatch` one stream at a time, and the next read waits for it: back-pressure.
 */
export class StreamReader {
  private readonly groupsReady = new Set<string>();
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly redis: Redis,
    /** Only for the blocking XREADGROUP. */
    private readonly reader: Redis,
    private readonly streams: ReadonlySet<string>,
    private readonly options: StreamReaderOptions,
    private readonly warning: ThrottledWarning,
  ) {}

  /** Streams whose group exists: the only ones worth scanning for pending entries. */
  get readyStreams(): string[] {
    return [...this.groupsReady];
  }

  async start(onBatch: (stream: string, entries: Entry[]) => Promise<void>): Promise<void> {
    this.running = true;
    await this.ensureGroups().catch((err: Error) =>
      this.warning.warn(`creating consumer groups failed, will retry: ${err.message}`),
    );
    this.loop = this.read(onBatch);
  }

  /** Breaks the blocking read at once; resolves when the batch being handled is done. */
  stop(): Promise<void> | undefined {
    this.running = false;
    this.reader.disconnect();
    return this.loop;
  }

  private async ensureGroups(): Promise<void> {
    for (const stream of this.streams) {
      if (this.groupsReady.has(stream)) continue;
      try {
        // From the start of the stream: events published before this app first ran still reach it.
        await this.redis.call('XGROUP', 'CREATE', stream, this.options.group, '0', 'MKSTREAM');
      } catch (err) {
        if (!/BUSYGROUP/.test((err as Error).message)) throw err;
      }
      this.groupsReady.add(stream);
    }
  }

  private async read(onBatch: (stream: string, entries: Entry[]) => Promise<void>): Promise<void> {
    const { group, consumerName, batchSize, blockMs } = this.options;
    while (this.running) {
      const streams = [...this.streams];
      let reply: unknown;
      try {
        if (this.groupsReady.size < streams.length) await this.ensureGroups();
        reply = await this.reader.call(
          'XREADGROUP',
          'GROUP',
          group,
          consumerName,
          'COUNT',
          batchSize,
          'BLOCK',
          blockMs,
          'STREAMS',
          ...streams,
          ...streams.map(() => '>'),
        );
      } catch (err) {
        if (!this.running) break;
        const message = (err as Error).message;
        // Redis restarted without persistence (or the stream was deleted): recreate the groups.
        const noGroup = /NOGROUP/.test(message);
        if (noGroup) this.groupsReady.clear();
        else this.warning.warn(`XREADGROUP failed: ${message}`);
        await sleep(noGroup ? 10 : 500);
        continue;
      }
      for (const [stream, entries] of streamsOf(reply)) await onBatch(stream, entries);
    }
  }
}
