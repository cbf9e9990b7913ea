import { createEventsMigration } from '@plaza/events';
import { ProfilesInit1764200000000 } from './1764200000000-profiles-init.migration';
import { ProfilesTextGraphemes1764900000000 } from './1764900000000-text-graphemes.migration';

/** Applied in order at start-up; never edit one that has shipped, add a new one. */
export const migrations = [
  createEventsMigration('profiles'),
  ProfilesInit1764200000000,
  ProfilesTextGraphemes1764900000000,
];
