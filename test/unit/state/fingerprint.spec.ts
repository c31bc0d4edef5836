import { expect } from 'chai';
import type { ProfileConfig } from '../../../src/config/types';
import { normalizeForFingerprint, profileFingerprint } from '../../../src/state/fingerprint';

function profile(over: Partial<ProfileConfig> = {}): ProfileConfig {
  return {
    name: 'docs', source: 'D:\\Data\\Docs', destination: '\\\\nas\\backup\\docs', enabled: true, mirror: true,
    chunking: { mode: 'smart', maxChunkBytes: 10e9, maxChunkFiles: 50000, maxDepth: 5 },
    excludeFiles: ['*.tmp', '~$*'], excludeDirs: ['$RECYCLE.BIN'], snapshot: null, engine: 'robocopy',
    engineOptions: { robocopy: { switches: ['/COPY:DAT'] }, rsync: { args: ['-a'] } },
    retry: { maxAttempts: 3, backoffSeconds: 5, maxBackoffSeconds: 60, engineRetries: 3, engineWaitSeconds: 10 },
    bandwidthLimitMbps: 0, windowsPaths: true, ...over,
  };
}

describe('normalizeForFingerprint', () => {
  it('makes Windows paths insensitive to case, slash direction and trailing separators', () => {
    const forms = ['D:\\Data\\Docs', 'd:\\data\\docs\\', 'D:/Data/Docs/', 'D:\\DATA\\Docs\\\\', 'D:\\Data\\.\\x\\..\\Docs'];
    for (const f of forms) expect(normalizeForFingerprint(f, true), f).to.equal('d:\\data\\docs');
  });

  it('keeps Windows roots and UNC shares recognisable', () => {
    expect(normalizeForFingerprint('C:\\', true)).to.equal('c:\\');
    expect(normalizeForFingerprint('c:/', true)).to.equal('c:\\');
    expect(normalizeForFingerprint('\\\\NAS\\Backup\\', true)).to.equal('\\\\nas\\backup');
    expect(normalizeForFingerprint('//nas/backup/docs/', true)).to.equal('\\\\nas\\backup\\docs');
  });

  it('keeps case on POSIX but ignores trailing and doubled slashes', () => {
    expect(normalizeForFingerprint('/srv/Data/', false)).to.equal('/srv/Data');
    expect(normalizeForFingerprint('/srv//Data///', false)).to.equal('/srv/Data');
    expect(normalizeForFingerprint('/srv/Data', false)).to.not.equal(normalizeForFingerprint('/srv/data', false));
    expect(normalizeForFingerprint('/', false)).to.equal('/');
    expect(normalizeForFingerprint('//', false)).to.equal('/');
  });
});

describe('profileFingerprint', () => {
  const base = profileFingerprint(profile());

  it('is a stable hex hash that ignores path spelling on Windows and exclude order', () => {
    expect(base).to.match(/^[0-9a-f]{64}$/);
    expect(profileFingerprint(profile({ source: 'd:/data/docs/', destination: '\\\\NAS\\Backup\\Docs\\' }))).to.equal(base);
    expect(profileFingerprint(profile({ excludeFiles: ['~$*', '*.tmp'] }))).to.equal(base);
  });

  it('ignores what changes how, not what, is copied', () => {
    const same = profile({ bandwidthLimitMbps: 50, enabled: false, name: 'renamed',
      retry: { maxAttempts: 5, backoffSeconds: 1, maxBackoffSeconds: 2, engineRetries: 0, engineWaitSeconds: 0 },
      snapshot: { provider: 'vss', required: true, options: {} },
      engineOptions: { robocopy: { switches: ['/COPY:DAT'] }, rsync: { args: ['-av', '--delete'] } } });
    expect(profileFingerprint(same)).to.equal(base);
  });

  it('changes with source, destination, chunking, excludes, mirror, engine and the engine\'s options', () => {
    const changed: Partial<ProfileConfig>[] = [
      { source: 'D:\\Data\\Other' },
      { destination: '\\\\nas\\backup\\docs2' },
      { chunking: { mode: 'flat', maxChunkBytes: 10e9, maxChunkFiles: 50000, maxDepth: 5 } },
      { chunking: { mode: 'smart', maxChunkBytes: 5e9, maxChunkFiles: 50000, maxDepth: 5 } },
      { excludeFiles: ['*.tmp'] },
      { excludeDirs: [] },
      { mirror: false },
      { engine: 'rsync' },
      { engineOptions: { robocopy: { switches: ['/COPY:DATSOU'] } } },
    ];
    for (const c of changed) expect(profileFingerprint(profile(c)), JSON.stringify(c)).to.not.equal(base);
  });

  it('treats POSIX paths case-sensitively', () => {
    const p = profile({ windowsPaths: false, source: '/srv/Data', destination: '/mnt/b' });
    expect(profileFingerprint({ ...p, source: '/srv/Data/' })).to.equal(profileFingerprint(p));
    expect(profileFingerprint({ ...p, source: '/srv/data' })).to.not.equal(profileFingerprint(p));
  });
});
