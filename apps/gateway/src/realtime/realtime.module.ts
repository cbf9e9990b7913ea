import { Module } from '@nestjs/common';
import { IdentityModule } from '@plaza/identity';
import { HealthModule } from '@plaza/platform';
import { RealtimeModule as RealtimeReadModelsModule } from '@plaza/realtime';
import { CommandForwarder } from './command-forwarder.service';
import { GatewayMetrics } from './gateway-metrics.service';
import { PresenceController } from './presence.controller';
import { PresenceService } from './presence.service';
import { RealtimeGateway } from './realtime.gateway';
import { ReplayService } from './replay.service';
import { SocketLifetimeService } from './socket-lifetime.service';
import { SocketQuotaService } from './socket-quota.service';
import { SocketRateLimiter } from './socket-rate-limiter.service';
import { TypingService } from './typing.service';

@Module({
  imports: [HealthModule, IdentityModule, RealtimeReadModelsModule],
  controllers: [PresenceController],
  providers: [
    RealtimeGateway,
    ReplayService,
    PresenceService,
    TypingService,
    CommandForwarder,
    SocketRateLimiter,
    GatewayMetrics,
    SocketLifetimeService,
    SocketQuotaService,
  ],
})
export class RealtimeModule {}
