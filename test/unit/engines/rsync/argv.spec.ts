import { expect } from 'chai';
import type { Chunk, Preserve } from '../../../../src/api';
import { buildRsyncArgv, bwlimitKiB, dirOperand, type RsyncArgvOptions } from '../../../../src/engines/rsync/argv';
import { readRsyncEngineOptions } from '../../../../src/engines/rsync/engine-options';
import { RsyncArgumentError } from '../../../../src/engines/rsync/errors';
import { isMidRunLinkSafe, rsyncVersion } from '../../../../src/engines/rsync/link-safety';

function chunk(over: Partial<Chunk> = {}): Chunk {
  return {
    id: 'p:tree:data', profile: 'p', kind: 'tree', relPath: 'data',
    sourcePath: '/srv/src/data', destinationPath: '/mnt/dst/data',
    depth: 1, estimatedFiles: 10, estimatedBytes: 1000, ...over,
  };
}

/** Everything kept but specials (whose --devices depends on the runner's privileges: preserve-flags.spec.ts). */
const PRESERVE: Preserve = {
  owners: true, symlinks: true, hardLinks: true, specials: false, sparse: true, xattrs: true, acls: true,
  modes: true, atimes: false, directoryTimes: true,
};
const KEEP = ['-rt', '-l', '-p', '-o', '-g', '--numeric-ids', '-H', '-A', '-X', '-S'];

function opts(over: Partial<RsyncArgvOptions> = {}): RsyncArgvOptions {
  return { mirror: false, dryRun: false, excludeFiles: [], excludeDirs: [], caseInsensitive: false, preserve: PRESERVE, ...over };
}

const argv = (c: Chunk, o: RsyncArgvOptions, engine: Record<string, unknown> = {}): string[] =>
  buildRsyncArgv(c, o, readRsyncEngineOptions({ rsync: engine }));

/** The switches every job carries, between the attributes and the job-specific part. */
const COMMON = ['--no-human-readable', '--8-bit-output', '--info=progress2,stats2', '--out-format=%i %l %n'];

