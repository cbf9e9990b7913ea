import { createEventsMigration } from '@plaza/events';
import { AuthInit1764100000000 } from './1764100000000-auth-init.migration';
import { AuthAccounts1764900000000 } from './1764900000000-auth-accounts.migration';

/** Applied in order at start-up; never edit one that has shipped, add a new one. */
export const migrations = [AuthInit1764100000000, createEventsMigration('auth'), AuthAccounts1764900000000];
