import { createEventsMigration } from '@plaza/events';
import { FeedInit1764300000000 } from './1764300000000-feed-init.migration';

/** Applied in order at start-up; never edit one that has shipped, add a new one. */
export const migrations = [createEventsMigration('feed'), FeedInit1764300000000];
