import * as fs from 'node:fs';
import { healthFilePath, parseHealthRecord, type HealthRecord } from '../../health';
import { formatBytes } from '../../plan';
import type { CommonArgs } from '../io';
import { formatEta } from '../progress/progress-view';

export interface StatusArgs extends CommonArgs {
  session?: string;
  /** Judge health for a monitor: one line and an exit code. */
  check?: boolean;
  /** With --check: only whether a run could start now (systemd ExecCondition). */
  idle?: boolean;
  /** With --check: the last success must be younger than this ("26h", "90m", seconds). */
  maxAge?: string;
  /** With --check: seconds without a progress report before a running session is stale. */
  staleAfter?: number;
}

/** A session's health file, if it has a readable one. */
export function readHealth(stateDir: string, sessionId: string): HealthRecord | undefined {
  try { return parseHealthRecord(fs.readFileSync(healthFilePath(stateDir, sessionId), 'utf8')); } catch { return undefined; }
}

/** The live picture a running session last reported: progress, rate, and both estimates. */
export function healthText(h: HealthRecord): string {
  const p = h.progress;
  return `Live (reported ${h.updatedAt}): ${h.phase}${h.profile ? ` ${h.profile}` : ''} ${p.profilePercent.toFixed(1)}%, ` +
    `${formatBytes(p.bytesComplete)} of ${formatBytes(p.bytesTotal)}, ${p.activeJobs} active, ${p.queuedChunks} queued, ` +
    `rate ${p.bytesPerSecond ? `${formatBytes(p.bytesPerSecond)}/s` : '-'}; eta ${formatEta(p.liveEtaSeconds ?? undefined)} live, ${formatEta(p.learnedEtaSeconds ?? undefined)} learnt from history\n`;
}

/**
 * `status --json` with the running session's last health record as `health` (null when there is
 * none); `live` is the state database's own live figures (render-status.ts).
 */
export function withHealthJson(json: string, h: HealthRecord | undefined): string {
  const doc = JSON.parse(json) as { session: Record<string, unknown> | null };
  if (doc.session) doc.session.health = h ?? null;
  return `${JSON.stringify(doc)}\n`;
}
