import { SafetyGraph } from '@plaza/realtime';
import type { Principal } from '@plaza/identity';
import { newTestService } from '@plaza/testing';
import { MessageDeliveryService } from '../delivery/message-delivery.service';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';

const ME = '00000000-0000-4000-8000-00000000000a';
const THEM = '00000000-0000-4000-8000-00000000000b';
const CONVERSATION = '00000000-0000-4000-8000-0000000000c1';
const caller = { userId: ME } as Principal;

/** The data source is injected by token (type-only import): its transaction runs on the test manager. */
function setup() {
  const t = newTestService(ConversationsService);
  t.injected(0).transaction.mockImplementation((work: (m: unknown) => unknown) => work(t.manager));
  return t;
}

/** The rules of conversations and membership (contract: Messaging). */
describe('ConversationsService', () => {
  it('refuses a conversation with only oneself with bad_request and creates nothing', async () => {
    const t = setup();
    await expect(t.sut.create(caller, { memberIds: [ME.toUpperCase()] })).rejects.toMatchObject({
      code: 'bad_request',
      status: 400,
    });
    expect(t.mock(ConversationsRepository).createDirect).not.toHaveBeenCalled();
  });

  it('answers not_found, nothing created, when a member id is no user', async () => {
    const t = setup();
    t.mock(SafetyGraph).users.mockResolvedValue(new Map([[THEM, null]]));
    await expect(t.sut.create(caller, { memberIds: [THEM] })).rejects.toMatchObject({ code: 'not_found' });
    expect(t.mock(ConversationsRepository).createDirect).not.toHaveBeenCalled();
  });

  it('refuses to leave a direct conversation with forbidden, and ends no typing', async () => {
    const t = setup();
    t.mock(ConversationsRepository).lockForMember.mockResolvedValue({ type: 'direct', memberIds: [ME, THEM] } as never);
    await expect(t.sut.leave(caller, CONVERSATION)).rejects.toMatchObject({ code: 'forbidden' });
    expect(t.mock(ConversationsRepository).leave).not.toHaveBeenCalled();
    expect(t.mock(MessageDeliveryService).typingEnded).not.toHaveBeenCalled();
  });

  it('ends the leaver’s typing for the members who remain in a group', async () => {
    const t = setup();
    t.mock(ConversationsRepository).lockForMember.mockResolvedValue({
      type: 'group',
      memberIds: [ME, THEM, 'c'],
    } as never);
    await t.sut.leave(caller, CONVERSATION);
    expect(t.mock(ConversationsRepository).leave).toHaveBeenCalledWith(t.manager, CONVERSATION, ME);
    expect(t.mock(MessageDeliveryService).typingEnded).toHaveBeenCalledWith(CONVERSATION, ME, [THEM, 'c']);
  });
});
