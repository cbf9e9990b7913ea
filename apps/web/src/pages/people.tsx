import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { api, type Profile } from '../api/api';
import { useMe } from '../app';
import { refreshPresence, seedPresence } from '../live/live';
import { Avatar, ErrorText, Loading, PageTitle, UserLink } from '../ui';
import { PostCard } from './feed';

export function ProfilePage() {
  const { handle } = useParams<{ handle: string }>();
  const me = useMe();
  const loaded = useQuery({
    queryKey: ['profile', handle],
    queryFn: async () => {
      const page = await api.profiles.page(handle);
      // The presence dot, kept current by the socket from here on.
      if (page.online !== null) seedPresence([{ userId: page.profile.id, online: page.online }]);
      return page;
    },
  });
  if (loaded.isPending) return <Loading />;
  if (!loaded.data) return <ErrorText error={loaded.error} />;
  const { profile: p, posts } = loaded.data;
  const isMe = me.data?.id === p.id;
  return (
    <>
      <section className="card profile">
        <Avatar user={p} showPresence />
        <PageTitle>{p.displayName}</PageTitle>
        <p className="muted">@{p.handle}</p>
        {p.headline && <p>{p.headline}</p>}
        {p.location && <p className="muted">{p.location}</p>}
        {p.bio && <p>{p.bio}</p>}
        {p.skills.length > 0 && (
          <ul className="row tags" aria-label="Skills">
            {p.skills.map((s) => (
              <li key={s} className="tag">
                {s}
              </li>
            ))}
          </ul>
        )}
        <p className="muted">
          {p.connectionCount} connections · {p.followerCount} followers · {p.followingCount} following
        </p>
        {isMe ? <EditProfile profile={p} /> : <Relationship profile={p} />}
      </section>
      <section aria-label={`Posts by ${p.displayName}`} className="posts">
        <h2>Posts</h2>
        {posts.items.length === 0 && <p>No posts yet.</p>}
        {posts.items.map((post) => (
          <PostCard key={post.id} post={post} />
        ))}
      </section>
    </>
  );
}

/** Connect, follow, message and block buttons for someone else's profile. */
function Relationship({ profile }: { profile: Profile }) {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const rel = profile.relationship;
  const act = useMutation({
    mutationFn: async (action: string): Promise<unknown> => {
      switch (action) {
        case 'connect':
          return api.graph.request(profile.id);
        case 'disconnect':
          return api.graph.disconnect(profile.id);
        case 'follow':
          return api.graph.follow(profile.id);
        case 'unfollow':
          return api.graph.unfollow(profile.id);
        case 'block':
          return api.graph.block(profile.id);
        case 'unblock':
          return api.graph.unblock(profile.id);
        case 'message': {
          const conv = await api.messaging.open([profile.id]);
          navigate(`/messages/${conv.id}`);
          return conv;
        }
        default:
          return undefined;
      }
    },
    onSuccess: () => queryClient.invalidateQueries(),
  });
  const button = (action: string, label: string, danger = false) => (
    <button className={danger ? 'danger' : undefined} onClick={() => act.mutate(action)} disabled={act.isPending}>
      {label}
    </button>
  );
  if (rel?.blocked) return <div className="row">{button('unblock', 'Unblock')}</div>;
  return (
    <>
      <div className="row">
        {rel?.connection === 'connected' && button('disconnect', 'Remove connection')}
        {rel?.connection === 'none' && button('connect', 'Connect')}
        {rel?.connection === 'pending_outgoing' && <span className="tag">Request sent</span>}
        {rel?.connection === 'pending_incoming' && button('connect', 'Accept request')}
        {rel?.following ? button('unfollow', 'Unfollow') : button('follow', 'Follow')}
        {button('message', 'Message')}
        {button('block', 'Block', true)}
      </div>
      {rel?.followedBy && <p className="muted">Follows you</p>}
      <ErrorText error={act.error} />
    </>
  );
}

function EditProfile({ profile }: { profile: Profile }) {
  const queryClient = useQueryClient();
  const [headline, setHeadline] = useState(profile.headline ?? '');
  const save = useMutation({
    mutationFn: () => api.profiles.updateMe({ headline }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['profile'] }),
  });
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label className="grow">
        Headline
        <input value={headline} onChange={(e) => setHeadline(e.target.value)} maxLength={160} />
      </label>
      <button type="submit" disabled={save.isPending}>
        Save
      </button>
      <ErrorText error={save.error} />
    </form>
  );
}

