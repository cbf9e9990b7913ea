import { createEventsMigration } from '@plaza/events';
import { MessagingInit1764400000000 } from './1764400000000-messaging-init.migration';
import { MessagingTextGraphemes1764900000000 } from './1764900000000-text-graphemes.migration';
import { MessagingDropConnections1765000000000 } from './1765000000000-drop-connections.migration';

/** Applied in order at start-up; never edit one that has shipped, add a new one. */
export const migrations = [
  createEventsMigration('messaging'),
  MessagingInit1764400000000,
  MessagingTextGraphemes1764900000000,
  MessagingDropConnections1765000000000,
];
