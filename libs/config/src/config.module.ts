import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { PlazaConfig } from './config.schema';

export const PLAZA_CONFIG = Symbol('PLAZA_CONFIG');

// Global: every provider of every app reads its settings (DESIGN.md, "Global modules").
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: PlazaConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: PLAZA_CONFIG, useValue: config }],
      exports: [PLAZA_CONFIG],
    };
  }
}
