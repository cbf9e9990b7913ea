import type { PostPayload } from '@plaza/realtime';
import type { CommentRow, PostRow } from './post.row';

export interface AuthorView {
  id: string;
  handle: string;
  displayName: string;
}

/** An author the feed has not heard of yet (its user.registered is still on its way) gets an empty card. */
export function authorView(id: string, handle: string | null, displayName: string | null): AuthorView {
  return { id, handle: handle ?? '', displayName: displayName ?? '' };
}

export function postView(row: PostRow): PostPayload {
  return {
    id: row.id,
    author: authorView(row.author_id, row.handle, row.display_name),
    text: row.text,
    visibility: row.visibility,
    createdAt: row.created_at.toISOString(),
    commentCount: row.comment_count,
    reactionCounts: row.reaction_counts,
    viewerReaction: row.viewer_reaction,
  };
}

export interface CommentView {
  id: string;
  postId: string;
  author: AuthorView;
  text: string;
  createdAt: string;
}

export function commentView(row: CommentRow): CommentView {
  return {
    id: row.id,
    postId: row.post_id,
    author: authorView(row.author_id, row.handle, row.display_name),
    text: row.text,
    createdAt: row.created_at.toISOString(),
  };
}
