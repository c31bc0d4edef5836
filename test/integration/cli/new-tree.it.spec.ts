import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, stampOldTimes, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { needsRootReason, NOBODY, withUmask } from '../../helpers/other-user';
import { writeNightlyConfig } from '../../helpers/nightly-config';

/**
 * A full copy into an empty destination: the copy threads make every directory below the chunk
 * roots and put each right in the same task as its listing (clean-walk.ts, fix-dir.ts; issue
 * #17). The directories must come out as the source's (mode and times, a parent's times after its
 * subdirectories were made in it), or, where modes are not kept, widened from the owner-only mode
 * they were made with by the umask; a read-only source directory with subdirectories must not
 * shut an unprivileged run out of its own copy. The CLI runs like cron, as nobody where the tests
 * run as root (an unprivileged run is the one a read-only directory could stop).
 */

/** 3 top directories (chunks) of nested directories with files, modes 0755/0750/0700, and a read-only directory holding subdirectories. */
function sourceTree(): TreeSpec {
  const tree: TreeSpec = { 'root.txt': 'root' };
  for (let d = 0; d < 3; d++) {
    const top: TreeSpec = { 'top.txt': `top ${d}` };
    for (let s = 0; s < 4; s++) {
      const sub: TreeSpec = { deeper: { 'leaf.dat': `leaf ${d}${s}`, empty: {} } };
      for (let f = 0; f < 6; f++) sub[`f${f}.dat`] = `d${d} s${s} f${f}\n`;
      top[`s${s}`] = sub;
    }
    tree[`d${d}`] = top;
  }
  (tree.d1 as TreeSpec)['read only'] = { 'r.txt': 'r', inner: { 'i.txt': 'i', innermost: { 'j.txt': 'j' } } };
  return tree;
}

/** Distinctive modes, then old times on every entry, directories after their contents. */
function stamp(src: string): void {
  fs.chmodSync(path.join(src, 'd0', 's1'), 0o750);
  fs.chmodSync(path.join(src, 'd2', 's3', 'deeper'), 0o700);
  stampOldTimes(src, 3_600, 0.25);
  for (const p of ['read only/inner/innermost', 'read only/inner', 'read only']) {
    const abs = path.join(src, 'd1', p);
    const st = fs.statSync(abs);
    fs.chmodSync(abs, 0o555);
    fs.utimesSync(abs, st.atime, st.mtime);
  }
}

/** Every directory below `root` (itself included) with its permission bits and mtime in ms. */
function dirs(root: string): Map<string, { mode: number; mtimeMs: number }> {
  const out = new Map<string, { mode: number; mtimeMs: number }>();
  const walk = (rel: string): void => {
    const st = fs.lstatSync(path.join(root, rel));
    out.set(rel || '.', { mode: st.mode & 0o7777, mtimeMs: Math.floor(st.mtimeMs) });
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) if (e.isDirectory()) walk(path.join(rel, e.name));
  };
  walk('');
  return out;
}

function chownTree(p: string, uid: number, gid: number): void {
  fs.lchownSync(p, uid, gid);
  if (fs.lstatSync(p).isDirectory()) for (const n of fs.readdirSync(p)) chownTree(path.join(p, n), uid, gid);
}

describe('a full copy into an empty destination: every directory made and put right on the copy threads (CLI like cron)', function () {
  this.timeout(120_000);
  let dir: string;
  let src: string;
  let dst: string;
  // As nobody where the tests run as root: the unprivileged run is the one a read-only directory could shut out.
  const user = needsRootReason() === undefined ? NOBODY : undefined;

  beforeEach(() => {
    dir = tempDir('robocurse-new-tree-');
    src = path.join(dir, 'src');
    dst = path.join(dir, 'dst');
    makeTree(src, sourceTree());
    fs.mkdirSync(path.join(dir, 'beside'));
    fs.writeFileSync(path.join(dir, 'beside', 'keep.txt'), 'not ours');
    if (user) { chownTree(dir, user.uid, user.gid); fs.chmodSync(dir, 0o755); }
    stamp(src);
  });
  afterEach(() => {
    spawnSync('chmod', ['-R', 'u+rwx', dir]);
    removeTemp(dir);
  });

  async function run(profile: Record<string, unknown>, umask = 0o022): Promise<Record<string, unknown>> {
    const file = writeNightlyConfig(dir, { chunking: { maxChunkFiles: 20 }, retry: { maxAttempts: 1 }, ...profile });
    if (user) fs.chownSync(file, user.uid, user.gid);
    const beside = hashTree(path.join(dir, 'beside'));
    const before = hashTree(src);
    const r = await withUmask(umask, () => runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir, env: { XDG_STATE_HOME: path.join(dir, 'xdg') }, ...(user ? { user: user.name } : {}) }));
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stderr).to.equal('');
    const p = (r.summary!.profiles as Array<Record<string, unknown>>)[0];
    expect(p.result).to.equal('Success');
    expect(hashTree(src), 'the source untouched').to.equal(before);
    expect(hashTree(path.join(dir, 'beside')), 'nothing beside the destination touched').to.equal(beside);
    return p;
  }

  it('directories keep their modes and times (a parent\'s after its subdirectories were made), files byte for byte; rsync -a finds nothing to do', async () => {
    const p = await run({});
    expect(p).to.include({ filesCopied: 3 * (1 + 4 * 7) + 1 + 3, filesSkipped: 0 });
    expect(dirs(dst)).to.deep.equal(dirs(src));
    const left = spawnSync('rsync', ['-ain', '--delete', `${src}/`, `${dst}/`], { encoding: 'utf8' });
    expect(left.status).to.equal(0);
    expect(left.stdout.split('\n').filter(Boolean)).to.deep.equal([]);
    expect(fs.readFileSync(path.join(dst, 'd1', 'read only', 'inner', 'innermost', 'j.txt'), 'utf8')).to.equal('j');
  });

  it('modes not kept: each made directory is the source\'s permissions less the umask (027), times kept', async () => {
    await run({ preserve: { modes: false } }, 0o027);
    const want = new Map([...dirs(src)].map(([rel, d]) => [rel, { ...d, mode: d.mode & 0o777 & ~0o027 }]));
    // The destination root is made by the chunk's own listing on the main thread, as before: the same rule.
    expect(dirs(dst)).to.deep.equal(want);
  });
});
