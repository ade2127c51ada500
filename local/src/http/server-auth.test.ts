import { describe, expect, it } from 'vitest';
import {
  adminAllows,
  crossSiteRefusal,
  isLocalHostHeader,
  isLoopbackAddress,
  readTokenAllows,
} from './server-auth.ts';

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.10.20.30', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['::FFFF:127.0.0.1', true],
    ['10.0.0.5', false],
    ['192.168.1.10', false],
    ['::ffff:10.0.0.5', false],
    ['fe80::1', false],
    ['2001:db8::1', false],
    ['0.0.0.0', false],
    ['127.0.0.256', false],
    ['127.0.0', false],
    ['', false],
    [undefined, false],
  ])('%s is loopback: %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });
});

describe('readTokenAllows', () => {
  const config = { readToken: 'read-secret', adminToken: 'admin-secret' };

  it('lets every read through when no read token is set', () => {
    expect(readTokenAllows({ readToken: null }, { headers: {}, url: '/v1/matches' })).toBe(true);
  });

  it.each([
    [{ authorization: 'Bearer read-secret' }, '/v1/matches', true],
    [{ authorization: 'bearer read-secret' }, '/v1/matches', true],
    [{ authorization: 'Bearer admin-secret' }, '/v1/matches', true],
    [{}, '/v1/matches?limit=5&token=read-secret', true],
    [{}, '/v1/matches', false],
    [{ authorization: 'Bearer wrong' }, '/v1/matches', false],
    [{ authorization: 'read-secret' }, '/v1/matches', false],
    [{}, '/v1/matches?token=read-secre', false],
    [{}, '/v1/matches?token=', false],
  ])('with %o on %s: %s', (headers, url, expected) => {
    expect(readTokenAllows(config, { headers, url })).toBe(expected);
  });
});

describe('adminAllows', () => {
  it('without an admin token, lets this machine through and no one else', () => {
    const local = { host: 'localhost:8080' };
    expect(adminAllows({ adminToken: null }, { headers: local, remoteAddress: '127.0.0.1' })).toBe(true);
    expect(adminAllows({ adminToken: null }, { headers: local, remoteAddress: '::1' })).toBe(true);
    expect(adminAllows({ adminToken: null }, { headers: local, remoteAddress: '10.0.0.5' })).toBe(false);
  });

  it('refuses a loopback request addressed to another name (DNS rebinding)', () => {
    const rebound = { host: 'evil.example:8080' };
    expect(adminAllows({ adminToken: null }, { headers: rebound, remoteAddress: '127.0.0.1' })).toBe(false);
    expect(adminAllows({ adminToken: null }, { headers: {}, remoteAddress: '127.0.0.1' })).toBe(false);
  });

  it('with an admin token, asks for it from everyone', () => {
    const config = { adminToken: 'admin-secret' };
    expect(adminAllows(config, { headers: {}, remoteAddress: '127.0.0.1' })).toBe(false);
    expect(
      adminAllows(config, { headers: { authorization: 'Bearer admin-secret' }, remoteAddress: '10.0.0.5' }),
    ).toBe(true);
  });
});

describe('crossSiteRefusal', () => {
  const host = 'localhost:8080';

  it.each([
    [{ host, 'content-type': 'application/json' }, null],
    [{ host, 'content-type': 'application/json; charset=utf-8', origin: 'http://localhost:8080' }, null],
    [{ host, 'x-geqo-admin': '1' }, null],
    [{ host, authorization: 'Bearer x' }, null],
    [{ host, 'content-type': 'text/plain' }, 415],
    [{ host, 'content-type': 'application/x-www-form-urlencoded' }, 415],
    [{ host, 'content-type': 'multipart/form-data; boundary=x' }, 415],
    [{ host }, 403],
    [{ host, 'content-type': 'application/json', origin: 'http://evil.example' }, 403],
    [{ host, 'x-geqo-admin': '1', origin: 'http://localhost:9999' }, 403],
    [{ host, 'content-type': 'application/json', origin: 'null' }, 403],
  ])('%o is refused with %s', (headers, status) => {
    expect(crossSiteRefusal({ headers })?.status ?? null).toBe(status);
  });

  it('lets an allow-listed origin through', () => {
    const headers = { host, 'content-type': 'application/json', origin: 'https://ops.example.org' };
    expect(crossSiteRefusal({ headers }, ['https://ops.example.org'])).toBeNull();
  });
});

describe('isLocalHostHeader', () => {
  it.each([
    ['localhost', true],
    ['localhost:8080', true],
    ['LOCALHOST:8080', true],
    ['127.0.0.1:8080', true],
    ['[::1]:8080', true],
    ['[::1]', true],
    ['evil.example', false],
    ['evil.example:8080', false],
    ['localhost.evil.example', false],
    ['127.0.0.1.nip.io', false],
    [undefined, false],
  ])('%s: %s', (host, expected) => {
    expect(isLocalHostHeader(host)).toBe(expected);
  });
});
