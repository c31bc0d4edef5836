import { expect } from 'chai';
import type { Chunk, CopyOptions } from '../../../src/api';
import { decodeName } from '../../../src/fs/byte-names';
import type { ProfileConfig } from '../../../src/config/types';
import { fromJobData, toJobData } from '../../../src/scaleout/job-data';
import { attemptId } from '../../../src/scaleout/names';

const odd = decodeName(Buffer.from([0x66, 0xff, 0x6f]));

function attempt(): Parameters<typeof toJobData>[0] {
  const chunk: Chunk = {
    id: '0123456789abcdef', profile: 'p', kind: 'tree', relPath: `a/${odd}`, sourcePath: `/srv/src/a/${odd}`,
    destinationPath: `/mnt/dst/a/${odd}`, depth: 2, estimatedFiles: 3, estimatedBytes: 300,
  };
  const options = {
    mirror: true, dryRun: false, excludeFiles: [`*.${odd}`], excludeDirs: [], caseInsensitive: false, engineOptions: { rsync: { x: 1 } },
    bandwidthBytesPerSec: 1000, logger: {} as never, onWarning: () => undefined, logPath: '/coordinator/only.log',
  } as unknown as CopyOptions;
  return {
    sessionId: 's1', profile: { name: 'p', engine: 'rsync', source: '/srv/src', destination: '/mnt/dst', windowsPaths: false } as ProfileConfig,
    chunk, attempt: 2, options, roots: { sourceRoot: '/srv/src', destinationRoot: '/mnt/dst', windowsPaths: false },
  };
}

describe('scaleout/job data', () => {
  it('the attempt id is <session>.<chunk>.a<n>: no colon, never all digits', () => {
    expect(attemptId('20260101-010101-abcdef', '0123456789abcdef', 3)).to.equal('20260101-010101-abcdef.0123456789abcdef.a3');
  });

  it('survives JSON with non-UTF-8 names, carries only plain options, and is rebuilt on the worker\'s mounts', () => {
    const data = JSON.parse(JSON.stringify(toJobData(attempt(), 'id1'))) as unknown;
    expect(JSON.stringify(data)).to.not.include('/coordinator/only.log');
    const parsed = fromJobData(data, (r) => r.replace('/srv/src', '/net/src'));
    if (!parsed.ok) throw new Error(parsed.problem);
    const { chunk, roots, options } = parsed;
    expect(roots.sourceRoot).to.equal('/net/src');
    expect(chunk.relPath).to.equal(`a/${odd}`);
    expect(chunk.sourcePath).to.equal(`/net/src/a/${odd}`);
    expect(chunk.destinationPath).to.equal(`/mnt/dst/a/${odd}`);
    expect(options.excludeFiles).to.deep.equal([`*.${odd}`]);
    expect(options).to.include({ mirror: true, bandwidthBytesPerSec: 1000 });
    expect(options).to.not.have.property('logger');
    expect(options).to.not.have.property('logPath');
  });

  it('refuses data of another version and a chunk path that climbs out of its root', () => {
    const d = toJobData(attempt(), 'id1');
    const problem = (raw: unknown): string => { const r = fromJobData(raw, (x) => x); return r.ok ? 'accepted' : r.problem; };
    expect(problem({ ...d, v: 2 })).to.match(/version 2/);
    expect(problem({ ...d, chunk: { ...d.chunk, relPath: 'a/../../etc' } })).to.match(/climbs out/);
    expect(problem(null)).to.match(/version undefined/);
    expect(problem({ ...d, engine: '' })).to.equal('job data lacks engine');
  });
  it('carries a file-only retry\'s list (non-UTF-8 names intact) and refuses a list that climbs out of the chunk', () => {
    const a = attempt();
    a.options = { ...a.options, onlyFiles: [`x/${odd}.db`, 'plain.txt'] };
    const data = JSON.parse(JSON.stringify(toJobData(a, 'id1'))) as { options: { onlyFiles: string[] } };
    const parsed = fromJobData(data, (r) => r);
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.options.onlyFiles).to.deep.equal([`x/${odd}.db`, 'plain.txt']);
    const whole = fromJobData(JSON.parse(JSON.stringify(toJobData(attempt(), 'id2'))), (r) => r);
    expect(whole.ok && 'onlyFiles' in whole.options).to.equal(false);
    for (const bad of [['../etc/passwd'], ['a//b'], [3]]) {
      const refused = fromJobData({ ...data, options: { ...data.options, onlyFiles: bad } }, (r) => r);
      expect(refused.ok, JSON.stringify(bad)).to.equal(false);
    }
  });
});
