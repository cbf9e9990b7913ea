/** A post as the queries of the feed load it, with its author card and counts. */
export interface PostRow {
  id: string;
  author_id: string;
  handle: string | null;
  display_name: string | null;
  text: string;
  visibility: 'public' | 'connections';
  created_at: Date;
  comment_count: number;
  reaction_counts: Record<string, number>;
  viewer_reaction: string | null;
}

/** What deletion and fan-out need of a post, deleted or not. */
export interface PostHeader {
  id: string;
  author_id: string;
  visibility: 'public' | 'connections';
  created_at: Date;
  deleted_at: Date | null;
}

export interface CommentRow {
  id: string;
  post_id: string;
  author_id: string;
  handle: string | null;
  display_name: string | null;
  text: string;
  created_at: Date;
}

/** A timeline entry: the post id at its (createdAt ms, id) position. */
export interface TimelineEntry {
  id: string;
  t: number;
}
