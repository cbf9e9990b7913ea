import type { DomainEvent } from '@plaza/events';
import { newTestService } from '@plaza/testing';
import type { EntityManager } from 'typeorm';
import { GraphRepository } from '../graph/graph.repository';
import { PostsRepository } from '../posts/posts.repository';
import { TimelineCache } from './timeline.cache';
import { TimelineUpkeepHandler } from './timeline-upkeep.handler';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const ENTRIES = [{ id: 'p1', t: 1 }];
const event = (payload: object) => ({ payload }) as unknown as DomainEvent<never>;

function setup() {
  const t = newTestService(TimelineUpkeepHandler);
  // FEED_SETTINGS is injected by token (position 3).
  Object.assign(t.injected(3), { cacheEnabled: true, timelineCap: 800 });
  t.mock(PostsRepository).entriesOfAuthorFor.mockResolvedValue(ENTRIES);
  return { ...t, graph: t.mock(GraphRepository), cache: t.mock(TimelineCache), m: t.manager as EntityManager };
}

/** The timeline follows the graph read model as the event left it (contract: the feed). */
describe('TimelineUpkeepHandler', () => {
  it('brings a new followee’s posts into the follower’s timeline', async () => {
    const t = setup();
    t.graph.isSource.mockResolvedValue(true);
    await t.sut.onFollowCreated(event({ followerId: A, followeeId: B }), t.m);
    expect(t.cache.add).toHaveBeenCalledWith([A], ENTRIES);
  });

  it('brings nothing in for a late follow.created whose follow is already gone', async () => {
    const t = setup();
    t.graph.isSource.mockResolvedValue(false);
    await t.sut.onFollowCreated(event({ followerId: A, followeeId: B }), t.m);
    expect(t.cache.add).not.toHaveBeenCalled();
  });

  it('keeps an unfollowed author’s posts while a connection still makes them a source', async () => {
    const t = setup();
    t.graph.isSource.mockResolvedValue(true);
    await t.sut.onFollowRemoved(event({ followerId: A, followeeId: B }), t.m);
    expect(t.cache.remove).not.toHaveBeenCalled();
    t.graph.isSource.mockResolvedValue(false);
    await t.sut.onFollowRemoved(event({ followerId: A, followeeId: B }), t.m);
    expect(t.cache.remove).toHaveBeenCalledWith([A], ['p1']);
  });

  it('takes each side’s posts out of the other’s timeline on a block, unless the block is gone again', async () => {
    const t = setup();
    t.graph.isBlockedEitherWay.mockResolvedValue(false);
    await t.sut.onBlockCreated(event({ blockerId: A, blockedId: B }), t.m);
    expect(t.cache.remove).not.toHaveBeenCalled();
    t.graph.isBlockedEitherWay.mockResolvedValue(true);
    await t.sut.onBlockCreated(event({ blockerId: A, blockedId: B }), t.m);
    expect(t.cache.remove).toHaveBeenCalledWith([A], ['p1']);
    expect(t.cache.remove).toHaveBeenCalledWith([B], ['p1']);
  });

  it('on a disconnect, takes connections-only posts out and re-adds what a remaining follow still shows', async () => {
    const t = setup();
    t.graph.isConnected.mockResolvedValue(false);
    t.graph.isSource.mockImplementation((_m, viewer) => Promise.resolve(viewer === A));
    await t.sut.onConnectionRemoved(event({ userAId: A, userBId: B }), t.m);
    expect(t.cache.remove).toHaveBeenCalledTimes(2);
    expect(t.cache.add).toHaveBeenCalledTimes(1);
    expect(t.cache.add).toHaveBeenCalledWith([A], ENTRIES);
  });

  it('does nothing for a disconnect event when the pair is connected again', async () => {
    const t = setup();
    t.graph.isConnected.mockResolvedValue(true);
    await t.sut.onConnectionRemoved(event({ userAId: A, userBId: B }), t.m);
    expect(t.cache.remove).not.toHaveBeenCalled();
  });
});
