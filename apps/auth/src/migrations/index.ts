import { createEventsMigration } from '@plaza/events';
import { AuthInit1764100000000 } from './1764100000000-auth-init.migration';

/** Applied in order at start-up; never edit one that has shipped, add a new one. */
export const migrations = [AuthInit1764100000000, createEventsMigration('auth')];
