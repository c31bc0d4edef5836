import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { writeNightlyConfig } from '../../helpers/nightly-config';
import { startCli } from '../../helpers/run-cli';

/**
 * A SIGTERM while an unchanged re-run walks its subtrees on the copy threads (clean-walk.ts):
 * the run stops (exit 3) or had finished (exit 0), writes nothing in the destination (no file
 * rewritten or touched, no temp file left), and the next run like cron completes with every file
 * booked unchanged. Kills are spread over the copy phase (timed on this machine by one re-run
 * first), from the line the run prints before its chunks start, and one comes after its end.
 * The same while a changed re-run's copy threads put directories right (fix-dir.ts): every file
 * is last night's or tonight's, whole, and nothing else is written.
 */
describe('SIGTERM during a re-run (CLI like cron, native engine)', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => { dir = tempDir('robocurse-rerun-kill-'); });
  after(() => removeTemp(dir));

  /** Inode and ctime of every entry under `root` (files and directories): anything written or set has another. */
  function identities(root: string): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (rel: string): void => {
      for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        const st = fs.lstatSync(path.join(root, r), { bigint: true });
        out.set(r, `${st.ino}@${st.ctimeNs}`);
        if (e.isDirectory()) walk(r);
      }
    };
    walk('');
    return out;
  }

  /** 2 chunks (a, b) of 200 leaf directories, three levels deep, with 12 files each: 4,800 files. */
  function twoChunkTree(): TreeSpec {
    const spec: TreeSpec = {};
    for (const top of ['a', 'b']) {
      const t: TreeSpec = {};
      for (let i = 0; i < 10; i++) {
        const mid: TreeSpec = {};
        for (let j = 0; j < 20; j++) {
          const leaf: TreeSpec = {};
          for (let f = 0; f < 12; f++) leaf[`f${f}.dat`] = `${top}${i}${j}${f}`;
          mid[`l${j}`] = leaf;
        }
        t[`m${i}`] = mid;
      }
      spec[top] = t;
    }
    return spec;
  }

  it('stops cleanly at any moment, writes nothing, and the next run finds everything up to date', async () => {
    const src = path.join(dir, 'src');
    const dst = path.join(dir, 'dst');
    makeTree(src, twoChunkTree());
    makeTree(path.join(dir, 'beside'), { 'victim.txt': 'outside the destination' });
    const beside = hashTree(path.join(dir, 'beside'));
    // One chunk per top directory.
    const file = writeNightlyConfig(dir, { chunking: { maxChunkFiles: 3000 } });
    const first = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir });
    expect(first.code, first.stderr + first.stdout).to.equal(0);
    const files = (first.summary!.profiles as Array<Record<string, unknown>>)[0].filesCopied as number;
    expect(files).to.equal(4800);
    const before = identities(dst);

    // The working phase's length on this machine (from the session's start line to exit), so that
    // kills spread over it anywhere: the scan, which compares each directory with its copy (and
    // so does most of an unchanged re-run's work), and the copy.
    const startRerun = async () => {
      const p = startCli(['run', '--config', file, '--all', '--log-level', 'info'], { cwd: dir });
      const t0 = Date.now();
      while (!/session \S+ starting/.test(p.stderrSoFar()) && p.child.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 5));
      return p;
    };
    const timed = await startRerun();
    const phaseStart = Date.now();
    expect((await timed.result).code).to.equal(0);
    const phaseMs = Math.max(50, Date.now() - phaseStart);

    const codes: Array<number | null> = [];
    // The last moment is past the end: the run has finished and is winding down (or gone), exit 0.
    for (const share of [0, 0.1, 0.25, 0.4, 0.6, 0.8, 1.5]) {
      const delayMs = Math.round(share * phaseMs);
      const p = await startRerun();
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      p.child.kill('SIGTERM');
      const r = await p.result;
      codes.push(r.code);
      expect([0, 3], `kill after ${delayMs} ms (copy phase ~${phaseMs} ms): ${r.stderr.slice(-2000)}`).to.include(r.code);
      expect(identities(dst), `kill after ${delayMs} ms: nothing in the destination written, set or left behind`).to.deep.equal(before);
    }
    // Most kills must have landed while the run copied, or the test says nothing.
    expect(codes.filter((c) => c === 3).length, `exit codes ${codes.join(', ')}`).to.be.greaterThan(2);

    const again = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir });
    expect(again.code, again.stderr + again.stdout).to.equal(0);
    const profile = (again.summary!.profiles as Array<Record<string, unknown>>)[0];
    // A killed run that had finished one chunk leaves it done: this run resumes and checks the other (2,400 files each).
    expect(profile.chunksTotal).to.equal(2);
    expect([profile.filesCopied, profile.filesSkipped], JSON.stringify(profile)).to.deep.equal([0, 2400 * (2 - (profile.chunksSkipped as number))]);
    expect(identities(dst)).to.deep.equal(before);
    expect(rsyncDifferences(src, dst)).to.deep.equal([]);
    expect(hashTree(path.join(dir, 'beside'))).to.equal(beside);
  });

  it('a SIGTERM while the copy threads put changed directories right: every file old or new, no temp file, nothing beside; the next run completes', async () => {
    // Tonight 1 file rewritten, 1 deleted and 1 added in each of 150 of the 400 leaves.
    const base = path.join(dir, 'changed');
    const src = path.join(base, 'src');
    const dst = path.join(base, 'dst');
    const night = path.join(base, 'night');
    makeTree(src, twoChunkTree());
    makeTree(path.join(base, 'beside'), { 'victim.txt': 'outside the destination' });
    const beside = hashTree(path.join(base, 'beside'));
    const file = writeNightlyConfig(base, { chunking: { maxChunkFiles: 3000 } });
    expect((await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: base })).code).to.equal(0);
    execFileSync('cp', ['-a', dst, night]);
    const leaves: string[] = [];
    for (const top of ['a', 'b']) for (let i = 0; i < 10; i++) for (let j = 0; j < 20; j += 3) leaves.push(`${top}/m${i}/l${j}`);
    const changed = new Map<string, string>();
    for (const leaf of leaves.slice(0, 150)) {
      fs.writeFileSync(path.join(src, leaf, 'f3.dat'), `rewritten ${leaf}, longer than before`);
      changed.set(`${leaf}/f3.dat`, `rewritten ${leaf}, longer than before`);
      fs.rmSync(path.join(src, leaf, 'f7.dat'));
      fs.writeFileSync(path.join(src, leaf, 'new.dat'), `new in ${leaf}`);
    }
    const startRun = async () => {
      const p = startCli(['run', '--config', file, '--all', '--log-level', 'info'], { cwd: base });
      const t0 = Date.now();
      while (!p.stderrSoFar().includes('compares names') && p.child.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 5));
      return p;
    };
    /** Last night's replica again, and no state: each kill starts from the same place. */
    const reset = (): void => {
      execFileSync('rsync', ['-a', '--delete', `${night}/`, `${dst}/`]);
      fs.rmSync(path.join(base, 'state'), { recursive: true, force: true });
    };
    reset();
    const timed = await startRun();
    const phaseStart = Date.now();
    expect((await timed.result).code).to.equal(0);
    const phaseMs = Math.max(50, Date.now() - phaseStart);

    const codes: Array<number | null> = [];
    for (const share of [0.05, 0.2, 0.35, 0.5, 0.65, 0.8]) {
      reset();
      const nightIds = identities(dst);
      const delayMs = Math.round(share * phaseMs);
      const p = await startRun();
      await new Promise((r) => setTimeout(r, delayMs));
      p.child.kill('SIGTERM');
      const r = await p.result;
      codes.push(r.code);
      const at = `kill after ${delayMs} ms (copy phase ~${phaseMs} ms)`;
      expect([0, 3], `${at}: ${r.stderr.slice(-2000)}`).to.include(r.code);
      const now = identities(dst);
      for (const rel of now.keys()) expect(/\.robocurse-[0-9a-f]{12}\.tmp$/.test(rel), `${at}: temp file ${rel} left behind`).to.equal(false);
      for (const [rel, id] of nightIds) {
        if (!now.has(rel) || now.get(rel) === id || fs.lstatSync(path.join(dst, rel)).isDirectory()) continue;
        // Written: only a file that changed, and then whole with the new content.
        expect(changed.has(rel), `${at}: ${rel} was written though it did not change`).to.equal(true);
        expect(fs.readFileSync(path.join(dst, rel), 'utf8'), `${at}: ${rel}`).to.equal(changed.get(rel));
      }
      for (const rel of [...nightIds.keys()].filter((x) => !now.has(x))) expect(rel, `${at}: only a deleted file may be gone`).to.match(/\/f7\.dat$/);
      expect(hashTree(path.join(base, 'beside')), `${at}: nothing beside`).to.equal(beside);
    }
    expect(codes.filter((c) => c === 3).length, `exit codes ${codes.join(', ')}`).to.be.greaterThan(2);

    const again = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: base });
    expect(again.code, again.stderr + again.stdout).to.equal(0);
    expect(execFileSync('rsync', ['-ain', '--delete', `${src}/`, `${dst}/`], { encoding: 'utf8' }), 'rsync -ain --delete finds nothing').to.equal('');
  });

  it('a SIGTERM in the last milliseconds of a finished run (while the process winds down) still exits 0, never by the signal', async () => {
    const src = path.join(dir, 'small');
    makeTree(src, { a: { 'f.txt': 'a' }, b: { 'g.txt': 'b' } });
    const file = path.join(dir, 'small.json');
    fs.writeFileSync(file, JSON.stringify({
      version: 1, global: { logDir: 'small-logs', stateDir: 'small-state' },
      profiles: { tail: { source: 'small', destination: 'small-dst', mirror: true } },
    }));
    expect((await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir })).code).to.equal(0);
    // From the final progress line to the process's end takes ~20 ms here; before the fix a kill
    // 13-19 ms after it ended the process by SIGTERM (Node frees its heap after restoring the
    // default action), and one near 10 ms did so in the gap between the run's handlers and launch's.
    const outcomes: string[] = [];
    for (let i = 0; i < 30; i++) {
      const p = startCli(['run', '--config', file, '--all', '--log-level', 'info'], { cwd: dir });
      const t0 = Date.now();
      while (!p.stderrSoFar().includes('[Complete]') && p.child.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 1));
      const delay = i % 25;
      if (delay) await new Promise((r) => setTimeout(r, delay));
      p.child.kill('SIGTERM');
      const r = await p.result;
      outcomes.push(`${delay} ms: ${r.code ?? r.signal}`);
    }
    expect(outcomes.filter((o) => !o.endsWith(': 0')), outcomes.join(', ')).to.deep.equal([]);
    expect(rsyncDifferences(src, path.join(dir, 'small-dst'))).to.deep.equal([]);
  });
});
