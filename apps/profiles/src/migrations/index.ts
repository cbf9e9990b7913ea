import { createEventsMigration } from '@plaza/events';
import { ProfilesInit1764200000000 } from './1764200000000-profiles-init.migration';

/** Applied in order at start-up; never edit one that has shipped, add a new one. */
export const migrations = [createEventsMigration('profiles'), ProfilesInit1764200000000];
