import type { NotificationPayload } from '@plaza/realtime';
import { authorView } from '../posts/post.view';
import type { NotificationRow } from './notification.row';

export function notificationView(row: NotificationRow): NotificationPayload {
  return {
    id: row.id,
    type: row.type,
    actor: row.actor_id ? authorView(row.actor_id, row.handle, row.display_name) : null,
    subjectId: row.subject_id,
    createdAt: row.created_at.toISOString(),
    read: row.read_at !== null,
  };
}
