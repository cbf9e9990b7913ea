import type { DeliveryContent, DueDelivery } from './deliveries.repository';
import type { PushContent } from './fcm.sender';

const NOTIFICATION_TEXT: Record<string, string> = {
  'connection.requested': 'wants to connect with you',
  'connection.accepted': 'accepted your connection request',
  'follow.created': 'started following you',
  'post.commented': 'commented on your post',
  'post.reacted': 'reacted to your post',
};

/**
 * The payload every channel carries (contract: `{type, eventId, title, body, url}`). The message
 * text appears only with previews on; without them the push says only that something arrived.
 */
export function pushContent(row: DueDelivery, actorName: string | undefined, previews: boolean): PushContent {
  const content: DeliveryContent = row.content;
  if ('conversationId' in content) {
    const generic = row.events > 1 ? `${row.events} new messages` : 'New message';
    return {
      type: 'message',
      eventId: row.event_id,
      title: previews && actorName ? actorName : 'New message',
      body: previews ? content.text : generic,
      url: `/conversations/${content.conversationId}`,
    };
  }
  const what = NOTIFICATION_TEXT[content.notificationType] ?? 'sent you a notification';
  return {
    type: 'notification',
    eventId: row.event_id,
    title: 'Plaza',
    body: previews ? `${actorName ?? 'Someone'} ${what}` : 'You have a new notification',
    url: '/notifications',
  };
}
