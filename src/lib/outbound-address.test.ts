import { describe, expect, it } from 'vitest';
import { forbiddenReason, parseOutboundAllow, refusalOf, urlRefusal, NO_ALLOWANCES } from './outbound-address.js';

describe('forbiddenReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.1', 'private'],
    ['192.168.0.10', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.10.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:a9fe:a9fe]', 'cloud metadata'],
    ['64:ff9b::a00:1', 'private'],
    ['224.0.0.1', 'multicast'],
  ])('%s is %s', (address, reason) => {
    expect(forbiddenReason(address)).toBe(reason);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(forbiddenReason(address)).toBeNull();
  });
});

describe('ESCALON_OUTBOUND_ALLOW', () => {
  it('parses CIDRs, addresses and host names, and lists what it cannot read', () => {
    const { policy, errors } = parseOutboundAllow(['10.0.0.0/8', ' ::1 ', 'hooks.internal.example', '10.0.0.0/33', 'not a host']);
    expect(errors).toEqual(['10.0.0.0/33: bad prefix length', 'not a host: neither a CIDR, an address nor a host name']);
    expect(refusalOf(policy, '10.9.9.9', '10.9.9.9')).toBeNull();
    expect(refusalOf(policy, '::1', '::1')).toBeNull();
    expect(refusalOf(policy, 'hooks.internal.example', '192.168.1.1')).toBeNull();
    expect(refusalOf(policy, 'other.example', '192.168.1.1')).toMatch(/other\.example resolves to 192\.168\.1\.1, a private address/);
    expect(refusalOf(policy, '127.0.0.1', '127.0.0.1')).toMatch(/127\.0\.0\.1, a loopback address/);
  });

  it('an allowed IPv4 range also allows its IPv4-mapped IPv6 form', () => {
    const { policy } = parseOutboundAllow(['127.0.0.0/8']);
    expect(refusalOf(policy, '::ffff:127.0.0.1', '::ffff:127.0.0.1')).toBeNull();
  });
});

describe('urlRefusal (when a URL is saved)', () => {
  it('refuses literal forbidden hosts and localhost names, accepts public names', () => {
    expect(urlRefusal(NO_ALLOWANCES, 'http://127.0.0.1:8080/hook')).toMatch(/loopback/);
    expect(urlRefusal(NO_ALLOWANCES, 'http://0x7f000001/')).toMatch(/loopback/);
    expect(urlRefusal(NO_ALLOWANCES, 'http://[::ffff:169.254.169.254]/latest')).toMatch(/metadata/);
    expect(urlRefusal(NO_ALLOWANCES, 'http://localhost:3000/')).toMatch(/localhost resolves to 127\.0\.0\.1/);
    expect(urlRefusal(NO_ALLOWANCES, 'http://api.localhost/')).toMatch(/loopback/);
    expect(urlRefusal(NO_ALLOWANCES, 'ftp://example.com/')).toMatch(/only http and https/);
    expect(urlRefusal(NO_ALLOWANCES, 'https://hooks.slack.com/services/T/B/X')).toBeNull();
    expect(urlRefusal(parseOutboundAllow(['127.0.0.0/8']).policy, 'http://localhost:3000/')).toBeNull();
  });
});
