import { describe, expect, it } from 'vitest';
import { environmentProxy, noProxyMatches } from '../../src/collect/proxy.ts';

const server = (u: string) => new URL(u);

describe('environmentProxy (HTTPS_PROXY / NO_PROXY as client-go reads them)', () => {
  const env = { HTTPS_PROXY: 'http://proxy.corp:3128' };

  it('proxies an https server, with the scheme Go assumes when there is none', () => {
    expect(environmentProxy(server('https://api.prod.example:6443'), env)).toBe('http://proxy.corp:3128');
    expect(environmentProxy(server('https://api.prod.example:6443'), { https_proxy: 'proxy.corp:3128' })).toBe('http://proxy.corp:3128');
    expect(environmentProxy(server('https://api.prod.example:6443'), {})).toBeUndefined();
  });

  it('never proxies loopback or plain-http servers', () => {
    for (const u of ['https://127.0.0.1:6443', 'https://127.3.4.5', 'https://localhost:6443', 'https://[::1]:6443', 'https://[::ffff:127.0.0.1]', 'http://api.prod.example']) {
      expect(environmentProxy(server(u), env), u).toBeUndefined();
    }
    // Go excludes the name localhost only, not its subdomains.
    expect(environmentProxy(server('https://api.localhost:6443'), env)).toBe('http://proxy.corp:3128');
  });

  it('an empty NO_PROXY gives way to no_proxy, as in Go (the first non-empty of the two)', () => {
    expect(environmentProxy(server('https://api.prod.example:6443'), { ...env, NO_PROXY: '', no_proxy: 'prod.example' })).toBeUndefined();
  });

  it('leaves out what NO_PROXY names', () => {
    const withNo = (no: string) => ({ ...env, NO_PROXY: no });
    expect(environmentProxy(server('https://api.prod.example:6443'), withNo('rod.example'))).toBe('http://proxy.corp:3128');
    expect(environmentProxy(server('https://api.prod.example:6443'), withNo('prod.example'))).toBeUndefined();
    expect(environmentProxy(server('https://api.prod.example:6443'), { ...env, no_proxy: '.example' })).toBeUndefined();
    expect(environmentProxy(server('https://10.0.0.1'), withNo('10.0.0.0/8'))).toBeUndefined();
    expect(environmentProxy(server('https://10.0.0.1'), withNo('192.168.0.0/16, 11.0.0.1'))).toBe('http://proxy.corp:3128');
    expect(environmentProxy(server('https://api.prod.example:6443'), withNo('*'))).toBeUndefined();
  });
});

describe('noProxyMatches', () => {
  const cases: [noProxy: string, host: string, port: string, expected: boolean][] = [
    ['example.com', 'example.com', '443', true],
    ['example.com', 'api.example.com', '443', true],
    ['example.com', 'notexample.com', '443', false],
    ['.example.com', 'example.com', '443', false],
    ['.example.com', 'api.example.com', '443', true],
    ['*.example.com', 'api.example.com', '443', true],
    ['example.com:6443', 'example.com', '6443', true],
    ['example.com:6443', 'example.com', '443', false],
    ['10.1.2.3', '10.1.2.3', '443', true],
    ['10.1.2.3', '10.1.2.4', '443', false],
    ['10.0.0.0/8', '10.200.0.1', '443', true],
    ['10.0.0.0/8', 'ten.example', '443', false],
    ['fd00::/8', 'fd00::1', '443', true],
    ['[fd00::1]:443', 'fd00::1', '443', true],
    ['', 'example.com', '443', false],
    [' foo.com , example.com ', 'example.com', '443', true],
  ];
  for (const [no, host, port, expected] of cases) {
    it(`${JSON.stringify(no)} ${expected ? 'matches' : 'does not match'} ${host}:${port}`, () => {
      expect(noProxyMatches(no, host, port)).toBe(expected);
    });
  }
});
