import { DomainError } from '@plaza/platform';

/** Not a member, or no such conversation: the same answer, so membership is never revealed. */
export const conversationNotFound = (): DomainError => new DomainError('not_found', 'Conversation not found');

/** A direct conversation across a block (either way): no send, read or typing. */
export const blockedInDirect = (): DomainError => new DomainError('forbidden', 'You cannot message this user');
