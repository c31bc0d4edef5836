import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RobocurseConfig } from '../config/types';
import { STATE_DB_FILE, StateStore } from '../state';
import { sameEntry, type BackendContext, type Entry, type EntryStatus, type ScheduleBackend } from './backend';
import { compileSchedule, describeSchedule } from './compile';
import { nextRuns } from './next-runs';
import type { SchedulePlan } from './schedule-plan';

export interface ScheduleRow {
  profile: string;
  id: string;
  schedule?: string;
  /** in sync | differs from the config | not installed | installed, not in the config */
  installed: string;
  status?: EntryStatus;
  /** Computed from the model when the backend reports none (cron, launchd). */
  nextRunComputed?: string;
  lastRobocurseRun?: { sessionId: string; startedAt: string; endedAt: string | null; outcome: string | null; exitCode: number | null };
}

/** One row per scheduled or installed profile, from the same plan that sync would run. */
export function scheduleRows(cfg: RobocurseConfig, plan: SchedulePlan): ScheduleRow[] {
  const describe = (profile: string): string | undefined => {
    const p = cfg.profiles.find((x) => x.name === profile);
    return p?.schedule ? describeSchedule(compileSchedule(p.name, p.schedule)) : undefined;
  };
  return plan.changes.map((c) => ({
    profile: c.profile, id: c.id, schedule: c.desired ? describe(c.profile) : undefined,
    installed: c.action === 'add' ? 'not installed' : c.action === 'remove' ? 'installed, not in the config (sync removes it)'
      : c.desired && c.installed && sameEntry(c.desired, c.installed) ? 'in sync' : 'differs from the config (sync updates it)',
  }));
}

/** Adds backend runtime facts, a computed next run where the backend has none, and robocurse's own record. */
export async function addStatus(rows: ScheduleRow[], cfg: RobocurseConfig, plan: SchedulePlan, backend: ScheduleBackend, ctx: BackendContext, nowMs = Date.now()): Promise<void> {
  const installed: Entry[] = plan.state.entries;
  const facts = await backend.status(ctx, installed);
  const dbFile = path.join(cfg.global.stateDir, STATE_DB_FILE);
  const store = fs.existsSync(dbFile) ? StateStore.open(cfg.global.stateDir) : undefined;
  try {
    for (const r of rows) {
      r.status = facts.get(r.id);
      const p = cfg.profiles.find((x) => x.name === r.profile);
      if (!r.status?.nextRun && p?.schedule && r.installed !== 'not installed') {
        const next = nextRuns(compileSchedule(p.name, p.schedule), ctx.zone, nowMs, 1)[0];
        if (next !== undefined) r.nextRunComputed = new Date(next).toISOString();
      }
      const last = store?.lastRun(r.profile);
      if (last) r.lastRobocurseRun = { sessionId: last.sessionId, startedAt: last.startedAt, endedAt: last.endedAt, outcome: last.outcome, exitCode: last.exitCode };
    }
  } finally { store?.close(); }
}

export function renderRows(rows: ScheduleRow[], withStatus: boolean): string {
  if (rows.length === 0) return '  (no scheduled profiles and nothing installed for this config)\n';
  const out: string[] = [];
  for (const r of rows) {
    out.push(`  ${r.profile}: ${r.schedule ?? '(no schedule in the config)'}`);
    out.push(`    entry ${r.id}: ${r.installed}`);
    if (!withStatus) continue;
    const s = r.status;
    if (s?.state) out.push(`    state: ${s.state}  (${s.source})`);
    if (s?.nextRun) out.push(`    next run: ${s.nextRun}`);
    else if (r.nextRunComputed) out.push(`    next run: ${r.nextRunComputed} (computed; random delay not included)`);
    if (s?.lastRun) out.push(`    last start: ${s.lastRun}`);
    if (s?.lastResult) out.push(`    last result: ${s.lastResult}`);
    const l = r.lastRobocurseRun;
    out.push(l ? `    last robocurse run: ${l.startedAt} session ${l.sessionId}: ${l.endedAt ? `${l.outcome}, exit ${l.exitCode}` : 'not ended (running or interrupted)'}` : '    last robocurse run: none recorded');
  }
  return `${out.join('\n')}\n`;
}
