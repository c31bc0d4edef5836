import * as path from 'node:path';

/** What the health file of a running session says (format robocurse.health/1). */
export interface HealthRecord {
  format: 'robocurse.health/1';
  sessionId: string;
  pid: number;
  host: string;
  /** `running` while the session goes on; `ended` once it has ended (with outcome and exit code). */
  state: 'running' | 'ended';
  phase: string;
  profile: string | null;
  profiles: string[];
  /** When this record was written (ISO 8601); a monitor calls it stale after a few intervals. */
  updatedAt: string;
  intervalSeconds: number;
  lastEventAt: string | null;
  lastEventType: string | null;
  progress: {
    profilePercent: number;
    overallPercent: number;
    bytesComplete: number;
    bytesTotal: number;
    chunksComplete: number;
    chunksTotal: number;
    chunksFailed: number;
    activeJobs: number;
    queuedChunks: number;
    bytesPerSecond: number | null;
    /** From the recent throughput; null until it is known. */
    liveEtaSeconds: number | null;
    /** From the profile's history of chunk durations; null without history. */
    learnedEtaSeconds: number | null;
  };
  outcome?: string;
  exitCode?: number;
}

/** Where a session's health file lives: `<stateDir>/health/<sessionId>.json`. */
export function healthFilePath(stateDir: string, sessionId: string): string {
  return path.join(stateDir, 'health', `${sessionId}.json`);
}

/** A health file's content, or undefined when it is not one. */
export function parseHealthRecord(text: string): HealthRecord | undefined {
  try {
    const r = JSON.parse(text) as HealthRecord;
    return r && r.format === 'robocurse.health/1' && typeof r.updatedAt === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}
