import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileChildLedger } from '../../../src/process/file-child-ledger';
import type { ChildRecord, RecordOwner, ScratchRecord } from '../../../src/process/ledger-records';
import { reapLeftovers } from '../../../src/process/reap-leftovers';
import { processIdentity } from '../../../src/state/process-identity';
import { removeTemp, tempDir } from '../../helpers/make-tree';
import { recordingLogger } from '../../helpers/recording-logger';
import { deadPid } from '../../unit/state/state-test-kit';

const alive = (pid: number): boolean => {
  try { return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
};

/** Real processes, real pids: what the start-of-run reaper kills, and what it must never kill. */
describe('reapLeftovers (real processes)', function () {
  this.timeout(60_000);
  let dir: string;
  const spawned: ChildProcess[] = [];
  beforeEach(() => { dir = tempDir('robocurse-reaper-'); });
  afterEach(() => {
    for (const c of spawned.splice(0)) { try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* gone */ } }
    removeTemp(dir);
  });

  /** A group leader with a member, like rsync and its receiver: `sh` running `sleep` twice. */
  function group(): ChildProcess {
    const c = spawn('sh', ['-c', 'sleep 300 & sleep 300; wait'], { detached: true, stdio: 'ignore' });
    spawned.push(c);
    return c;
  }
  const ledger = (): string => path.join(dir, 'children');
  function write(name: string, record: ChildRecord | ScratchRecord): void {
    fs.mkdirSync(ledger(), { recursive: true });
    fs.writeFileSync(path.join(ledger(), name), JSON.stringify(record));
  }
  const deadOwner = (): RecordOwner => ({ pid: deadPid(), host: os.hostname(), identity: null, sessionId: 'dead-session' });
  const childRecord = (pid: number, identity: string | null, owner = deadOwner()): ChildRecord => ({
    v: 1, kind: 'child', owner, pid, identity, pgid: pid, command: 'rsync', startedAtMs: Date.now(),
  });

  it('kills the whole process group of a dead run, and removes its record', async () => {
    const c = group();
    await new Promise((r) => setTimeout(r, 300));
    const members = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n) && alive(Number(n)) && (() => { try { return fs.readFileSync(`/proc/${n}/stat`, 'utf8').split(') ')[1].split(' ')[2] === String(c.pid); } catch { return false; } })());
    expect(members.length).to.equal(3);
    write('1-1.json', childRecord(c.pid!, processIdentity(c.pid!)));
    const report = await reapLeftovers(ledger(), recordingLogger());
    expect(report.killed).to.have.length(1);
    for (const m of members) expect(alive(Number(m)), `member ${m}`).to.equal(false);
    expect(fs.readdirSync(ledger())).to.deep.equal([]);
  });

  it('never kills a pid whose start identity differs from the record (a reused pid)', async () => {
    const c = group();
    const id = processIdentity(c.pid!)!;
    const other = `${id.slice(0, id.lastIndexOf(':'))}:${Number(id.slice(id.lastIndexOf(':') + 1)) - 1}`;
    write('1-1.json', childRecord(c.pid!, other));
    const report = await reapLeftovers(ledger(), recordingLogger());
    expect(report.killed).to.deep.equal([]);
    expect(alive(c.pid!)).to.equal(true);
  });

  it('never kills the children of a run whose robocurse is alive (this process, or another session)', async () => {
    const c = group();
    write('1-1.json', childRecord(c.pid!, processIdentity(c.pid!), { pid: process.pid, host: os.hostname(), identity: processIdentity(process.pid), sessionId: 'live' }));
    const report = await reapLeftovers(ledger(), recordingLogger());
    expect(report.killed).to.deep.equal([]);
    expect(alive(c.pid!)).to.equal(true);
    expect(fs.readdirSync(ledger())).to.have.length(1);
  });

  it('leaves records of another host alone (a shared state directory)', async () => {
    const c = group();
    write('1-1.json', childRecord(c.pid!, processIdentity(c.pid!), { ...deadOwner(), host: 'some-other-host' }));
    await reapLeftovers(ledger(), recordingLogger());
    expect(alive(c.pid!)).to.equal(true);
    expect(fs.readdirSync(ledger())).to.have.length(1);
  });

  it('removes a recorded scratch directory, but never a symlink in its place nor a directory with another name', async () => {
    const victim = path.join(dir, 'victim');
    fs.mkdirSync(victim);
    fs.writeFileSync(path.join(victim, 'keep.txt'), 'not robocurse\'s');
    const scratch = path.join(dir, 'dst', '.robocurse-tmp-0123456789abcdef');
    fs.mkdirSync(scratch, { recursive: true });
    fs.writeFileSync(path.join(scratch, '.big.AbC123'), 'temp');
    fs.symlinkSync(victim, path.join(scratch, 'link-out')); // removed as a link, never followed
    const swapped = path.join(dir, 'dst', '.robocurse-tmp-fedcba9876543210');
    fs.symlinkSync(victim, swapped);
    const misnamed = path.join(dir, 'dst', 'users-own-dir');
    fs.mkdirSync(misnamed);
    for (const [i, d] of [scratch, swapped, misnamed].entries()) write(`1-${i}.json`, { v: 1, kind: 'scratch', owner: deadOwner(), dir: d });
    const report = await reapLeftovers(ledger(), recordingLogger());
    expect(report.scratchRemoved).to.deep.equal([scratch]);
    expect(fs.existsSync(scratch)).to.equal(false);
    expect(fs.readFileSync(path.join(victim, 'keep.txt'), 'utf8')).to.equal('not robocurse\'s');
    expect(fs.lstatSync(swapped).isSymbolicLink()).to.equal(true);
    expect(fs.existsSync(misnamed)).to.equal(true);
    expect(report.problems.join('\n')).to.contain('no longer a directory').and.to.contain('not a robocurse scratch directory name');
  });

  it('FileChildLedger writes a record per child (0600, in a 0700 directory) and forgets it', () => {
    const l = new FileChildLedger(ledger(), 'session-x', recordingLogger());
    const forget = l.recordChild(process.pid, 'rsync');
    const [name] = fs.readdirSync(ledger());
    expect(fs.statSync(ledger()).mode & 0o777).to.equal(0o700);
    expect(fs.statSync(path.join(ledger(), name)).mode & 0o777).to.equal(0o600);
    const rec = JSON.parse(fs.readFileSync(path.join(ledger(), name), 'utf8')) as ChildRecord;
    expect(rec).to.include({ kind: 'child', pid: process.pid, pgid: process.pid, command: 'rsync', identity: processIdentity(process.pid) });
    expect(rec.owner).to.include({ pid: process.pid, sessionId: 'session-x' });
    forget();
    forget();
    expect(fs.readdirSync(ledger())).to.deep.equal([]);
  });
});
