import { expect } from 'chai';
import { UsageError } from '../../../src/errors/usage-error';
import { parseQueueUrl, REDIS_PASSWORD_ENV } from '../../../src/scaleout/redis-url';

describe('scaleout/parseQueueUrl', () => {
  it('reads host, port and database; default port 6379, database 0', () => {
    expect(parseQueueUrl('redis://10.0.0.5:6380/3', '--queue', {})).to.include({ host: '10.0.0.5', port: 6380, db: 3, tls: false, display: 'redis://10.0.0.5:6380/3' });
    expect(parseQueueUrl('redis://q.example', '--queue', {})).to.include({ host: 'q.example', port: 6379, db: 0 });
  });

  it('rediss:// is TLS; a password in the URL is used but never shown', () => {
    const a = parseQueueUrl('rediss://robo:s%40cret@q:6379', '--queue', {});
    expect(a).to.include({ tls: true, username: 'robo', password: 's@cret' });
    expect(a.display).to.equal('rediss://q:6379');
  });

  it('takes the password from ROBOCURSE_REDIS_PASSWORD when the URL has none', () => {
    expect(parseQueueUrl('redis://q:1', '--queue', { [REDIS_PASSWORD_ENV]: 'pw' }).password).to.equal('pw');
  });

  it('refuses other schemes, a bad database, query strings and control characters, naming the flag', () => {
    for (const bad of ['http://q:1', 'q:6379', 'redis://q:1/abc', 'redis://q:1/0?x=1', 'redis://q\n:1', 'not a url']) {
      expect(() => parseQueueUrl(bad, 'global.queue', {}), bad).to.throw(UsageError, /^global\.queue: /);
    }
  });

  it('an error never repeats the password', () => {
    try {
      parseQueueUrl('http://u:topsecret@q:1', '--queue', {});
      expect.fail('no error');
    } catch (e) {
      expect((e as Error).message).to.not.include('topsecret');
    }
    // Not even when the URL does not parse (a port out of range): the credentials are masked.
    expect(() => parseQueueUrl('redis://u:topsecret@q:99999', '--queue', {})).to.throw(UsageError).that.satisfies((e: Error) => !e.message.includes('topsecret') && e.message.includes('//***@q:99999'));
  });
});
