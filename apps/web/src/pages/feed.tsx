import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Page, type Post, type ProfilePage, type ReactionType } from '../api/api';
import { freshPosts } from '../live/live';
import { ErrorText, Loading, PageTitle, UserLink, when } from '../ui';

const REACTIONS: [ReactionType, string][] = [
  ['like', 'Like'],
  ['celebrate', 'Celebrate'],
  ['support', 'Support'],
  ['insightful', 'Insightful'],
];

export function Feed() {
  const queryClient = useQueryClient();
  const feed = useQuery({ queryKey: ['feed'], queryFn: () => api.feed.home() });
  const older = useMutation({
    mutationFn: (cursor: string) => api.feed.home(cursor),
    onSuccess: (page) =>
      queryClient.setQueryData<Page<Post>>(['feed'], (cur) =>
        cur ? { items: [...cur.items, ...page.items], nextCursor: page.nextCursor } : page,
      ),
  });
  return (
    <>
      <PageTitle>Home</PageTitle>
      <Composer />
      <ErrorText error={feed.error} />
      {feed.isPending && <Loading />}
      <section aria-label="Feed" aria-live="polite" className="posts">
        {feed.data?.items.length === 0 && <p>Nothing here yet. Follow people to see their posts.</p>}
        {feed.data?.items.map((p) => (
          <PostCard key={p.id} post={p} />
        ))}
      </section>
      {feed.data?.nextCursor && (
        <button onClick={() => older.mutate(feed.data.nextCursor!)} disabled={older.isPending}>
          Show older posts
        </button>
      )}
      <ErrorText error={older.error} />
    </>
  );
}

function Composer() {
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [visibility, setVisibility] = useState<Post['visibility']>('public');
  const create = useMutation({
    mutationFn: () => api.feed.create(text, visibility),
    onSuccess: (post) => {
      setText('');
      queryClient.setQueryData<Page<Post>>(['feed'], (page) =>
        page && !page.items.some((p) => p.id === post.id) ? { ...page, items: [post, ...page.items] } : page,
      );
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) create.mutate();
  };
  return (
    <form className="card composer" onSubmit={submit}>
      <label htmlFor="new-post">Share something</label>
      <textarea id="new-post" value={text} onChange={(e) => setText(e.target.value)} maxLength={3000} rows={3} />
      <div className="row">
        <label>
          Visible to{' '}
          <select value={visibility} onChange={(e) => setVisibility(e.target.value as Post['visibility'])}>
            <option value="public">Everyone</option>
            <option value="connections">Connections</option>
          </select>
        </label>
        <button type="submit" disabled={create.isPending || !text.trim()}>
          Post
        </button>
      </div>
      <ErrorText error={create.error} />
    </form>
  );
}

export function PostCard({ post }: { post: Post }) {
  const queryClient = useQueryClient();
  const [showComments, setShowComments] = useState(false);
  // The post shows on the home feed and on its author's profile page.
  const patch = (change: (p: Post) => Post) => {
    const update = (page: Page<Post>) => ({
      ...page,
      items: page.items.map((p) => (p.id === post.id ? change(p) : p)),
    });
    queryClient.setQueryData<Page<Post>>(['feed'], (page) => page && update(page));
    queryClient.setQueryData<ProfilePage>(
      ['profile', post.author.handle],
      (data) => data && { ...data, posts: update(data.posts) },
    );
  };
  const react = useMutation({
    mutationFn: (type: ReactionType) =>
      post.viewerReaction === type ? api.feed.unreact(post.id) : api.feed.react(post.id, type),
    onSuccess: (_v, type) =>
      patch((p) => {
        const counts = { ...p.reactionCounts };
        if (p.viewerReaction) counts[p.viewerReaction] = Math.max(0, (counts[p.viewerReaction] ?? 1) - 1);
        const next = p.viewerReaction === type ? null : type;
        if (next) counts[next] = (counts[next] ?? 0) + 1;
        return { ...p, reactionCounts: counts, viewerReaction: next };
      }),
  });
  return (
    <article
      className={`card post ${freshPosts.has(post.id) ? 'fresh' : ''}`}
      aria-label={`Post by ${post.author.displayName}`}
    >
      <header>
        <UserLink user={post.author} /> <time dateTime={post.createdAt}>{when(post.createdAt)}</time>
        {post.visibility === 'connections' && <span className="tag">Connections</span>}
      </header>
      <p className="text">{post.text}</p>
      <div className="row reactions" role="group" aria-label="Reactions">
        {REACTIONS.map(([type, label]) => (
          <button
            key={type}
            className="chip"
            aria-pressed={post.viewerReaction === type}
            onClick={() => react.mutate(type)}
            disabled={react.isPending}
          >
            {label} {post.reactionCounts[type] ? <span>{post.reactionCounts[type]}</span> : null}
          </button>
        ))}
        <button className="chip" aria-expanded={showComments} onClick={() => setShowComments((s) => !s)}>
          {post.commentCount} {post.commentCount === 1 ? 'comment' : 'comments'}
        </button>
      </div>
      <ErrorText error={react.error} />
      {showComments && (
        <Comments post={post} onAdded={() => patch((p) => ({ ...p, commentCount: p.commentCount + 1 }))} />
      )}
    </article>
  );
}

function Comments({ post, onAdded }: { post: Post; onAdded: () => void }) {
  const queryClient = useQueryClient();
  const comments = useQuery({ queryKey: ['comments', post.id], queryFn: () => api.feed.comments(post.id) });
  const [text, setText] = useState('');
  const add = useMutation({
    mutationFn: () => api.feed.comment(post.id, text),
    onSuccess: () => {
      setText('');
      onAdded();
      void queryClient.invalidateQueries({ queryKey: ['comments', post.id] });
    },
  });
  return (
    <section className="comments" aria-label="Comments">
      {comments.isPending && <Loading />}
      <ErrorText error={comments.error} />
      <ul>
        {comments.data?.items.map((c) => (
          <li key={c.id}>
            <UserLink user={c.author} />: {c.text}
          </li>
        ))}
      </ul>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) add.mutate();
        }}
      >
        <label className="grow">
          <span className="sr-only">Write a comment</span>
          <input
            value={text}
            onChange={(e) => setText(e.target.value)}
            maxLength={1000}
            placeholder="Write a comment"
          />
        </label>
        <button type="submit" disabled={add.isPending || !text.trim()}>
          Comment
        </button>
      </form>
      <ErrorText error={add.error} />
    </section>
  );
}
