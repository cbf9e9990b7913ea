import { createECDH } from 'node:crypto';
import { endpointAllowed, validBrowserKey } from './endpoint-origins';

describe('endpointAllowed', () => {
  const allowed = ['https://fcm.googleapis.com', 'https://*.notify.windows.com', 'http://127.0.0.1:4000'];

  it.each([
    'https://fcm.googleapis.com/fcm/send/abc',
    'https://wns2-par02p.notify.windows.com/w/?token=x',
    'https://a.b.notify.windows.com/x',
    'http://127.0.0.1:4000/push/1',
  ])('allows %s', (endpoint) => expect(endpointAllowed(endpoint, allowed)).toBe(true));

  it.each([
    'https://fcm.googleapis.com.evil.example/x',
    'https://evilfcm.googleapis.com/x',
    'http://fcm.googleapis.com/fcm/send/abc',
    'https://notify.windows.com/x',
    'https://evil.example/notify.windows.com',
    'https://x.notify.windows.com.evil.example/',
    'http://127.0.0.1:4001/push/1',
    'http://localhost:4000/push/1',
    'https://user:pw@fcm.googleapis.com/fcm/send/abc',
    'file:///etc/passwd',
    'not a url',
  ])('refuses %s', (endpoint) => expect(endpointAllowed(endpoint, allowed)).toBe(false));
});

describe('validBrowserKey', () => {
  it('accepts a real P-256 public key and refuses anything else', () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    expect(validBrowserKey(ecdh.getPublicKey().toString('base64url'))).toBe(true);
    expect(validBrowserKey(Buffer.alloc(65, 4).toString('base64url'))).toBe(false);
  });
});
