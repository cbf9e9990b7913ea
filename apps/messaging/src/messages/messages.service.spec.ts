import type { Principal } from '@plaza/identity';
import { newTestService } from '@plaza/testing';
import { blockedInDirect } from '../conversations/conversation.errors';
import { ConversationSafety } from '../conversations/conversation-safety.service';
import { ConversationsRepository } from '../conversations/conversations.repository';
import type { MessageDto } from '../delivery/dto/message.dto';
import { MessageDeliveryService } from '../delivery/message-delivery.service';
import { MessageBatcher } from './message-batcher.service';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';

const ME = '00000000-0000-4000-8000-00000000000a';
const CONVERSATION = '00000000-0000-4000-8000-0000000000c1';
const caller = { userId: ME } as Principal;
const send = { text: 'hi', clientMsgId: 'k1' };
const stored = {
  id: 'm1',
  conversationId: CONVERSATION,
  seq: 3,
  senderId: ME,
  text: 'hi',
  clientMsgId: 'k1',
} as MessageDto;

/** The rules of sending (contract: Messaging; v2 blocks). */
describe('MessagesService.send', () => {
  const setup = () => {
    const t = newTestService(MessagesService);
    t.mock(ConversationSafety).assertNotBlockedInDirect.mockResolvedValue(undefined);
    t.mock(MessagesRepository).findByClientMsgId.mockResolvedValue(null);
    t.mock(ConversationsRepository).isMember.mockResolvedValue(true);
    return t;
  };

  it('refuses a send across a block with forbidden and submits nothing', async () => {
    const t = setup();
    t.mock(ConversationSafety).assertNotBlockedInDirect.mockRejectedValue(blockedInDirect());
    await expect(t.sut.send(caller, CONVERSATION, send)).rejects.toMatchObject({ code: 'forbidden', status: 403 });
    expect(t.mock(MessageBatcher).submit).not.toHaveBeenCalled();
  });

  it('answers a retry of a message stored before the block with that message, nothing new', async () => {
    const t = setup();
    t.mock(ConversationSafety).assertNotBlockedInDirect.mockRejectedValue(blockedInDirect());
    t.mock(MessagesRepository).findByClientMsgId.mockResolvedValue(stored);
    await expect(t.sut.send(caller, CONVERSATION, send)).resolves.toEqual({ message: stored, created: false });
    expect(t.mock(MessageBatcher).submit).not.toHaveBeenCalled();
  });

  it('answers not_found to a non-member whose send stored nothing (membership is not revealed)', async () => {
    const t = setup();
    t.mock(MessageBatcher).submit.mockResolvedValue(null);
    t.mock(ConversationsRepository).isMember.mockResolvedValue(false);
    await expect(t.sut.send(caller, CONVERSATION, send)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('answers a clientMsgId already used here with the stored message (idempotent send)', async () => {
    const t = setup();
    t.mock(MessageBatcher).submit.mockResolvedValue(null);
    t.mock(MessagesRepository).findByClientMsgId.mockResolvedValue(stored);
    await expect(t.sut.send(caller, CONVERSATION, send)).resolves.toEqual({ message: stored, created: false });
  });
});

describe('MessagesService.markRead', () => {
  it('relays a moved read position only to members not blocked with the reader', async () => {
    const t = newTestService(MessagesService);
    const safety = t.mock(ConversationSafety);
    safety.assertNotBlockedInDirect.mockResolvedValue(undefined);
    safety.notBlockedWith.mockResolvedValue(['b']);
    t.mock(MessagesRepository).markRead.mockResolvedValue({ advanced: true, seq: 5, otherMemberIds: ['b', 'c'] });
    await t.sut.markRead(caller, CONVERSATION, { seq: 5 });
    expect(safety.notBlockedWith).toHaveBeenCalledWith(ME, ['b', 'c']);
    expect(t.mock(MessageDeliveryService).readAdvanced).toHaveBeenCalledWith(CONVERSATION, ME, 5, ['b']);
  });

  it('answers not_found when the caller is not a member', async () => {
    const t = newTestService(MessagesService);
    t.mock(ConversationSafety).assertNotBlockedInDirect.mockResolvedValue(undefined);
    t.mock(MessagesRepository).markRead.mockResolvedValue(null);
    await expect(t.sut.markRead(caller, CONVERSATION, { seq: 1 })).rejects.toMatchObject({ code: 'not_found' });
    expect(t.mock(MessageDeliveryService).readAdvanced).not.toHaveBeenCalled();
  });
});