describe('buildRsyncArgv (golden)', () => {
  it('1: a plain tree chunk copies the directory as an entry of its parent (never through a link), keeping what preserve says', () => {
    expect(argv(chunk(), opts())).to.deep.equal([...KEEP, ...COMMON, '--', '/srv/src/data', '/mnt/dst/']);
  });

  it('2: a files-only chunk excludes every directory', () => {
    expect(argv(chunk({ kind: 'files-only' }), opts())).to.deep.equal([...KEEP, ...COMMON, '--filter=- /data/*/', '--', '/srv/src/data', '/mnt/dst/']);
  });

  it('3: mirror on a tree chunk adds --delete, scoped to the chunk directory (never its parent)', () => {
    expect(argv(chunk(), opts({ mirror: true }))).to.deep.equal([...KEEP, ...COMMON, '--delete', '--', '/srv/src/data', '/mnt/dst/']);
  });

  it('3b: maxDeletes becomes --max-delete (0 included: delete nothing), only with mirror', () => {
    expect(argv(chunk(), opts({ mirror: true, maxDeletes: 25 }))).to.deep.equal([...KEEP, ...COMMON, '--delete', '--max-delete=25', '--', '/srv/src/data', '/mnt/dst/']);
    expect(argv(chunk(), opts({ mirror: true, maxDeletes: 0 }))).to.include('--max-delete=0');
    expect(argv(chunk(), opts({ mirror: false, maxDeletes: 25 })).some((a) => a.startsWith('--max-delete'))).to.equal(false);
  });

  it('4: mirror on a files-only chunk deletes files only (directories stay excluded, hence protected)', () => {
    expect(argv(chunk({ kind: 'files-only' }), opts({ mirror: true }))).to.deep.equal(
      [...KEEP, ...COMMON, '--delete', '--filter=- /data/*/', '--', '/srv/src/data', '/mnt/dst/']);
  });

  it('5: mirror with deleteExcluded keeps subdirectories of a files-only chunk protected', () => {
    expect(argv(chunk({ kind: 'files-only' }), opts({ mirror: true }), { deleteExcluded: true })).to.deep.equal(
      [...KEEP, ...COMMON, '--delete', '--delete-excluded', '--filter=P /data/*/', '--filter=- /data/*/', '--', '/srv/src/data', '/mnt/dst/']);
  });

  it('6: file wildcards exclude files only; dir names and paths exclude directories', () => {
    const a = argv(chunk({ relPath: 'data', sourcePath: '/srv/src/data' }), opts({
      excludeFiles: ['*.tmp', '~$*', 'Thumbs.db'],
      excludeDirs: ['node_modules', 'data/cache/tmp', '/srv/src/data/build', 'other/x', '/elsewhere/y'],
    }));
    expect(a).to.deep.equal([...KEEP, ...COMMON,
      '--filter=- node_modules/', '--filter=- /data/cache/tmp/', '--filter=- /data/build/',
      '--filter=+ *.tmp/', '--filter=- *.tmp', '--filter=+ ~$*/', '--filter=- ~$*', '--filter=+ Thumbs.db/', '--filter=- Thumbs.db',
      '--', '/srv/src/data', '/mnt/dst/']);
  });

  it('7: rsync special characters in literal names are escaped only where rsync reads escapes', () => {
    const a = argv(chunk(), opts({ excludeFiles: ['a[1].txt', 'back\\slash', 'x*[y]', '+ plus', '** deep'], excludeDirs: ['[cache]'] }));
    expect(a.filter((x) => x.startsWith('--filter='))).to.deep.equal([
      '--filter=- \\[cache\\]/',
      '--filter=+ a\\[1\\].txt/', '--filter=- a\\[1\\].txt',
      // No wildcard: rsync takes the backslash literally, so it must not be doubled.
      '--filter=+ back\\slash/', '--filter=- back\\slash',
      '--filter=+ x*\\[y\\]/', '--filter=- x*\\[y\\]',
      // A leading '+ ' stays part of the name: rules are given with --filter, not --exclude.
      '--filter=+ + plus/', '--filter=- + plus',
      // '**' would cross '/' in rsync; robocopy's '**' is just '*'.
      '--filter=+ * deep/', '--filter=- * deep',
    ]);
  });

  it('8: case-insensitive excludes become ASCII letter classes', () => {
    const a = argv(chunk(), opts({ caseInsensitive: true, excludeFiles: ['*.TMP'], excludeDirs: ['Cache', 'DATA/Sub'] }));
    expect(a.filter((x) => x.startsWith('--filter='))).to.deep.equal([
      '--filter=- [cC][aA][cC][hH][eE]/', '--filter=- /data/[sS][uU][bB]/',
      '--filter=+ *.[tT][mM][pP]/', '--filter=- *.[tT][mM][pP]',
    ]);
  });

  it('9: dry run and bandwidth limit (bytes/s → KiB/s, rounded down, at least 1)', () => {
    expect(argv(chunk(), opts({ dryRun: true, bandwidthBytesPerSec: 10 * 1024 * 1024 + 500 }))).to.deep.equal(
      [...KEEP, ...COMMON, '--dry-run', '--bwlimit=10240', '--', '/srv/src/data', '/mnt/dst/']);
    expect(argv(chunk(), opts({ bandwidthBytesPerSec: 100 }))).to.include('--bwlimit=1');
    expect(argv(chunk(), opts({ bandwidthBytesPerSec: 0 })).some((x) => x.startsWith('--bwlimit'))).to.equal(false);
  });

  it('10: paths with spaces, unicode and a leading dash stay single operands after --', () => {
    const a = argv(chunk({ sourcePath: '/srv/my src/Ünïcødé 日本', destinationPath: '-dst/x y', relPath: '' }), opts());
    expect(a.slice(-3)).to.deep.equal(['--', '/srv/my src/Ünïcødé 日本/', './-dst/x y/']);
  });

  it('11: engine options: extra attributes after preserve\'s, then what preserve keeps off switched off; timeout, resumable partial files', () => {
    const a = argv(chunk(), opts({ mirror: true, preserve: { ...PRESERVE, owners: false, hardLinks: false } }), {
      attributes: '-aH --modify-window=1', timeoutSeconds: 600, resumePartial: true,
    });
    expect(a).to.deep.equal(['-rt', '-l', '-p', '-A', '-X', '-S', '-aH', '--modify-window=1',
      '--no-owner', '--no-group', '--no-specials', '--no-devices', '--no-hard-links', '--no-atimes', '--no-omit-dir-times',
      ...COMMON, '--timeout=600', '--partial-dir=.robocurse-partial', '--no-whole-file', '--delete', '--filter=-p .robocurse-partial/',
      '--', '/srv/src/data', '/mnt/dst/']);
  });

  it('12: the old rsync keys hardLinks, acls and xattrs are refused, pointing at preserve', () => {
    for (const key of ['hardLinks', 'acls', 'xattrs']) {
      expect(() => readRsyncEngineOptions({ rsync: { [key]: true } })).to.throw(RsyncArgumentError, `moved to the profile's preserve.${key}`);
    }
  });

  it('13: control characters in paths or patterns are rejected with a named error', () => {
    const expectErr = (fn: () => unknown, code: string): void => {
      try { fn(); expect.fail('should have thrown'); } catch (e) {
        expect(e).to.be.instanceOf(RsyncArgumentError);
        expect((e as RsyncArgumentError).code).to.equal(code);
        expect((e as Error).name).to.equal('RsyncArgumentError');
      }
    };
    expectErr(() => argv(chunk({ sourcePath: '/srv/a\nb' }), opts()), 'RSYNC_UNSAFE_PATH');
    expectErr(() => argv(chunk({ destinationPath: '/mnt/\u001b[2Jx' }), opts()), 'RSYNC_UNSAFE_PATH');
    expectErr(() => argv(chunk({ destinationPath: '' }), opts()), 'RSYNC_UNSAFE_PATH');
    expectErr(() => argv(chunk(), opts({ excludeFiles: ['a\rb'] })), 'RSYNC_UNSAFE_PATTERN');
    expectErr(() => argv(chunk(), opts({ bandwidthBytesPerSec: -5 })), 'RSYNC_BAD_OPTION');
  });

  it('14: shell metacharacters are data, not syntax (no shell is involved)', () => {
    const evil = '/srv/$(rm -rf ~); `id` | tee > x & "q"';
    const a = argv(chunk({ sourcePath: evil, relPath: '' }), opts({ excludeFiles: ['$(id)'] }));
    expect(a).to.include(`${evil}/`);
    expect(a).to.include('--filter=- $(id)');
  });

  it('the root directory stays "/"', () => {
    expect(dirOperand('/', 'source')).to.equal('/');
    expect(dirOperand('/a///', 'source')).to.equal('/a/');
  });

  it('bwlimitKiB', () => {
    expect(bwlimitKiB(undefined)).to.equal(undefined);
    expect(bwlimitKiB(1024)).to.equal(1);
    expect(bwlimitKiB(2047)).to.equal(1);
    expect(bwlimitKiB(125_000_000)).to.equal(122_070);
  });
});

