import { expect } from 'chai';
import { emptyStats } from '../../../../src/api';
import { LineSplitter } from '../../../../src/engines/rsync/line-splitter';
import { parseRsyncOutput } from '../../../../src/engines/rsync/report';
import { parseRsyncInt, parseStatsBlock } from '../../../../src/engines/rsync/stats-block';
import { parseRsyncErrors } from '../../../../src/engines/rsync/stderr-parser';
import { unescapeRsyncName } from '../../../../src/engines/rsync/unescape';
import { parseItemizeLine } from '../../../../src/engines/rsync/progress-parser';
import { capturedRun, fixture, fixtureBytes } from './fixtures';

/** A captured stream as the job hands it to the parser: cut into lines as bytes, joined by '\n'. */
function asJobReads(bytes: Buffer): string {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l));
  s.push(bytes);
  s.end();
  return out.join('\n');
}

describe('parseRsyncOutput on captured rsync 3.5 output', () => {
  it('a first copy with --delete: copied, created and deleted counts', () => {
    const r = parseRsyncOutput(capturedRun('tree-mirror'));
    expect(r.statsFound).to.equal(true);
    expect(r.stats).to.deep.equal({ ...emptyStats(), filesCopied: 7, bytesCopied: 300_012, extrasRemoved: 1, dirsCreated: 3 });
    expect(r.errors).to.deep.equal([]);
    expect(r.notes).to.deep.equal([]);
  });

  it('a re-run over an up-to-date destination: everything skipped', () => {
    const r = parseRsyncOutput(capturedRun('up-to-date'));
    expect(r.stats).to.deep.equal({ ...emptyStats(), filesSkipped: 7, bytesSkipped: 300_012 });
  });

  it('a dry run reports what it would copy', () => {
    expect(parseRsyncOutput(capturedRun('dry-run')).stats).to.include({ filesCopied: 7, bytesCopied: 300_012, dirsCreated: 4 });
  });

  it('a missing source: the change_dir error with its path and ENOENT', () => {
    const r = parseRsyncOutput(capturedRun('missing-source'));
    expect(r.errors.map(({ path, code }) => ({ path, code }))).to.deep.equal([{ path: '/tmp/rsfx/missing', code: 'ENOENT' }]);
    expect(r.stats.filesFailed).to.equal(1);
    expect(r.stats.filesCopied).to.equal(0);
  });

  it('permission denied: per-path errors, failed transfer taken off the copied count, skipped deletion noted', () => {
    const r = parseRsyncOutput(capturedRun('permission-denied'));
    expect(r.errors.map(({ path, code, role, transfer }) => ({ path, code, role, transfer }))).to.deep.equal([
      { path: '/tmp/rsfx/np/src/skip', code: 'EACCES', role: 'sender', transfer: false },
      { path: '/tmp/rsfx/np/src/sub/b.txt', code: 'EACCES', role: 'sender', transfer: true },
    ]);
    expect(r.errors[1].message).to.equal('send_files failed to open "/tmp/rsfx/np/src/sub/b.txt": Permission denied (13)');
    // rsync counted b.txt (2 bytes) as transferred; without sizes (pure parse) only its count is known.
    expect(r.stats).to.include({ filesCopied: 5, filesFailed: 2, bytesCopied: 300_010, extrasRemoved: 1 });
    expect(r.notes).to.deep.equal(['rsync skipped deletions because of I/O errors (mirror incomplete)']);
  });

  it('permission denied with sizes: bytesFailed and bytesCopied corrected', () => {
    const r = parseRsyncOutput(capturedRun('permission-denied'), (p) => (p.endsWith('/b.txt') ? 2 : undefined));
    expect(r.stats).to.include({ bytesCopied: 300_008, bytesFailed: 2 });
  });

  it('a killed run has no statistics block: zeros, not guesses', () => {
    const r = parseRsyncOutput(capturedRun('killed'));
    expect(r.statsFound).to.equal(false);
    expect(r.stats).to.deep.equal(emptyStats());
    expect(r.errors).to.deep.equal([]);
  });

  it("rsync's default ',' grouping (captured without --no-human-readable)", () => {
    const r = parseRsyncOutput({ stdout: fixture('default-grouping.stdout.txt'), stderr: '' });
    expect(r.stats).to.include({ filesCopied: 7, bytesCopied: 300_012, dirsCreated: 4 });
  });
});

