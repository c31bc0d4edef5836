import { expect } from 'chai';
import * as path from 'node:path';
import type { Chunk } from '../../../../src/api';
import { CONFINE_FAILED, confineExitMeaning, confineRules, rootOf } from '../../../../src/engines/rsync/confine';

const chunk = (relPath: string, src: string, dst: string): Chunk => ({
  id: 'c', profile: 'p', kind: 'tree', relPath, sourcePath: src, destinationPath: dst, depth: 0, estimatedFiles: 0, estimatedBytes: 0,
});

describe('rsync confinement rules (confine.ts)', () => {
  it('finds the roots a chunk was cut from: its path less its relPath', () => {
    expect(rootOf('/srv/data', '')).to.equal('/srv/data');
    expect(rootOf('/srv/data/a/b c', 'a/b c')).to.equal('/srv/data');
    expect(rootOf('/srv/data/a/', 'a')).to.equal('/srv/data');
    expect(rootOf('rel/src/x', 'x')).to.equal(path.resolve('rel/src'));
  });

  it('lets rsync read the source root and the system files, write only the destination root and /dev/null', () => {
    const rules = confineRules(chunk('a/b', '/srv/src/a/b', '/mnt/dst/a/b'), '/usr/bin/rsync', ['/var/log/rc/files-from', undefined]);
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < rules.length; i += 2) pairs.push([rules[i], rules[i + 1]]);
    const of = (opt: string): string[] => pairs.filter(([o]) => o === opt).map(([, p]) => p);
    expect(of('--write')).to.deep.equal(['/dev/null', '/mnt/dst']);
    expect(of('--read')).to.include.members(['/usr', '/lib', '/srv/src']);
    expect(of('--read')).to.not.include('/etc');
    expect(of('--read-file')).to.include.members(['/etc/ld.so.cache', '/etc/passwd', '/usr/bin/rsync', '/var/log/rc/files-from']);
    expect(of('--read-file')).to.not.include('/etc/shadow');
    expect(pairs.every(([o]) => ['--read', '--write', '--read-file'].includes(o))).to.equal(true);
  });

  it("reads confine's own failure (exit 125 with its line on stderr) as Fatal, naming the reason and the way out; anything else is rsync's", () => {
    const m = confineExitMeaning(CONFINE_FAILED, ['robocurse-confine: cannot open /srv/src: Permission denied']);
    expect(m?.severity).to.equal('Fatal');
    expect(m?.shouldRetry).to.equal(false);
    expect(m?.message).to.contain('cannot open /srv/src: Permission denied').and.to.contain('engineOptions.rsync.confine');
    expect(confineExitMeaning(23, ['robocurse-confine: x'])).to.equal(undefined);
    expect(confineExitMeaning(CONFINE_FAILED, ['rsync: some error of its own'])).to.equal(undefined);
    expect(confineExitMeaning(null, [])).to.equal(undefined);
  });
});
