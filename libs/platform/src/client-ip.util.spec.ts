import { ipBucket } from './client-ip.util';

describe('ipBucket (the unit of per-IP rate limits)', () => {
  it('counts an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(ipBucket('::ffff:10.20.30.40')).toBe('10.20.30.40');
    expect(ipBucket('::FFFF:10.20.30.40')).toBe('10.20.30.40');
    expect(ipBucket('10.20.30.40')).toBe('10.20.30.40');
  });

  it('counts IPv6 per /64, whatever the spelling', () => {
    const bucket = '2001:db8:0:1::/64';
    expect(ipBucket('2001:db8:0:1::1')).toBe(bucket);
    expect(ipBucket('2001:0db8:0000:0001:ffff:ffff:ffff:ffff')).toBe(bucket);
    expect(ipBucket('2001:db8::1:0:0:0:9')).toBe(bucket);
    expect(ipBucket('2001:db8:0:2::1')).not.toBe(bucket);
    expect(ipBucket('::1')).toBe('0:0:0:0::/64');
  });
});
