import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mountBtrfsLoop, type BtrfsLoop } from '../../helpers/btrfs-loop';
import { makeTree, readTree, removeTemp, tempDir, type TreeEntry, type TreeSpec } from '../../helpers/make-tree';
import { sessionEvents, snapshotRows, startRobocurse, waitFor, type SnapshotRow } from './cli-run';

/** 40 files of 160 KiB in 4 folders: about 6.5 MB, 3+ s at 16 Mbit/s. */
function bigTree(): TreeSpec {
  const spec: TreeSpec = {};
  for (let d = 0; d < 4; d++) {
    const dir: TreeSpec = {};
    for (let f = 0; f < 10; f++) dir[`f${f}.bin`] = 160 * 1024;
    spec[`dir${d}`] = dir;
  }
  return spec;
}

/** Files and folders with their content: what "the same tree" means here. */
function contentOf(root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [rel, e] of readTree(root) as Map<string, TreeEntry>) out.set(rel, e.type === 'file' ? `${e.size}:${e.content!.toString('base64')}` : e.type);
  return out;
}

function diff(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const d: string[] = [];
  for (const [k, v] of expected) if (!actual.has(k)) d.push(`missing ${k}`); else if (actual.get(k) !== v) d.push(`differs ${k}`);
  for (const k of actual.keys()) if (!expected.has(k)) d.push(`extra ${k}`);
  return d;
}

