import { expect } from 'chai';
import { ecsRecord, nativeRecord, siemFacts } from '../../../../plugins/siem/siem-record';
import { redactPaths } from '../../../../plugins/siem/redact';
import type { ProfileSummary } from '../../../../src/api';
import { sampleEvents } from '../../../contract/sample-events';

const byType = Object.fromEntries(sampleEvents('s-1').map((e) => [e.type, e]));
const origin = { host: 'fs01', user: 'backup' };

describe('siem: records', () => {
  it('native: core fields, level from eventLevel, data fields flattened', () => {
    const r = nativeRecord(siemFacts(byType.ChunkError, origin, 'none', ''));
    expect(r).to.deep.equal({
      timestamp: byType.ChunkError.timestamp, sessionId: 's-1', seq: byType.ChunkError.seq, host: 'fs01', user: 'backup',
      eventType: 'ChunkError', severity: 'error',
      profile: 'docs', chunkId: 'docs:tree:finance', source: '/srv/data/finance', retryCount: 3, exitCode: 16, message: 'Fatal error',
    });
  });

  it('native: keeps a data field that collides with a core field as data_<key>', () => {
    const r = nativeRecord(siemFacts(byType.ChunkComplete, origin, 'none', ''));
    expect(r.severity).to.equal('warning');
    expect(r.data_severity).to.equal('Warning');
    const start = nativeRecord(siemFacts(byType.SessionStart, origin, 'none', ''));
    expect(start).to.include({ host: 'fs01', user: 'backup' });
    expect(start).not.to.have.property('data_host');
  });

  it('ecs: @timestamp, event.action, event.severity, host.name, user.name, labels.session_id', () => {
    const r = ecsRecord(siemFacts(byType.ChunkRetry, origin, 'none', '')) as Record<string, Record<string, unknown>>;
    expect(r['@timestamp']).to.equal(byType.ChunkRetry.timestamp);
    expect(r.event).to.include({ action: 'ChunkRetry', severity: 4, sequence: byType.ChunkRetry.seq });
    expect(r.log).to.deep.equal({ level: 'warning' });
    expect(r.host).to.deep.equal({ name: 'fs01' });
    expect(r.user).to.deep.equal({ name: 'backup' });
    expect(r.labels).to.deep.equal({ session_id: 's-1' });
    expect(r.robocurse).to.include({ chunkId: 'docs:tree:finance', backoffMs: 5000 });
  });
});

describe('siem: path redaction', () => {
  const data = byType.ProfileComplete.data as ProfileSummary;

  it('redact: replaces path fields at any depth, and the paths quoted in messages', () => {
    const out = redactPaths(data, 'redact', '') as typeof data;
    const chunk = out.failedChunks[0];
    expect(chunk.source).to.equal('<redacted>');
    expect(chunk.errors.map((e) => e.path)).to.deep.equal(['<redacted>', '<redacted>']);
    expect(chunk.message).to.equal('Fatal: cannot read <redacted>');
    expect(JSON.stringify(out)).not.to.include('/srv/data');
    expect(data.failedChunks[0].source).to.include('/srv/data'); // input untouched
  });

  it('hash: the same path gives the same salted token, another salt another token', () => {
    const a = redactPaths({ source: '/x/y', message: 'at /x/y' }, 'hash', 'salt') as Record<string, string>;
    const b = redactPaths({ path: '/x/y' }, 'hash', 'salt') as Record<string, string>;
    const c = redactPaths({ path: '/x/y' }, 'hash', 'other') as Record<string, string>;
    expect(a.source).to.match(/^sha256:[0-9a-f]{16}$/);
    expect(a.message).to.equal(`at ${a.source}`);
    expect(b.path).to.equal(a.source);
    expect(c.path).not.to.equal(a.source);
  });

  it('none: returns the data as it is', () => {
    expect(redactPaths(data, 'none', '')).to.equal(data);
  });
});
