import { createTextBoundsMigration } from '@plaza/database';

/** Message and group title limits count user-perceived characters; the database bounds storage only. */
export const MessagingTextGraphemes1764900000000 = createTextBoundsMigration('MessagingTextGraphemes1764900000000', [
  { table: 'messaging.messages', column: 'text', constraint: 'messages_text_check', maxCodePoints: 40000 },
  { table: 'messaging.conversations', column: 'title', constraint: 'conversations_title_check', maxCodePoints: 1000 },
]);
