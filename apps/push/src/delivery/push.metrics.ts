import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@plaza/platform';
import { Counter, Gauge, Histogram } from 'prom-client';

export type PushChannel = 'webpush' | 'fcm';
/** What became of one attempt to reach a push service. */
export type SendOutcome = 'sent' | 'retried' | 'gone' | 'rejected' | 'gave_up';
/** Why a queued push was not sent at all. */
export type SkipReason = 'online' | 'blocked' | 'session_ended';

/** Push metrics on the app's `/metrics`. */
@Injectable()
export class PushMetrics {
  readonly deliveries: Counter<'channel' | 'outcome'>;
  readonly skipped: Counter<'reason'>;
  readonly requestSeconds: Histogram<'channel'>;
  readonly inFlight: Gauge;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.deliveries = new Counter({
      name: 'plaza_push_deliveries_total',
      help: 'Requests to push services by channel and outcome (sent, retried, gone = subscription deleted, rejected, gave_up)',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.skipped = new Counter({
      name: 'plaza_push_skipped_total',
      help: 'Queued pushes not sent: the user was online, a block stands, or the session ended',
      labelNames: ['reason'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'plaza_push_request_seconds',
      help: 'Duration of requests to push services (timeouts included)',
      labelNames: ['channel'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'plaza_push_requests_in_flight',
      help: 'Requests to push services awaiting an answer',
      registers,
    });
  }
}