describe('btrfs snapshots in a real run (CLI child processes, loop-mounted btrfs)', function () {
  this.timeout(120_000);
  let loop: BtrfsLoop;
  let work: string;
  let writer: ChildProcess | undefined;

  before(() => { loop = mountBtrfsLoop(); });
  after(() => loop?.dispose());
  beforeEach(() => { work = tempDir('robocurse-snaprun-'); });
  afterEach(() => {
    writer?.kill('SIGKILL');
    writer = undefined;
    removeTemp(work);
    // A failed test must not leave snapshots that make the next one fail too.
    for (const s of robocurseSubvolumes()) spawnSync('btrfs', ['subvolume', 'delete', path.join(loop.mountPoint, s)]);
  });

  /** A config with profiles reading from the btrfs subvolume; `mbps` slows every copy down. */
  function config(name: string, profiles: Record<string, { source: string; destination: string }>, mbps: number): string {
    const file = path.join(work, `${name}.json`);
    const p: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(profiles)) {
      p[k] = { ...v, snapshot: { provider: 'btrfs' }, chunking: { mode: 'smart', maxChunkBytes: '1MiB', maxChunkFiles: 5 } };
    }
    fs.writeFileSync(file, JSON.stringify({
      version: 1,
      global: { engine: 'native', maxConcurrentJobs: 2, bandwidthLimitMbps: mbps, stateDir: path.join(work, 'state'), logDir: path.join(work, 'logs'), plugins: [{ use: 'btrfs' }] },
      profiles: p,
    }));
    return file;
  }

  const robocurseSubvolumes = (): string[] => loop.subvolumes().filter((s) => path.basename(s).startsWith('robocurse-'));
  const liveRow = (stateDir: string, profile: string, exclude: Set<number> = new Set()): SnapshotRow | undefined =>
    snapshotRows(stateDir).find((r) => r.profile === profile && r.deleted_at === null && !exclude.has(r.id));

  it('copies the tree as it was at snapshot time while the live tree keeps changing, then deletes the snapshot', async () => {
    const src = path.join(loop.subvolume, 'shares', 'docs');
    const dst = path.join(work, 'dst');
    makeTree(src, bigTree());
    // The live tree changes from before the run until after it: every moment of the scan and copy.
    writer = spawn(process.execPath, [path.join(__dirname, 'live-writer.js'), src, '5'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => writer!.stdout!.once('data', () => resolve()));

    const stateDir = path.join(work, 'state');
    const run = startRobocurse(['run', '--config', config('run', { docs: { source: src, destination: dst } }, 16), '--all', '--log-level', 'warn']);
    let exited = false;
    void run.done.then(() => { exited = true; });
    // Read the snapshot's content the moment it is recorded: that is the reference. The copy is
    // bandwidth-limited to seconds, so the snapshot certainly still exists while this runs.
    const row = await waitFor(() => liveRow(stateDir, 'docs'), 'the snapshot to be recorded', 20_000, () => exited);
    const atSnapshot = contentOf(row.snapshot_path);
    const snapshotMs = Date.now();
    expect(row.snapshot_path.startsWith(path.join(loop.subvolume, '.robocurse-snapshots', 'robocurse-'))).to.equal(true);
    expect(row.snapshot_path.endsWith(path.join('shares', 'docs'))).to.equal(true);

    const result = await run.done;
    const endMs = Date.now();
    writer.kill('SIGKILL');
    expect(result.code, result.stderr).to.equal(0);

    expect(diff(atSnapshot, contentOf(dst))).to.deep.equal([]);
    // ...and the live tree did change during the run, so the equality above means something.
    const live = contentOf(src);
    const changedDuringRun = [...live.keys()].filter((k) => {
      const m = /live-(\d+)-/.exec(k);
      return m && Number(m[1]) > snapshotMs && Number(m[1]) < endMs;
    });
    expect(changedDuringRun.length, 'files the writer created during the copy').to.be.greaterThan(10);
    expect(diff(live, contentOf(dst)).length).to.be.greaterThan(0);

    expect(robocurseSubvolumes()).to.deep.equal([]);
    expect(fs.existsSync(row.snapshot_id)).to.equal(false);
    expect(snapshotRows(stateDir).every((r) => r.deleted_at !== null)).to.equal(true);
    const events = sessionEvents(stateDir, row.session_id);
    expect(events.filter((e) => e.type === 'SnapshotCreated').map((e) => e.data.snapshotId)).to.deep.equal([row.snapshot_id]);
    expect(events.filter((e) => e.type === 'SnapshotDeleted').map((e) => e.data.snapshotId)).to.deep.equal([row.snapshot_id]);
    expect(events.find((e) => e.type === 'ScanComplete')?.data.root).to.equal(row.snapshot_path);
  });

  it('a run killed with SIGKILL mid-copy leaves its snapshot; the next run deletes it as an orphan', async () => {
    const src = path.join(loop.subvolume, 'projects');
    const dst = path.join(work, 'dst');
    makeTree(src, bigTree());
    const stateDir = path.join(work, 'state');
    const first = startRobocurse(['run', '--config', config('slow', { projects: { source: src, destination: dst } }, 8), '--all', '--log-level', 'warn']);
    const row = await waitFor(() => liveRow(stateDir, 'projects'), 'the snapshot to be recorded');
    // Mid-copy: some bytes have arrived, most have not.
    await waitFor(() => (fs.existsSync(dst) && readTree(dst, false).size > 2 ? true : undefined), 'the copy to start');
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).to.equal('SIGKILL');
    expect(robocurseSubvolumes().map((s) => path.basename(s))).to.deep.equal([path.basename(row.snapshot_id)]);

    const second = await startRobocurse(['run', '--config', config('fast', { projects: { source: src, destination: dst } }, 0), '--all', '--log-level', 'warn']).done;
    expect(second.code, second.stderr).to.equal(0);
    expect(robocurseSubvolumes()).to.deep.equal([]);
    const rows = snapshotRows(stateDir);
    expect(rows).to.have.length(2);
    expect(rows.every((r) => r.deleted_at !== null)).to.equal(true);
    const secondSession = rows[1].session_id;
    const deleted = sessionEvents(stateDir, secondSession).filter((e) => e.type === 'SnapshotDeleted').map((e) => e.data.snapshotId);
    expect(deleted).to.deep.equal([row.snapshot_id, rows[1].snapshot_id]);
    expect(diff(contentOf(src), contentOf(dst))).to.deep.equal([]);
  });

  it('a run starting while another runs never deletes the other run\'s snapshot', async () => {
    const slowSrc = path.join(loop.subvolume, 'slow');
    const quickSrc = path.join(loop.subvolume, 'quick');
    makeTree(slowSrc, bigTree());
    makeTree(quickSrc, { 'one.txt': 'one' });
    const stateDir = path.join(work, 'state');
    const cfg = config('both', { slow: { source: slowSrc, destination: path.join(work, 'slow') }, quick: { source: quickSrc, destination: path.join(work, 'quick') } }, 8);
    const a = startRobocurse(['run', '--config', cfg, '--profile', 'slow', '--log-level', 'warn']);
    const rowA = await waitFor(() => liveRow(stateDir, 'slow'), "run A's snapshot to be recorded");

    const b = await startRobocurse(['run', '--config', cfg, '--profile', 'quick', '--log-level', 'warn']).done;
    expect(b.code, b.stderr).to.equal(0);
    expect(fs.existsSync(rowA.snapshot_path), "run A's snapshot after run B").to.equal(true);
    expect(snapshotRows(stateDir).find((r) => r.id === rowA.id)?.deleted_at).to.equal(null);

    const resA = await a.done;
    expect(resA.code, resA.stderr).to.equal(0);
    expect(diff(contentOf(slowSrc), contentOf(path.join(work, 'slow')))).to.deep.equal([]);
    expect(robocurseSubvolumes()).to.deep.equal([]);
  });
});
