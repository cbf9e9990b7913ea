import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import { api, type Conversation, type Page } from '../api/api';
import { useMe } from '../app';
import { markRead, mergeMessages, seedPresence, sendMessage, typing, type MessageCache } from '../live/live';
import { Avatar, ErrorText, Loading, PageTitle, useLive, when } from '../ui';

function others(conv: Conversation, meId: string | undefined) {
  return conv.members.filter((m) => m.id !== meId);
}
function convTitle(conv: Conversation, meId: string | undefined): string {
  return (
    conv.title ??
    (others(conv, meId)
      .map((m) => m.displayName)
      .join(', ') ||
      'Just you')
  );
}

export function Conversations() {
  const { id } = useParams<{ id?: string }>();
  const me = useMe();
  const queryClient = useQueryClient();
  // One request for the page: the list, presence and (first time) the open conversation's messages.
  const list = useQuery({
    queryKey: ['conversations'],
    queryFn: async () => {
      const openKey = ['messages', id];
      const page = await api.messaging.load(id && !queryClient.getQueryData(openKey) ? id : undefined);
      if (page.open) {
        const open = page.open;
        queryClient.setQueryData<MessageCache>(openKey, (c) => mergeMessages(c, open.items, open.hasOlder));
      }
      seedPresence(page.presence);
      return page.conversations;
    },
  });
  const current = list.data?.items.find((c) => c.id === id);
  return (
    <div className={`messenger ${id ? 'has-open' : ''}`}>
      <section className="conv-list" aria-labelledby="conv-h">
        <PageTitle>Messages</PageTitle>
        <h2 id="conv-h" className="sr-only">
          Conversations
        </h2>
        <NewConversation />
        {list.isPending && <Loading />}
        <ErrorText error={list.error} />
        <ul>
          {list.data?.items.map((c) => (
            <li key={c.id}>
              <Link href={`/messages/${c.id}`} aria-current={c.id === id ? 'page' : undefined} className="conv">
                {others(c, me.data?.id)[0] && <Avatar user={others(c, me.data?.id)[0]} showPresence />}
                <span className="grow">
                  <strong>{convTitle(c, me.data?.id)}</strong>
                  <span className="muted block">{c.lastMessage?.text ?? 'No messages yet'}</span>
                </span>
                {/* The open conversation is being read (its read receipt may still be on its way). */}
                {c.unreadCount > 0 && c.id !== id && (
                  <span className="badge" aria-label={`${c.unreadCount} unread`}>
                    {c.unreadCount}
                  </span>
                )}
              </Link>
            </li>
          ))}
        </ul>
      </section>
      {id && current ? (
        <ConversationView key={id} conv={current} />
      ) : id && list.isSuccess ? (
        <p>Conversation not found.</p>
      ) : null}
    </div>
  );
}

