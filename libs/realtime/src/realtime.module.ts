import { Module } from '@nestjs/common';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { REDIS, type Redis } from '@plaza/redis';
import { ConnectionsReadModel, ConversationMembers } from './read-models';
import { RealtimePublisher } from './realtime.publisher';
import { SafetyGraph } from './safety-graph';
import { TypingStore } from './typing.store';

/** Gives an app the publisher and the read models; uses the app's regular Redis client. */
@Module({
  providers: [
    {
      provide: RealtimePublisher,
      inject: [REDIS, PLAZA_CONFIG],
      useFactory: (redis: Redis, config: PlazaConfig) => new RealtimePublisher(redis, config.REDIS_URL),
    },
    { provide: ConversationMembers, inject: [REDIS], useFactory: (redis: Redis) => new ConversationMembers(redis) },
    { provide: ConnectionsReadModel, inject: [REDIS], useFactory: (redis: Redis) => new ConnectionsReadModel(redis) },
    { provide: SafetyGraph, inject: [REDIS], useFactory: (redis: Redis) => new SafetyGraph(redis) },
    { provide: TypingStore, inject: [REDIS], useFactory: (redis: Redis) => new TypingStore(redis) },
  ],
  exports: [RealtimePublisher, ConversationMembers, ConnectionsReadModel, SafetyGraph, TypingStore],
})
export class RealtimeModule {}
