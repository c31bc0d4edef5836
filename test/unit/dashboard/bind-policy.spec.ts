import { expect } from 'chai';
import * as os from 'node:os';
import { allowedHosts, BindRefusedError, checkBind, isLoopback } from '../../../src/dashboard/bind-policy';
import { bearerToken, newToken, tokenMatches } from '../../../src/dashboard/token';

describe('dashboard bind policy and token', () => {
  it('knows loopback addresses from the rest', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(h), h).to.equal(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'example.com', '128.0.0.1', 'localhost.example.com', '::ffff:10.0.0.1']) expect(isLoopback(h), h).to.equal(false);
  });

  it('refuses a non-loopback bind without TLS unless told --unsafe-no-tls, and then warns', () => {
    expect(checkBind({ host: '127.0.0.1', tls: false, unsafeNoTls: false })).to.equal(undefined);
    expect(() => checkBind({ host: '0.0.0.0', tls: false, unsafeNoTls: false })).to.throw(BindRefusedError, /--host 0\.0\.0\.0.*TLS.*--unsafe-no-tls/);
    expect(checkBind({ host: '0.0.0.0', tls: true, unsafeNoTls: false })).to.equal(undefined);
    expect(checkBind({ host: '0.0.0.0', tls: false, unsafeNoTls: true })).to.match(/WARNING.*clear text/);
  });

  it('answers only to its own Host names, with the bound port', () => {
    expect([...allowedHosts('127.0.0.1', 8123, false, [])].sort()).to.deep.equal(['127.0.0.1:8123', '[::1]:8123', 'localhost:8123']);
    const me = os.hostname().toLowerCase();
    expect([...allowedHosts('10.1.2.3', 443, true, ['dash.example.org', 'proxy.example.org:9443'])].sort())
      .to.deep.equal(['10.1.2.3', '10.1.2.3:443', 'dash.example.org', 'dash.example.org:443', me, `${me}:443`, 'proxy.example.org:9443'].sort());
    expect([...allowedHosts('fd00::1', 8080, false, [])]).to.deep.equal(['[fd00::1]:8080', `${me}:8080`]);
    const wild = allowedHosts('0.0.0.0', 8080, false, []);
    expect(wild.has('127.0.0.1:8080') && wild.has(`${me}:8080`)).to.equal(true);
    expect(wild.has('evil.example:8080') || wild.has('0.0.0.0:8080')).to.equal(false);
  });

  it('makes 256-bit tokens and compares them without leaking length or content', () => {
    const t = newToken();
    expect(Buffer.from(t, 'base64url')).to.have.length(32);
    expect(newToken()).not.to.equal(t);
    expect(tokenMatches(t, t)).to.equal(true);
    expect(tokenMatches(`${t}x`, t)).to.equal(false);
    expect(tokenMatches('', t)).to.equal(false);
    expect(tokenMatches(t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A'), t)).to.equal(false);
    expect(bearerToken(`Bearer ${t}`)).to.equal(t);
    for (const h of [undefined, '', 'bearer x', `Basic ${t}`, `Bearer ${t} extra`, 'Bearer']) expect(bearerToken(h), String(h)).to.equal(undefined);
  });
});
