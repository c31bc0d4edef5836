import * as path from 'node:path';
import type { ChildRecord } from './ledger-records';
import { spawnTracked } from './tracked-child';

/** A process as PowerShell's Get-Process reports it. */
export interface WindowsProcessInfo {
  Id: number;
  ProcessName: string;
  /** Creation time, ISO 8601 UTC. */
  Start: string;
}

/** How far before the record's timestamp (taken just after the spawn returned) creation may lie. */
const SPAWN_SLACK_MS = 60_000;

/**
 * Whether `info` is the process the record describes. Windows reuses pids quickly and robocurse
 * has no cheap start identity there, so a pid alone is never enough: the image name must be the
 * recorded command's, and its creation time must lie between a minute before the record was
 * written and the record itself (the spawn returned before the record was written).
 */
export function isRecordedProcess(r: ChildRecord, info: WindowsProcessInfo): boolean {
  const want = path.win32.basename(r.command).replace(/\.exe$/i, '').toLowerCase();
  const started = Date.parse(info.Start);
  return info.Id === r.pid && info.ProcessName.toLowerCase() === want
    && Number.isFinite(started) && started <= r.startedAtMs + 1000 && started >= r.startedAtMs - SPAWN_SLACK_MS;
}

async function output(command: string, args: string[]): Promise<string> {
  const child = spawnTracked(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.child.stdout?.on('data', (b: Buffer) => { out += b.toString('utf8'); });
  await child.exited;
  return out;
}

/**
 * Windows: kills the recorded robocopy (and its tree, `taskkill /T /F`) when Get-Process still
 * shows a process with that pid, image name and creation time (isRecordedProcess). Best effort,
 * and documented as such: no Job Object holds the children (that needs native code), so a
 * robocopy survives a killed robocurse until the next run starts.
 */
export async function killWindowsLeftover(r: ChildRecord): Promise<boolean> {
  const script = `Get-Process -Id ${Math.trunc(r.pid)} -ErrorAction SilentlyContinue | Select-Object Id,ProcessName,@{n='Start';e={$_.StartTime.ToUniversalTime().ToString('o')}} | ConvertTo-Json -Compress`;
  const text = (await output('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script])).trim();
  if (!text) return false;
  const info = JSON.parse(text) as WindowsProcessInfo;
  if (!isRecordedProcess(r, info)) return false;
  await output('taskkill', ['/PID', String(r.pid), '/T', '/F']);
  return true;
}
