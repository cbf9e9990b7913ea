import { CLIENT_IP_HEADER } from './internal-trust';
import { clientContext } from './client.decorator';

describe('clientContext (what @Client() records on sessions and audit entries)', () => {
  const socket = { remoteAddress: '10.0.0.9' };

  it("takes the gateway's client-IP header and the user agent", () => {
    const req = { headers: { [CLIENT_IP_HEADER]: '203.0.113.7', 'user-agent': 'Firefox/140' }, socket };
    expect(clientContext(req)).toEqual({ ip: '203.0.113.7', userAgent: 'Firefox/140' });
  });

  it('falls back to the socket peer when the header is not an IP, and to null without a user agent', () => {
    const req = { headers: { [CLIENT_IP_HEADER]: 'not-an-ip', 'user-agent': '' }, socket };
    expect(clientContext(req)).toEqual({ ip: '10.0.0.9', userAgent: null });
  });

  it('keeps at most 512 characters of the user agent', () => {
    const req = { headers: { 'user-agent': 'x'.repeat(600) }, socket };
    expect(clientContext(req).userAgent).toHaveLength(512);
  });
});