function PersonRow({
  person,
  children,
}: {
  person: Profile | { id: string; handle: string; displayName: string };
  children?: React.ReactNode;
}) {
  return (
    <li className="person">
      <Avatar user={person} />
      <span className="grow">
        <UserLink user={person} /> <span className="muted">@{person.handle}</span>
        {'headline' in person && person.headline && <span className="muted block">{person.headline}</span>}
      </span>
      {children}
    </li>
  );
}

export function Search() {
  const text = new URLSearchParams(useSearch()).get('q') ?? '';
  const [, navigate] = useLocation();
  const [draft, setDraft] = useState(text);
  const results = useQuery({
    queryKey: ['search', text],
    queryFn: () => api.profiles.search(text),
    enabled: text.length > 0,
  });
  return (
    <>
      <PageTitle>Search people</PageTitle>
      <form
        role="search"
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/search?q=${encodeURIComponent(draft.trim())}`);
        }}
      >
        <label className="grow">
          <span className="sr-only">Name, handle, headline or skill</span>
          <input
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="Name, handle, headline or skill"
          />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorText error={results.error} />
      {results.isFetching && <Loading />}
      {results.data && (
        <ul className="people" aria-label="Results">
          {results.data.items.length === 0 && <li>No one found.</li>}
          {results.data.items.map((p) => (
            <PersonRow key={p.id} person={p} />
          ))}
        </ul>
      )}
    </>
  );
}

export function Network() {
  const queryClient = useQueryClient();
  const incoming = useQuery({ queryKey: ['requests', 'incoming'], queryFn: () => api.graph.requests('incoming') });
  const outgoing = useQuery({ queryKey: ['requests', 'outgoing'], queryFn: () => api.graph.requests('outgoing') });
  const suggestions = useQuery({ queryKey: ['suggestions'], queryFn: api.profiles.suggestions });
  const connections = useQuery({ queryKey: ['connections'], queryFn: api.graph.connections });
  const act = useMutation({
    mutationFn: ([action, id]: ['accept' | 'decline' | 'connect' | 'follow', string, string?]): Promise<unknown> =>
      action === 'accept'
        ? api.graph.accept(id)
        : action === 'decline'
          ? api.graph.decline(id)
          : action === 'connect'
            ? api.graph.request(id)
            : api.graph.follow(id),
    onSuccess: (_result, [action, , userId]) => {
      // Now a connection: their presence becomes visible (the socket only reports changes).
      if (action === 'accept' && userId) void refreshPresence([userId]);
      return queryClient.invalidateQueries();
    },
  });
  return (
    <>
      <PageTitle>My network</PageTitle>
      <ErrorText error={act.error} />
      <section aria-labelledby="incoming-h">
        <h2 id="incoming-h">Requests to connect</h2>
        {incoming.data?.items.length === 0 && <p className="muted">No pending requests.</p>}
        <ul className="people">
          {incoming.data?.items.map((r) =>
            r.user ? (
              <PersonRow key={r.id} person={r.user}>
                <button onClick={() => act.mutate(['accept', r.id, r.user?.id])}>Accept</button>
                <button className="secondary" onClick={() => act.mutate(['decline', r.id])}>
                  Decline
                </button>
              </PersonRow>
            ) : null,
          )}
        </ul>
      </section>
      <section aria-labelledby="outgoing-h">
        <h2 id="outgoing-h">Sent requests</h2>
        <ul className="people">
          {outgoing.data?.items.map((r) => (r.user ? <PersonRow key={r.id} person={r.user} /> : null))}
        </ul>
      </section>
      <section aria-labelledby="suggest-h">
        <h2 id="suggest-h">People you may know</h2>
        <ul className="people">
          {suggestions.data?.items.map((p) => (
            <PersonRow key={p.id} person={p}>
              <button onClick={() => act.mutate(['connect', p.id])}>Connect</button>
              <button className="secondary" onClick={() => act.mutate(['follow', p.id])}>
                Follow
              </button>
            </PersonRow>
          ))}
        </ul>
      </section>
      <section aria-labelledby="conn-h">
        <h2 id="conn-h">Connections</h2>
        {connections.data?.items.length === 0 && <p className="muted">No connections yet.</p>}
        <ul className="people">
          {connections.data?.items.map((p) => (
            <PersonRow key={p.id} person={p}>
              <Link href={`/u/${p.handle}`}>Profile</Link>
            </PersonRow>
          ))}
        </ul>
      </section>
    </>
  );
}