describe('parseRsyncOutput on hand-made output', () => {
  it("',' grouping in every counter and breakdown", () => {
    const r = parseRsyncOutput({ stdout: fixture('grouped-handmade.stdout.txt'), stderr: '' });
    expect(r.totals).to.deep.equal({
      files: 1_234_567, regularFiles: 1_200_000, createdDirs: 345, deletedFiles: 1001,
      regularFilesTransferred: 2000, totalFileSize: 9_876_543_210, transferredFileSize: 2_469_134,
    });
    expect(r.stats).to.deep.equal({
      ...emptyStats(), filesCopied: 2000, bytesCopied: 2_469_134, filesSkipped: 1_198_000,
      bytesSkipped: 9_876_543_210 - 2_469_134, extrasRemoved: 1001, dirsCreated: 345,
    });
  });

  it("rsync 3.0's counter names", () => {
    const r = parseRsyncOutput({ stdout: fixture('rsync-3.0-handmade.stdout.txt'), stderr: '' });
    expect(r.stats).to.include({ filesCopied: 6, bytesCopied: 300_011, filesSkipped: 0 });
  });

  it('vanished files are errors (ENOENT) but not failures, and are noted', () => {
    const r = parseRsyncOutput({ stdout: fixture('tree-mirror.stdout.txt'), stderr: fixture('vanished-handmade.stderr.txt') });
    expect(r.errors.map((e) => [e.path, e.code, e.vanished])).to.deep.equal([
      ['/srv/data/tmp/lock.1', 'ENOENT', true], ['/srv/data/tmp/sess\nion', 'ENOENT', true],
    ]);
    expect(r.stats.filesFailed).to.equal(0);
    expect(r.notes).to.deep.equal(['2 source file(s) vanished during the copy']);
  });

  it('receiver errors: ENOSPC, EPERM, quotes inside a name; lines without a path are left to the exit code', () => {
    const errs = parseRsyncErrors(fixture('receiver-errors-handmade.stderr.txt'));
    expect(errs.map(({ path, code, role, transfer }) => ({ path, code, role, transfer }))).to.deep.equal([
      { path: '/backup/data/big.iso', code: 'ENOSPC', role: 'receiver', transfer: true },
      { path: '/backup/data/.small.txt.Xy12Ab', code: 'ENOSPC', role: 'receiver', transfer: true },
      { path: '/backup/data/say "hi".txt', code: 'EPERM', role: 'generator', transfer: false },
      { path: '/backup/data/new dir', code: 'EACCES', role: 'generator', transfer: false },
    ]);
  });

  it('reports a repeated error once', () => {
    const line = 'rsync: [sender] send_files failed to open "/a": Permission denied (13)';
    expect(parseRsyncErrors(`${line}\n${line}\n`)).to.have.length(1);
  });
});

describe('rsync number and name helpers', () => {
  it('parseRsyncInt reads raw and grouped integers, and refuses anything else', () => {
    expect(parseRsyncInt('300011')).to.equal(300011);
    expect(parseRsyncInt('1,234,567')).to.equal(1234567);
    expect(parseRsyncInt('1.234.567')).to.equal(1234567);
    expect(parseRsyncInt('12.34M')).to.equal(undefined);
    expect(parseRsyncInt('1,23')).to.equal(undefined);
  });

  it('parseStatsBlock returns null without a block', () => {
    expect(parseStatsBlock('sending incremental file list\n')).to.equal(null);
  });

  it('unescapeRsyncName decodes \\#ooo escapes, also into UTF-8', () => {
    expect(unescapeRsyncName('new\\#012line')).to.equal('new\nline');
    expect(unescapeRsyncName('caf\\#303\\#251')).to.equal('café');
    expect(unescapeRsyncName('plain \\# text')).to.equal('plain \\# text');
  });

  it('unescapeRsyncName gives bytes that are not UTF-8 as the scanner names them (surrogate-escaped)', () => {
    // rsync without --8-bit-output escapes a Latin-1 é as \#351; with it, the byte comes raw (escaped by LineSplitter).
    expect(unescapeRsyncName('caf\\#351')).to.equal('caf\udce9');
    expect(unescapeRsyncName('caf\udce9\\#012\\#377')).to.equal('caf\udce9\n\udcff');
    expect(unescapeRsyncName('d\udcfc/\udcff')).to.equal('d\udcfc/\udcff');
  });
});

describe('rsync output with names that are not UTF-8 (captured, rsync 3.5)', () => {
  const run = { stdout: asJobReads(fixtureBytes('latin1-names.stdout.txt')), stderr: asJobReads(fixtureBytes('latin1-names.stderr.txt')) };

  it('errors name the real files: the path reaches the file, the message shows the byte as \\xNN', () => {
    const r = parseRsyncOutput(run);
    expect(r.errors.map(({ path, code }) => ({ path, code }))).to.deep.equal([
      { path: '/tmp/rsfx/src/caf\udce9', code: 'EACCES' },
      { path: '/tmp/rsfx/src/ctl\u0001x', code: 'EACCES' },
    ]);
    expect(r.errors[0].message).to.equal('send_files failed to open "/tmp/rsfx/src/caf\\xE9": Permission denied (13)');
    expect(r.stats.filesFailed).to.equal(2);
    expect(r.stats.filesCopied).to.equal(2);
  });

  it('a file rsync could not make way for (a non-empty directory in its place) is a failed path', () => {
    const r = parseRsyncOutput({ stdout: asJobReads(fixtureBytes('blocked-latin1.stdout.txt')), stderr: asJobReads(fixtureBytes('blocked-latin1.stderr.txt')) });
    expect(r.errors).to.deep.equal([{
      path: 'caf\udce9.txt', code: 'RSYNC', role: 'generator', transfer: false, vanished: false,
      message: 'could not make way for new regular file: caf\\xE9.txt',
    }]);
    expect(r.stats.filesFailed).to.equal(1);
    expect(r.notes).to.include('some non-empty directories could not be deleted');
  });

  it('per-file lines carry the names as the scanner has them', () => {
    const items = run.stdout.split('\n').map((l) => parseItemizeLine(l)).filter((x) => x !== undefined).map((x) => x.name);
    expect(items).to.include.members(['d\udcfc/', 'd\udcfc/\udcff', 'ok']);
  });
});
