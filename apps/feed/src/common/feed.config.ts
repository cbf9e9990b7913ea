import type { PlazaConfig } from '@plaza/config';

/** The feed's tunables, read once from the validated config. */
export interface FeedSettings {
  fanoutThreshold: number;
  timelineCap: number;
  cacheEnabled: boolean;
}

export const FEED_SETTINGS = Symbol('FEED_SETTINGS');

export function feedSettings(config: PlazaConfig): FeedSettings {
  return {
    fanoutThreshold: config.FEED_FANOUT_THRESHOLD,
    timelineCap: config.FEED_TIMELINE_CAP,
    cacheEnabled: config.FEED_TIMELINE_CACHE === 'on',
  };
}
