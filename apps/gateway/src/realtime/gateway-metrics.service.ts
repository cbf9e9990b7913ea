import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@plaza/platform';
import { Counter, Gauge, Histogram } from 'prom-client';

@Injectable()
export class GatewayMetrics {
  readonly sockets: Gauge;
  readonly eventsIn: Counter<'event'>;
  readonly eventsOut: Counter<'event'>;
  readonly handshakeFailures: Counter<'reason'>;
  readonly replayed: Counter;
  readonly replayFiltered: Counter;
  readonly syncRequired: Counter;
  readonly slowConsumerDrops: Counter;
  readonly commandDuration: Histogram<'event' | 'outcome'>;
  readonly replayDuration: Histogram;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.sockets = new Gauge({ name: 'plaza_gateway_sockets', help: 'Connected sockets on this instance', registers });
    this.eventsIn = new Counter({
      name: 'plaza_gateway_events_in_total',
      help: 'Client events received',
      labelNames: ['event'],
      registers,
    });
    this.eventsOut = new Counter({
      name: 'plaza_gateway_events_out_total',
      help: 'Events emitted by this gateway',
      labelNames: ['event'],
      registers,
    });
    this.handshakeFailures = new Counter({
      name: 'plaza_gateway_handshake_failures_total',
      help: 'Refused handshakes',
      labelNames: ['reason'],
      registers,
    });
    this.replayed = new Counter({
      name: 'plaza_gateway_replayed_events_total',
      help: 'Durable events replayed on reconnect',
      registers,
    });
    this.replayFiltered = new Counter({
      name: 'plaza_gateway_replay_filtered_events_total',
      help: 'Logged events left out of a replay because the user may no longer see them',
      registers,
    });
    this.syncRequired = new Counter({
      name: 'plaza_gateway_sync_required_total',
      help: 'Reconnects too old to replay',
      registers,
    });
    this.slowConsumerDrops = new Counter({
      name: 'plaza_gateway_slow_consumer_drops_total',
      help: 'Connections cut because their client stopped reading (send buffer over its limit)',
      registers,
    });
    this.commandDuration = new Histogram({
      name: 'plaza_gateway_command_duration_seconds',
      help: 'Client command to ack, by event and outcome',
      labelNames: ['event', 'outcome'],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.replayDuration = new Histogram({
      name: 'plaza_gateway_replay_duration_seconds',
      help: 'Time to replay missed events to a reconnecting socket',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
  }
}
