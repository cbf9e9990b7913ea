import { OutboxService } from '@plaza/events';
import type { Principal } from '@plaza/identity';
import { newTestService } from '@plaza/testing';
import { ProfilesService } from '../profiles/profiles.service';
import { BlocksRepository } from './blocks.repository';
import { type ConnectionRequestRecord, ConnectionRequestsRepository } from './connection-requests.repository';
import { ConnectionsRepository } from './connections.repository';
import { ConnectionsService } from './connections.service';
import { GraphEdgesService } from './graph-edges.service';

const ME = '00000000-0000-4000-8000-00000000000a';
const THEM = '00000000-0000-4000-8000-00000000000b';
const caller = { userId: ME } as Principal;

function pending(fromUserId: string, toUserId: string): ConnectionRequestRecord {
  return {
    id: '00000000-0000-4000-8000-0000000000ff',
    fromUserId,
    toUserId,
    status: 'pending',
    createdAt: new Date('2026-01-01T00:00:00Z'),
  } as ConnectionRequestRecord;
}

/** The rules of a connection request (contract: Profiles and the social graph). */
describe('ConnectionsService.request', () => {
  const setup = () => {
    const t = newTestService(ConnectionsService);
    const blocks = t.mock(BlocksRepository);
    blocks.isBlocked.mockResolvedValue(false);
    t.mock(ConnectionsRepository).areConnected.mockResolvedValue(false);
    t.mock(ConnectionRequestsRepository).findPendingBetween.mockResolvedValue(null);
    t.mock(ProfilesService).ensureProfile.mockResolvedValue(undefined);
    return t;
  };

  it('refuses a request to oneself with 400 and touches nothing', async () => {
    const t = setup();
    await expect(t.sut.request(caller, ME)).rejects.toMatchObject({ status: 400 });
    expect(t.mock(GraphEdgesService).lockPair).not.toHaveBeenCalled();
  });

  it('answers 404 to someone the other user blocked: the block is not revealed', async () => {
    const t = setup();
    t.mock(BlocksRepository).isBlocked.mockImplementation((_manager, blocker, blocked) =>
      Promise.resolve(blocker === THEM && blocked === ME),
    );
    await expect(t.sut.request(caller, THEM)).rejects.toMatchObject({ status: 404 });
    expect(t.mock(ConnectionRequestsRepository).insertPending).not.toHaveBeenCalled();
  });

  it('answers 409 when the caller blocked them, is connected, or already asked', async () => {
    const blockedByMe = setup();
    blockedByMe
      .mock(BlocksRepository)
      .isBlocked.mockImplementation((_manager, blocker, blocked) =>
        Promise.resolve(blocker === ME && blocked === THEM),
      );
    await expect(blockedByMe.sut.request(caller, THEM)).rejects.toMatchObject({ status: 409 });

    const connected = setup();
    connected.mock(ConnectionsRepository).areConnected.mockResolvedValue(true);
    await expect(connected.sut.request(caller, THEM)).rejects.toMatchObject({ status: 409 });

    const asked = setup();
    asked.mock(ConnectionRequestsRepository).findPendingBetween.mockResolvedValue(pending(ME, THEM));
    await expect(asked.sut.request(caller, THEM)).rejects.toMatchObject({ status: 409 });
    for (const t of [blockedByMe, connected, asked])
      expect(t.mock(ConnectionRequestsRepository).insertPending).not.toHaveBeenCalled();
  });

  it('accepts their pending request instead of crossing it (200) and connects the pair', async () => {
    const t = setup();
    const theirs = pending(THEM, ME);
    t.mock(ConnectionRequestsRepository).findPendingBetween.mockResolvedValue(theirs);
    t.mock(ConnectionRequestsRepository).resolve.mockResolvedValue({ ...theirs, status: 'accepted' });
    const outcome = await t.sut.request(caller, THEM);
    expect(outcome).toMatchObject({ created: false, request: { fromUserId: THEM, status: 'accepted' } });
    expect(t.mock(GraphEdgesService).connect).toHaveBeenCalledWith(t.manager, THEM, ME, theirs.id);
    expect(t.mock(ConnectionRequestsRepository).insertPending).not.toHaveBeenCalled();
  });

  it('otherwise stores a pending request (201) and publishes connection.requested in the same transaction', async () => {
    const t = setup();
    const mine = pending(ME, THEM);
    t.mock(ConnectionRequestsRepository).insertPending.mockResolvedValue(mine);
    const outcome = await t.sut.request(caller, THEM);
    expect(outcome).toMatchObject({ created: true, request: { fromUserId: ME, status: 'pending' } });
    expect(t.mock(OutboxService).publish).toHaveBeenCalledWith(t.manager, 'connection.requested', {
      requestId: mine.id,
      fromUserId: ME,
      toUserId: THEM,
    });
  });
});

describe('ConnectionsService.accept / decline', () => {
  it('lets only the recipient answer: anyone else gets 404', async () => {
    const t = newTestService(ConnectionsService);
    t.mock(ConnectionRequestsRepository).findById.mockResolvedValue(
      pending(THEM, '00000000-0000-4000-8000-00000000000c'),
    );
    await expect(t.sut.accept(caller, 'x')).rejects.toMatchObject({ status: 404 });
    await expect(t.sut.decline(caller, 'x')).rejects.toMatchObject({ status: 404 });
    expect(t.mock(ConnectionRequestsRepository).resolve).not.toHaveBeenCalled();
  });

  it('answers 409 when the request was already answered, and connects only on accept', async () => {
    const t = newTestService(ConnectionsService);
    t.mock(ConnectionRequestsRepository).findById.mockResolvedValue(pending(THEM, ME));
    t.mock(ConnectionRequestsRepository).resolve.mockResolvedValueOnce(null);
    await expect(t.sut.accept(caller, 'x')).rejects.toMatchObject({ status: 409 });
    t.mock(ConnectionRequestsRepository).resolve.mockResolvedValueOnce({ ...pending(THEM, ME), status: 'declined' });
    await expect(t.sut.decline(caller, 'x')).resolves.toMatchObject({ status: 'declined' });
    expect(t.mock(GraphEdgesService).connect).not.toHaveBeenCalled();
  });
});
