export type NotificationType =
  'connection.requested' | 'connection.accepted' | 'follow.created' | 'post.commented' | 'post.reacted';

export interface NotificationRow {
  id: string;
  type: NotificationType;
  actor_id: string | null;
  handle: string | null;
  display_name: string | null;
  subject_id: string | null;
  created_at: Date;
  read_at: Date | null;
}
