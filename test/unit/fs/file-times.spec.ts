import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { microsecondSeconds, msToNs, setTimesFd, setTimesPath, splitNs } from '../../../src/fs/file-times';
import { fsx } from '../../../src/fs/fsx';
import { removeTemp, tempDir } from '../../helpers/make-tree';

describe('file times to the nanosecond', () => {
  it('splits nanoseconds into whole seconds rounded down and the rest, also before 1970', () => {
    expect(splitNs(1_234_567_890_123_456_789n)).to.deep.equal([1_234_567_890, 123_456_789]);
    expect(splitNs(0n)).to.deep.equal([0, 0]);
    expect(splitNs(-1n)).to.deep.equal([-1, 999_999_999]);
    expect(splitNs(-99_999_999_995n)).to.deep.equal([-100, 5]);
  });

  it('without the helper: seconds for utimes that land on the right microsecond', () => {
    expect(microsecondSeconds(1_500_000_000_123_456_789n)).to.be.closeTo(1_500_000_000.1234565, 1e-7);
    expect(microsecondSeconds(-1_500n) * 1e6).to.be.closeTo(-2.5, 1e-9);
    expect(msToNs(1500.25)).to.equal(1_500_250_000n);
  });

  describe('on a real file', () => {
    let dir: string;
    beforeEach(() => { dir = tempDir('robocurse-times-'); });
    afterEach(() => removeTemp(dir));

    it('sets mtime to the nanosecond (pre-1970, 2100) on a descriptor and on a path, never through a link', () => {
      // The helper is built at install (scripts/build-native.js): the machine running the tests has it.
      expect(fsx, 'robocurse\'s file-system helper must be built here').to.not.equal(undefined);
      const f = path.join(dir, 'f');
      fs.writeFileSync(f, 'x');
      const fd = fs.openSync(f, 'r');
      try {
        setTimesFd(fd, { atimeNs: 5n, mtimeNs: -86_399_999_999_999n }, true);
      } finally {
        fs.closeSync(fd);
      }
      const a = fs.statSync(f, { bigint: true });
      expect(a.mtimeNs).to.equal(-86_399_999_999_999n);
      expect(a.atimeNs).to.equal(5n);
      setTimesPath(f, { atimeNs: 0n, mtimeNs: 4_102_444_800_123_456_789n }, false);
      const b = fs.statSync(f, { bigint: true });
      expect(b.mtimeNs).to.equal(4_102_444_800_123_456_789n);
      expect(b.atimeNs, 'atime left alone').to.equal(5n);
      const link = path.join(dir, 'l');
      fs.symlinkSync('f', link);
      setTimesPath(link, { atimeNs: 0n, mtimeNs: 7_000_000_001n }, false);
      expect(fs.lstatSync(link, { bigint: true }).mtimeNs).to.equal(7_000_000_001n);
      expect(fs.statSync(f, { bigint: true }).mtimeNs, 'the link\'s target untouched').to.equal(4_102_444_800_123_456_789n);
    });

    it('from the open source: its exact mtime, unless the source changed since the stat before the copy', () => {
      expect(fsx, 'robocurse\'s file-system helper must be built here').to.not.equal(undefined);
      const src = path.join(dir, 'src');
      const dst = path.join(dir, 'dst');
      fs.writeFileSync(src, 'old data');
      fs.writeFileSync(dst, 'old data');
      setTimesPath(src, { atimeNs: 0n, mtimeNs: 1_700_000_000_123_456_789n }, true);
      const fd = fs.openSync(src, 'r');
      try {
        const before = fs.fstatSync(fd);
        setTimesPath(dst, { fromFd: fd, mtimeMs: before.mtimeMs }, false);
        expect(fs.statSync(dst, { bigint: true }).mtimeNs, 'to the nanosecond').to.equal(1_700_000_000_123_456_789n);
        expect(fs.statSync(dst, { bigint: true }).atimeNs, 'atime not asked for: left alone').to.not.equal(0n);
        // A writer between the stat and the setting of the times: the copy holds the old data, so
        // it must keep the old time (the next run then copies the new data), not the new one.
        fs.writeFileSync(src, 'new data, longer');
        setTimesPath(src, { atimeNs: 0n, mtimeNs: 1_800_000_000_000_000_000n }, true);
        setTimesPath(dst, { fromFd: fd, mtimeMs: before.mtimeMs }, false);
        const got = fs.statSync(dst, { bigint: true }).mtimeNs;
        expect(got, 'not the changed source\'s time').to.not.equal(1_800_000_000_000_000_000n);
        expect(got, 'the time before the copy, to the microsecond').to.equal(1_700_000_000_123_456_000n);
      } finally {
        fs.closeSync(fd);
      }
    });
  });
});

describe('file times without the helper', () => {
  it('hands Node a time before 1970 as a string (a negative number means "now" to Node)', async () => {
    const { utimesArg } = await import('../../../src/fs/file-times');
    expect(utimesArg(-310_478_400_987_654_321n)).to.equal('-310478400.9876555');
    expect(utimesArg(1_000_000_000n)).to.equal(1.0000005);
    const dir = tempDir('robocurse-times-neg-');
    try {
      const f = path.join(dir, 'f');
      fs.writeFileSync(f, 'x');
      for (const [want, got] of [[-310_478_400_987_654_321n, -310_478_400_987_655_000n], [-1n, -1_000n], [-1_000_000_000n, -1_000_000_000n], [1_234_567_890_123_456_789n, 1_234_567_890_123_456_000n]]) {
        fs.utimesSync(f, utimesArg(0n), utimesArg(want));
        expect(fs.statSync(f, { bigint: true }).mtimeNs, `${want}`).to.equal(got);
      }
    } finally {
      removeTemp(dir);
    }
  });
});
