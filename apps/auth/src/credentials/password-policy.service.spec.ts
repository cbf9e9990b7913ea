import { PasswordPolicyService } from './password-policy.service';

/** The password rule (contract: Auth, v2 accounts): length, then guessability with the user's own words. */
describe('PasswordPolicyService.assertStrong', () => {
  const policy = new PasswordPolicyService();

  it('refuses a password outside 10-128 characters with bad_request weak_password', () => {
    expect(() => policy.assertStrong('short1!')).toThrow(
      expect.objectContaining({ code: 'bad_request', reason: 'weak_password', status: 400 }),
    );
    expect(() => policy.assertStrong('x'.repeat(129))).toThrow(expect.objectContaining({ reason: 'weak_password' }));
  });

  it('refuses a common password and one built from the user’s own handle', () => {
    expect(() => policy.assertStrong('password123')).toThrow(expect.objectContaining({ reason: 'weak_password' }));
    expect(() => policy.assertStrong('adalovelace1', ['ada@example.com', 'adalovelace', 'Ada Lovelace'])).toThrow(
      expect.objectContaining({ reason: 'weak_password' }),
    );
  });

  it('accepts a long unpredictable password', () => {
    expect(() => policy.assertStrong('tangerine-osmosis-57-quarry')).not.toThrow();
  });
});
