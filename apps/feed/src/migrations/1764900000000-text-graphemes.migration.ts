import { createTextBoundsMigration } from '@plaza/database';

/** Post and comment text limits count user-perceived characters; the database bounds storage only. */
export const FeedTextGraphemes1764900000000 = createTextBoundsMigration('FeedTextGraphemes1764900000000', [
  { table: 'feed.posts', column: 'text', constraint: 'posts_text_check', maxCodePoints: 30000 },
  { table: 'feed.comments', column: 'text', constraint: 'comments_text_check', maxCodePoints: 10000 },
]);
