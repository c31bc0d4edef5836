import { expect } from 'chai';
import { emptyStats, type CopyResult } from '../../../src/api';
import { compareFacts } from '../../../src/verify/compare-meta';
import { preservedAttributes } from '../../../src/verify/preserved-attributes';
import { inSample } from '../../../src/verify/sample';
import { resultWithVerification } from '../../../src/verify/verify-hook';
import { makeProfile } from '../../helpers/profiles';

const ok: CopyResult = { exitCode: 0, exitMeaning: { severity: 'Success', shouldRetry: false, message: 'copied' }, stats: emptyStats(), errors: [], durationMs: 5, killed: false };
const facts = (o: Partial<{ size: number; mtimeMs: number; mode: number }> = {}) => ({ size: 10, mtimeMs: 1_000_000, ctimeMs: 1, mode: 0o100644, ino: '1', ...o });
const rules = { mtime: true, mode: true, mtimeWindowMs: 2000 };

describe('verify rules', () => {
  it('compareFacts: size first, then a time outside the 2 s window, then mode; equal facts agree', () => {
    expect(compareFacts(facts(), facts(), rules)).to.equal(null);
    expect(compareFacts(facts(), facts({ mtimeMs: 1_002_000 }), rules)).to.equal(null);
    expect(compareFacts(facts(), facts({ size: 9 }), rules)!.kind).to.equal('size');
    expect(compareFacts(facts(), facts({ mtimeMs: 1_002_001 }), rules)!.kind).to.equal('mtime');
    expect(compareFacts(facts(), facts({ mode: 0o100600 }), rules)).to.deep.equal({ kind: 'mode', detail: 'mode 0644 in the source, 0600 in the destination' });
    expect(compareFacts(facts(), facts({ mode: 0o100600, mtimeMs: 0 }), { ...rules, mtime: false, mode: false })).to.equal(null);
  });

  it('inSample: all at 100 %, none at 0, about the share asked for, and another sample with another seed', () => {
    const paths = Array.from({ length: 20_000 }, (_, i) => `dir${i % 37}/file${i}.dat`);
    expect(paths.every((p) => inSample(p, 100, 's'))).to.equal(true);
    expect(paths.some((p) => inSample(p, 0, 's'))).to.equal(false);
    const a = paths.filter((p) => inSample(p, 10, 'session-a'));
    const b = paths.filter((p) => inSample(p, 10, 'session-b'));
    expect(a.length).to.be.within(1700, 2300);
    expect(b.length).to.be.within(1700, 2300);
    expect(a.filter((p) => b.includes(p)).length).to.be.below(a.length / 2);
    expect(paths.filter((p) => inSample(p, 10, 'session-a'))).to.deep.equal(a);
  });

  it('preservedAttributes follows each engine and its switches', () => {
    expect(preservedAttributes(makeProfile('p', { engine: 'native' }), 'linux')).to.deep.equal({ mtime: true, mode: true });
    expect(preservedAttributes(makeProfile('p', { engine: 'native' }), 'win32')).to.deep.equal({ mtime: true, mode: false });
    expect(preservedAttributes(makeProfile('p', { engine: 'rsync' }), 'linux')).to.deep.equal({ mtime: true, mode: true });
    expect(preservedAttributes(makeProfile('p', { engine: 'rsync', engineOptions: { rsync: { attributes: '-rl' } } }), 'linux')).to.deep.equal({ mtime: false, mode: false });
    expect(preservedAttributes(makeProfile('p', { engine: 'rsync', engineOptions: { rsync: { attributes: ['-rt'] } } }), 'linux')).to.deep.equal({ mtime: true, mode: false });
    expect(preservedAttributes(makeProfile('p', { engine: 'rsync', engineOptions: { rsync: { attributes: '-a --no-perms' } } }), 'linux')).to.deep.equal({ mtime: true, mode: false });
    expect(preservedAttributes(makeProfile('p', { engine: 'robocopy', engineOptions: { robocopy: { switches: ['/COPY:DA'] } } }), 'win32')).to.deep.equal({ mtime: false, mode: false });
    expect(preservedAttributes(makeProfile('p', { engine: 'robocopy' }), 'win32')).to.deep.equal({ mtime: true, mode: false });
  });

  it('resultWithVerification: mismatches fail the chunk without retry (or warn); changes in the source warn', () => {
    const v = { mode: 'full' as const, filesChecked: 3, filesHashed: 3, bytesHashed: 9, mismatches: 1, changedInSource: 1, findings: [
      { path: 'a/x', kind: 'content' as const, detail: 'different content' }, { path: 'b', kind: 'changed-in-source' as const, detail: 'changed' }] };
    const failed = resultWithVerification(ok, v, 'fail');
    expect(failed.exitMeaning).to.deep.include({ severity: 'Error', shouldRetry: false });
    expect(failed.exitMeaning.message).to.contain('1 file(s) whose copy does not match (first: a/x: different content)').and.to.contain('1 file(s) changed in the source');
    expect(failed.errors).to.deep.equal([{ path: 'a/x', code: 'VERIFY_CONTENT', message: 'different content' }]);
    expect(resultWithVerification(ok, v, 'warn').exitMeaning.severity).to.equal('Warning');
    expect(resultWithVerification(ok, { ...v, mismatches: 0, findings: [v.findings[1]] }, 'fail').exitMeaning.severity).to.equal('Warning');
    expect(resultWithVerification(ok, { ...v, mismatches: 0, changedInSource: 0, findings: [] }, 'fail')).to.equal(ok);
  });
});