describe('rsync operands and options never follow links', () => {
  it('the root chunk copies the contents of the roots the admin chose (SRC/ DST/)', () => {
    expect(argv(chunk({ relPath: '', sourcePath: '/srv/src', destinationPath: '/mnt/dst' }), opts()).slice(-3))
      .to.deep.equal(['--', '/srv/src/', '/mnt/dst/']);
  });

  it('a deeper chunk is an entry of its parent on both sides, relative paths guarded with ./', () => {
    const a = argv(chunk({ relPath: 'a/b c', sourcePath: 'rel/src/a/b c', destinationPath: '-dst/a/b c' }), opts());
    expect(a.slice(-3)).to.deep.equal(['--', './rel/src/a/b c', './-dst/a/']);
  });

  it('anchored rules start below the chunk directory, whose name is matched literally', () => {
    const a = argv(chunk({ kind: 'files-only', relPath: 'x/w*[1]', sourcePath: '/s/x/w*[1]', destinationPath: '/d/x/w*[1]' }), opts());
    expect(a.filter((x) => x.startsWith('--filter='))).to.deep.equal(['--filter=- /w\\*\\[1\\]/*/']);
    const b = argv(chunk({ relPath: 'x/plain', sourcePath: '/s/x/plain', destinationPath: '/d/x/plain' }), opts({ excludeDirs: ['x/plain/tmp'] }));
    expect(b.filter((x) => x.startsWith('--filter='))).to.deep.equal(['--filter=- /plain/tmp/']);
  });

  it('refuses a chunk whose source and destination do not end in the same name', () => {
    expect(() => argv(chunk({ destinationPath: '/mnt/dst/other' }), opts())).to.throw(RsyncArgumentError, /same directory name/);
  });

  for (const attrs of [['-aK'], ['-a', '-L'], ['-rlptk'], ['-a', '--keep-dirlinks'], ['-a', '--copy-links'], ['-a', '--copy-dirlinks'],
    ['-a', '--copy-unsafe-links'], ['-a', '--keep-d']]) {
    it(`refuses ${attrs.join(' ')}: rsync would follow links`, () => {
      let err: unknown;
      try { buildRsyncArgv(chunk(), opts(), { ...readRsyncEngineOptions({}), attributes: attrs }); } catch (e) { err = e; }
      expect(err).to.be.instanceOf(RsyncArgumentError);
      expect((err as RsyncArgumentError).code).to.equal('RSYNC_BAD_OPTION');
      expect((err as Error).message).to.match(/follow symbolic links/);
    });
  }

  it('keeps options that only sound alike (--copy-dest is not a link option)', () => {
    expect(() => buildRsyncArgv(chunk(), opts(), { ...readRsyncEngineOptions({}), attributes: ['-a', '--copy-devices', '--safe-links'] })).not.to.throw();
  });
});

