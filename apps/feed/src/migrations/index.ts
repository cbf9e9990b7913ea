import { createEventsMigration } from '@plaza/events';
import { FeedInit1764300000000 } from './1764300000000-feed-init.migration';
import { FeedTextGraphemes1764900000000 } from './1764900000000-text-graphemes.migration';

/** Applied in order at start-up; never edit one that has shipped, add a new one. */
export const migrations = [createEventsMigration('feed'), FeedInit1764300000000, FeedTextGraphemes1764900000000];
