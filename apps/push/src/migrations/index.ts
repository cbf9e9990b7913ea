import { createEventsMigration } from '@plaza/events';
import { PushInit1764900000000 } from './1764900000000-push-init.migration';

/** Applied in order at start-up; never edit one that has shipped, add a new one. */
export const migrations = [createEventsMigration('push'), PushInit1764900000000];
