import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk } from '../../../src/api';
import { decodeName } from '../../../src/fs/byte-names';
import { fileReporter, type FileReport } from '../../../src/files-log/file-report';
import { FilesLog, formatRecord } from '../../../src/files-log/files-log';
import { removeTemp, tempDir } from '../../helpers/make-tree';

const chunk = (sourcePath: string, relPath = 'proj'): Chunk => ({
  id: 'c1', profile: 'p', kind: 'tree', relPath, sourcePath, destinationPath: '/dst/proj', estimatedFiles: 1, estimatedBytes: 1,
} as Chunk);

describe('files.log records (src/files-log)', () => {
  it('fileReporter places a chunk\'s file exactly where path.join would, by concatenation or by join for odd paths', () => {
    const cases: Array<[string, string]> = [
      ['/src/proj', 'a/b.txt'], ['/src/proj/', 'a/b.txt'], ['/src//proj', 'a/b.txt'], ['/src/./proj', 'b.txt'],
      ['/src/proj', 'a/../b.txt'], ['/src/proj', './b.txt'], ['/src/proj', 'a//b.txt'], ['/src/proj', 'a/.'], ['/', 'x'],
      ['/src/proj', '.hidden/..x/...'], ['/src/proj', decodeName(Buffer.from([0x66, 0xff, 0x2f, 0x67]))],
    ];
    for (const [root, rel] of cases) {
      const r = fileReporter('p', chunk(root), false)({ action: 'new', relPath: rel, size: 3 }, 0);
      expect(r.path, `${root} + ${rel}`).to.equal(path.join(root, ...rel.split('/')));
      expect(r.relPath).to.equal(`proj/${rel}`);
    }
    const whole = fileReporter('p', chunk('/src/proj', ''), true)({ action: 'skip', relPath: '' }, 5);
    expect(whole).to.deep.include({ path: '/src/proj', relPath: '', dryRun: true, time: 5 });
  });

  it('formatRecord: plain names as they are; controls, tabs, backslashes in escaped names and bytes that are not UTF-8 as \\xNN', () => {
    const base: FileReport = { time: Date.UTC(2026, 10, 30, 1, 2, 3, 4), profile: 'p', chunkId: 'c1', action: 'new', relPath: 'a/b c\\d.txt', path: '/x', size: 7, dryRun: false };
    expect(formatRecord(base)).to.equal('2026-11-30T01:02:03.004Z\tnew\t7\ta/b c\\d.txt\tc1\t');
    expect(formatRecord({ ...base, relPath: 'tab\there\nnl\u007f' })).to.equal('2026-11-30T01:02:03.004Z\tnew\t7\ttab\\x09here\\x0Anl\\x7F\tc1\t');
    const odd = decodeName(Buffer.from([0x61, 0x5c, 0xfe]));
    expect(formatRecord({ ...base, relPath: odd, size: undefined })).to.equal('2026-11-30T01:02:03.004Z\tnew\t-\ta\\\\\\xFE\tc1\t');
    expect(formatRecord({ ...base, relPath: 'é/日本', error: 'EACCES: no\tway' })).to.equal('2026-11-30T01:02:03.004Z\tnew\t7\té/日本\tc1\tEACCES: no\\x09way');
    expect(formatRecord({ ...base, action: 'delete', isDir: true, entries: 3, chunkId: undefined, size: -1 }))
      .to.equal('2026-11-30T01:02:03.004Z\tdelete\t-\ta/b c\\d.txt/\t-\tdirectory with 2 entries inside');
  });

  describe('FilesLog', () => {
    let dir: string;
    beforeEach(() => { dir = tempDir('robocurse-fileslog-'); });
    afterEach(() => removeTemp(dir));

    const rec = (i: number, time: number, profile = 'p'): FileReport => ({ time, profile, chunkId: 'c1', action: 'new', relPath: `d/f${i}`, path: `/s/d/f${i}`, size: i, dryRun: false });

    it('writes every record in order, each with its own time, once closed (lines gathered into large writes)', async () => {
      const file = path.join(dir, 's1', 'files.log');
      const log = new FilesLog(file, { sessionId: 's1', dryRun: false }, (err) => { throw err; });
      const t0 = Date.UTC(2026, 10, 30);
      for (let i = 0; i < 20_000; i++) log.write(rec(i, t0 + Math.floor(i / 7), i < 10_000 ? 'p' : 'q'));
      await log.close();
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      expect(lines[0]).to.match(/^# robocurse files.log of session s1/);
      expect(lines[1]).to.equal('# profile p');
      const records = lines.filter((l) => l && !l.startsWith('#'));
      expect(records).to.have.length(20_000);
      records.forEach((l, i) => expect(l).to.equal(`${new Date(t0 + Math.floor(i / 7)).toISOString()}\tnew\t${i}\td/f${i}\tc1\t`));
      expect(lines.indexOf('# profile q')).to.equal(10_002);
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    });

    it('a record written during a long run is in the file within a fraction of a second, before the log is closed', async () => {
      const file = path.join(dir, 's2', 'files.log');
      const log = new FilesLog(file, { sessionId: 's2', dryRun: true }, (err) => { throw err; });
      log.write(rec(1, Date.now()));
      await new Promise((r) => setTimeout(r, 600));
      const text = fs.readFileSync(file, 'utf8');
      expect(text).to.contain('# DRY RUN');
      expect(text).to.contain('\tnew\t1\td/f1\tc1\t\n');
      await log.close();
      log.write(rec(2, Date.now()));
      expect(fs.readFileSync(file, 'utf8')).not.to.contain('d/f2');
    });
  });
});