/** Start a conversation with one or more connections. */
function NewConversation() {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const connections = useQuery({ queryKey: ['connections'], queryFn: api.graph.connections, enabled: open });
  const start = useMutation({
    mutationFn: () => api.messaging.open(chosen),
    onSuccess: async (conv) => {
      setOpen(false);
      setChosen([]);
      await queryClient.invalidateQueries({ queryKey: ['conversations'] });
      navigate(`/messages/${conv.id}`);
    },
  });
  if (!open) return <button onClick={() => setOpen(true)}>New conversation</button>;
  const people = (connections.data?.items ?? []).filter((p) =>
    `${p.displayName} ${p.handle}`.toLowerCase().includes(filter.toLowerCase()),
  );
  return (
    <form
      className="card"
      aria-label="New conversation"
      onSubmit={(e) => {
        e.preventDefault();
        if (chosen.length) start.mutate();
      }}
    >
      <label>
        To
        <input
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder="Filter your connections"
          autoFocus
        />
      </label>
      <fieldset>
        <legend className="sr-only">Connections</legend>
        {connections.data && people.length === 0 && <p className="muted">No connections match.</p>}
        {people.map((p) => (
          <label key={p.id} className="check">
            <input
              type="checkbox"
              checked={chosen.includes(p.id)}
              onChange={(e) => setChosen((c) => (e.target.checked ? [...c, p.id] : c.filter((x) => x !== p.id)))}
            />{' '}
            {p.displayName} <span className="muted">@{p.handle}</span>
          </label>
        ))}
      </fieldset>
      <ErrorText error={start.error} />
      <div className="row">
        <button type="submit" disabled={!chosen.length || start.isPending}>
          Start
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ConversationView({ conv }: { conv: Conversation }) {
  const me = useMe();
  const meId = me.data?.id;
  const live = useLive();
  const queryClient = useQueryClient();
  const key = ['messages', conv.id];
  const messages = useQuery({
    queryKey: key,
    queryFn: async (): Promise<MessageCache> => {
      const page = await api.messaging.messages(conv.id);
      return mergeMessages(queryClient.getQueryData<MessageCache>(key), page.items, page.hasOlder);
    },
    // Live events keep it current; a reconnect that missed too much invalidates it.
    staleTime: Infinity,
  });
  const older = useMutation({
    mutationFn: () => api.messaging.messages(conv.id, messages.data?.items[0]?.seq),
    onSuccess: (page) =>
      queryClient.setQueryData<MessageCache>(key, (c) => mergeMessages(c, page.items, page.hasOlder)),
  });
  const people = others(conv, meId);
  // Read receipts: tell the others how far this person has read.
  const items = messages.data?.items ?? [];
  const lastSeq = items.at(-1)?.seq ?? 0;
  const lastMarked = useRef(0);
  useEffect(() => {
    if (lastSeq > lastMarked.current && live.status === 'online') {
      lastMarked.current = lastSeq;
      markRead(conv.id, lastSeq);
      // Read up to the newest: nothing unread here any more (no need to reload the list for that).
      queryClient.setQueryData<Page<Conversation>>(
        ['conversations'],
        (list) => list && { ...list, items: list.items.map((c) => (c.id === conv.id ? { ...c, unreadCount: 0 } : c)) },
      );
    }
  }, [conv.id, lastSeq, live.status, queryClient]);

  // Keep the newest message in view unless the person scrolled back to read history.
  const scroller = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [items.length]);

  const typists = Object.entries(live.typing[conv.id] ?? {})
    .filter(([userId, until]) => userId !== meId && until > Date.now())
    .map(([userId]) => conv.members.find((m) => m.id === userId)?.displayName ?? 'Someone');
  const reads = live.reads[conv.id] ?? {};
  const myLast = [...items].reverse().find((m) => m.senderId === meId);
  const seenBy = myLast ? people.filter((p) => (reads[p.id] ?? 0) >= myLast.seq).map((p) => p.displayName) : [];
  const name = (senderId: string) => conv.members.find((m) => m.id === senderId)?.displayName ?? 'Someone';

  return (
    <section className="conversation" aria-label={`Conversation with ${convTitle(conv, meId)}`}>
      <header className="row">
        <Link href="/messages" className="back">
          <span aria-hidden="true">←</span> <span className="sr-only">Back to conversations</span>
        </Link>
        {people[0] && <Avatar user={people[0]} showPresence />}
        <h2 className="grow">{convTitle(conv, meId)}</h2>
      </header>
      <ol
        className="messages"
        ref={scroller}
        aria-label="Messages"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
          if (el.scrollTop === 0 && messages.data?.hasOlder && !older.isPending) older.mutate();
        }}
      >
        {messages.data?.hasOlder && (
          <li className="center">
            <button className="secondary" onClick={() => older.mutate()} disabled={older.isPending}>
              Load earlier messages
            </button>
          </li>
        )}
        {messages.isPending && <Loading />}
        {items.map((m) => (
          <li key={m.seq} className={`msg ${m.senderId === meId ? 'mine' : ''}`} data-seq={m.seq}>
            <span className="sr-only">{m.senderId === meId ? 'You' : name(m.senderId)}: </span>
            <span className="bubble">{m.text}</span>
            <time className="muted" dateTime={m.createdAt}>
              {when(m.createdAt)}
            </time>
            {m === myLast && seenBy.length > 0 && <span className="seen">Seen by {seenBy.join(', ')}</span>}
          </li>
        ))}
      </ol>
      <ErrorText error={messages.error ?? older.error} />
      <p className="typing" aria-live="polite">
        {typists.length ? `${typists.join(', ')} ${typists.length > 1 ? 'are' : 'is'} typing…` : ''}
      </p>
      <MessageComposer conversationId={conv.id} />
    </section>
  );
}

function MessageComposer({ conversationId }: { conversationId: string }) {
  const [text, setText] = useState('');
  const send = useMutation({
    mutationFn: (body: string) => sendMessage(conversationId, body),
    // One after another, in the order typed, while the person goes on typing the next one.
    scope: { id: `send:${conversationId}` },
    // Not sent: give the text back, unless something new was typed meanwhile.
    onError: (_err, body) => setText((current) => current || body),
  });
  const submit = () => {
    if (!text.trim()) return;
    setText('');
    send.mutate(text);
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      submit();
    }
  };
  return (
    <form
      className="row composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label htmlFor={`composer-${conversationId}`} className="sr-only">
        Message
      </label>
      <textarea
        id={`composer-${conversationId}`}
        className="grow"
        rows={2}
        value={text}
        maxLength={4000}
        placeholder="Write a message (Enter to send, Shift+Enter for a new line)"
        onChange={(e) => {
          setText(e.target.value);
          typing(conversationId, e.target.value.length > 0);
        }}
        onBlur={() => typing(conversationId, false)}
        onKeyDown={onKey}
      />
      <button type="submit" disabled={!text.trim()}>
        Send
      </button>
      <ErrorText error={send.error} />
    </form>
  );
}
