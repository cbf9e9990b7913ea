import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Notification } from '../api/api';
import { ErrorText, Loading, PageTitle, UserLink, when } from '../ui';

const WHAT: Record<string, string> = {
  'connection.requested': 'wants to connect with you',
  'connection.accepted': 'accepted your request to connect',
  'follow.created': 'started following you',
  'post.commented': 'commented on your post',
  'post.reacted': 'reacted to your post',
};

function describe(n: Notification) {
  return WHAT[n.type] ?? n.type;
}

export function Notifications() {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['notifications'], queryFn: api.notifications.list });
  const readAll = useMutation({
    mutationFn: () => api.notifications.markRead(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
  return (
    <>
      <PageTitle>Notifications</PageTitle>
      {list.isPending && <Loading />}
      <ErrorText error={list.error ?? readAll.error} />
      {!!list.data?.unreadCount && (
        <button onClick={() => readAll.mutate()} disabled={readAll.isPending}>
          Mark all as read
        </button>
      )}
      <ul className="notifications">
        {list.data?.items.length === 0 && <li>Nothing new.</li>}
        {list.data?.items.map((n) => (
          <li key={n.id} className={n.read ? '' : 'unread'}>
            {!n.read && <span className="sr-only">Unread: </span>}
            {n.actor ? <UserLink user={n.actor} /> : 'Someone'} {describe(n)}{' '}
            <time className="muted" dateTime={n.createdAt}>
              {when(n.createdAt)}
            </time>
          </li>
        ))}
      </ul>
    </>
  );
}
