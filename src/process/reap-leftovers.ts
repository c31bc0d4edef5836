import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from '../api';
import { ownerLiveness } from '../state/process-identity';
import { parseLedgerRecord, type ChildRecord, type LedgerRecord } from './ledger-records';
import { killLinuxLeftover, waitForGroupGone } from './reap-linux';
import { killWindowsLeftover } from './reap-windows';
import { SCRATCH_NAME } from './scratch-dir';

/** What the start-of-run clean-up found and did. */
export interface ReapReport {
  /** One line per process (group) killed: which command, of which dead session. */
  killed: string[];
  /** Scratch directories removed. */
  scratchRemoved: string[];
  /** What could not be done; each is also logged. */
  problems: string[];
}

/** A torn record (temp file of a write that a kill interrupted) older than this is removed. */
const TORN_RECORD_AGE_MS = 60_000;

/**
 * At the start of a run: for every ledger record left by a robocurse process that is dead (the
 * record names its pid and start identity; a live one, this process included, is left alone, and
 * so is one from another host), kills the child process groups that outlived it, waits until they
 * are gone, then removes its scratch directories. A pid that now belongs to another process is
 * never killed: see killLinuxLeftover / killWindowsLeftover for how each platform tells.
 */
export async function reapLeftovers(dir: string, logger: Logger): Promise<ReapReport> {
  const report: ReapReport = { killed: [], scratchRemoved: [], problems: [] };
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') problem(report, logger, `cannot read ${dir}: ${(err as Error).message}`);
    return report;
  }
  const dead: { file: string; record: LedgerRecord }[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    if (name.endsWith('.tmp')) { removeTornRecord(file); continue; }
    let record: LedgerRecord | undefined;
    try { record = parseLedgerRecord(fs.readFileSync(file, 'utf8')); } catch { record = undefined; }
    if (!record) { problem(report, logger, `ignoring ${file}: not a robocurse process record`); continue; }
    if (record.owner.host !== os.hostname() || ownerLiveness(record.owner) !== 'dead') continue;
    dead.push({ file, record });
  }
  const groups: ChildRecord[] = [];
  for (const { record } of dead) {
    if (record.kind !== 'child') continue;
    const what = `${path.basename(record.command)} (pid ${record.pid}) of session ${record.owner.sessionId}, whose robocurse (pid ${record.owner.pid}) is gone`;
    try {
      const killed = process.platform === 'win32' ? await killWindowsLeftover(record) : killLinuxLeftover(record);
      if (killed) { report.killed.push(what); groups.push(record); }
    } catch (err) {
      problem(report, logger, `cannot kill ${what}: ${(err as Error).message}`);
    }
  }
  for (const g of groups) {
    if (process.platform !== 'win32' && g.pgid !== null && !(await waitForGroupGone(g.pgid, 10_000))) {
      problem(report, logger, `process group ${g.pgid} (${path.basename(g.command)}) is still there 10 s after SIGKILL`);
    }
  }
  for (const { file, record } of dead) {
    if (record.kind === 'scratch') removeScratch(record.dir, report, logger);
    try { fs.unlinkSync(file); } catch { /* another run reaping at the same moment took it */ }
  }
  for (const k of report.killed) logger.warn({}, `killed a copy process left running by a killed robocurse: ${k}`);
  for (const s of report.scratchRemoved) logger.warn({}, `removed the scratch directory ${s} left by a killed robocurse`);
  return report;
}

function problem(report: ReapReport, logger: Logger, message: string): void {
  report.problems.push(message);
  logger.warn({}, message);
}

function removeTornRecord(file: string): void {
  try {
    if (Date.now() - fs.statSync(file).mtimeMs > TORN_RECORD_AGE_MS) fs.unlinkSync(file);
  } catch { /* gone already */ }
}

/**
 * Removes a scratch directory an engine recorded, only when it still is one: a real directory
 * (never a symlink, which is not followed) with a robocurse scratch name. rmSync removes links
 * inside it as links.
 */
function removeScratch(dir: string, report: ReapReport, logger: Logger): void {
  if (!SCRATCH_NAME.test(path.basename(dir))) { problem(report, logger, `not removing ${dir}: not a robocurse scratch directory name`); return; }
  let st: fs.Stats;
  try { st = fs.lstatSync(dir); } catch { return; } // removed by its engine before the kill, or never made
  if (!st.isDirectory()) { problem(report, logger, `not removing ${dir}: it is no longer a directory (a ${st.isSymbolicLink() ? 'symlink' : 'file'} now)`); return; }
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    report.scratchRemoved.push(dir);
  } catch (err) {
    problem(report, logger, `cannot remove the scratch directory ${dir}: ${(err as Error).message}`);
  }
}