describe('rsync versions and mid-run link safety', () => {
  it('3.4.0 and later refuse links that appear mid-run; older versions may follow them', () => {
    expect(isMidRunLinkSafe([3, 4, 0])).to.equal(true);
    expect(isMidRunLinkSafe([3, 5, 0])).to.equal(true);
    expect(isMidRunLinkSafe([4, 0, 0])).to.equal(true);
    expect(isMidRunLinkSafe([3, 3, 9])).to.equal(false);
    expect(isMidRunLinkSafe([3, 2, 7])).to.equal(false);
    expect(isMidRunLinkSafe([2, 6, 9])).to.equal(false);
  });

  it('reads the version of the installed rsync', async () => {
    const v = await rsyncVersion('rsync');
    expect(v).to.have.length(3);
    expect(await rsyncVersion('/nonexistent/rsync')).to.equal(undefined);
  });
});

describe('rsync file-only attempts (--files-from)', () => {
  it('below the root: the chunk\'s parent as the source, the list NUL-separated, no --delete even under mirror', () => {
    const a = buildRsyncArgv(chunk(), opts({ mirror: true, maxDeletes: 5 }), readRsyncEngineOptions({ rsync: {} }), undefined, undefined, '/var/log/rc/s/chunks/x-a2.files');
    expect(a).to.deep.equal([...KEEP, ...COMMON, '--files-from=/var/log/rc/s/chunks/x-a2.files', '--from0', '--', '/srv/src/', '/mnt/dst/']);
  });

  it('the root chunk: its own directories as source and destination', () => {
    const root = chunk({ relPath: '', sourcePath: '/srv/src', destinationPath: '/mnt/dst' });
    const a = buildRsyncArgv(root, opts(), readRsyncEngineOptions({ rsync: {} }), undefined, undefined, '/l/x.files');
    expect(a.slice(-4)).to.deep.equal(['--from0', '--', '/srv/src/', '/mnt/dst/']);
    expect(() => buildRsyncArgv(root, opts(), readRsyncEngineOptions({ rsync: {} }), undefined, undefined, '/l/x\n.files')).to.throw(RsyncArgumentError);
  });
});
