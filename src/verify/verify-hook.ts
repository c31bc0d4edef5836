import type { Chunk, CopyResult, Logger, ProfileSummary, RunEventPayloads, RunEventType, VerifySummary } from '../api';
import type { ProfileConfig } from '../config/types';
import { displayName } from '../fs/byte-names';
import { displayNames } from '../fs/display-names';
import { profileExcludes } from '../plan/profile-excludes';
import { verifyChunk, type ChunkVerification } from './chunk-verifier';
import { preservedAttributes } from './preserved-attributes';
import type { VerifyWorkers } from './verify-pool';

/** VerifyMismatch events sent per chunk; the rest are counted in the summary. */
const EVENTS_PER_CHUNK = 100;
/** Findings a profile's summary lists. */
const LISTED_PER_PROFILE = 100;
/** Per-file errors a failed chunk's result carries (the summary and email show a few). */
const ERRORS_PER_CHUNK = 20;

/** The part of the event bus the hook uses. */
export interface VerifyBus {
  readonly sessionId: string;
  emit<K extends RunEventType>(type: K, data: RunEventPayloads[K]): unknown;
  subscribe(listener: (event: { type: string; data: unknown }) => void): unknown;
}

export interface VerifyHookDeps {
  bus: VerifyBus;
  logger: Logger;
  workers: VerifyWorkers;
  /** A dry run wrote nothing: there is nothing to verify. */
  dryRun: boolean;
}

/** The chunk's result once its verification is known: mismatches fail it (or warn), changes in the source warn. */
export function resultWithVerification(result: CopyResult, v: ChunkVerification, onMismatch: 'fail' | 'warn'): CopyResult {
  if (v.mismatches === 0 && v.changedInSource === 0) return result;
  const bad = v.findings.filter((f) => f.kind !== 'changed-in-source');
  const parts: string[] = [];
  if (v.mismatches > 0) parts.push(`verification (${v.mode}) found ${v.mismatches} file(s) whose copy does not match${bad[0] ? ` (first: ${displayName(bad[0].path)}: ${bad[0].detail})` : ''}`);
  if (v.changedInSource > 0) parts.push(`${v.changedInSource} file(s) changed in the source during the run (not verified)`);
  const message = `${result.exitMeaning.message}; ${parts.join('; ')}`;
  const errors = [...result.errors, ...bad.slice(0, ERRORS_PER_CHUNK).map((f) => ({ path: f.path, code: `VERIFY_${f.kind.toUpperCase()}`, message: f.detail }))];
  if (v.mismatches > 0 && onMismatch === 'fail') return { ...result, errors, exitMeaning: { severity: 'Error', shouldRetry: false, message } };
  const severity = result.exitMeaning.severity === 'Success' ? 'Warning' : result.exitMeaning.severity;
  return { ...result, errors, exitMeaning: { ...result.exitMeaning, severity, message } };
}

/**
 * The orchestrator's verification step: after a chunk's copy succeeded and before it is recorded
 * as done, compares the chunk's destination with its source as the profile's `verify` asks,
 * sends a VerifyMismatch event per finding, and turns the result into a failure (or a warning)
 * when the copy does not match. A stop aborts a verification in progress: the chunk then counts
 * as killed, so it is not recorded as done.
 */
export class VerifyHook {
  private readonly abort = new AbortController();
  private readonly totals = new Map<string, VerifySummary>();

  constructor(private readonly deps: VerifyHookDeps) {
    deps.bus.subscribe((ev) => {
      if (ev.type === 'StopRequested' && (ev.data as { mode: string }).mode === 'stop') this.abort.abort();
    });
  }

  /** Whether `profile`'s chunks are verified in this run. */
  applies(profile: ProfileConfig): boolean {
    return (profile.verify ?? 'off') !== 'off' && !this.deps.dryRun;
  }

  async afterCopy(profile: ProfileConfig, chunk: Chunk, result: CopyResult, copyStartedAt: number): Promise<CopyResult> {
    const sev = result.exitMeaning.severity;
    if (!this.applies(profile) || result.killed || sev === 'Error' || sev === 'Fatal' || this.abort.signal.aborted) return result;
    const mode = profile.verify as 'meta' | 'sample' | 'full';
    let v: ChunkVerification;
    try {
      v = await verifyChunk({
        chunk, mode, samplePercent: profile.verifySample ?? 10, excludes: profileExcludes(profile),
        preserved: preservedAttributes(profile), seed: this.deps.bus.sessionId, copiedAt: copyStartedAt, signal: this.abort.signal,
      }, this.deps.workers);
    } catch (err) {
      if (this.abort.signal.aborted) {
        return { ...result, killed: true, exitMeaning: { severity: 'Error', shouldRetry: false, message: 'verification interrupted by stop' } };
      }
      const why = (err as Error)?.message ?? String(err);
      this.deps.logger.warn({ err, chunkId: chunk.id }, `chunk ${chunk.id}: verification could not run: ${why}`);
      return { ...result, exitMeaning: { severity: 'Error', shouldRetry: true, message: `${result.exitMeaning.message}; verification could not run: ${why}` } };
    }
    try {
      this.record(profile, chunk, v);
      return resultWithVerification(result, v, profile.verifyMismatch ?? 'fail');
    } catch (err) {
      // The orchestrator waits on this promise: it must resolve whatever happens.
      this.deps.logger.error({ err, chunkId: chunk.id }, `chunk ${chunk.id}: verification failed unexpectedly`);
      return { ...result, exitMeaning: { severity: 'Error', shouldRetry: true, message: `${result.exitMeaning.message}; verification failed: ${(err as Error)?.message ?? String(err)}` } };
    }
  }

  private record(profile: ProfileConfig, chunk: Chunk, v: ChunkVerification): void {
    const t = this.totals.get(profile.name) ?? { mode: v.mode, filesChecked: 0, filesHashed: 0, bytesHashed: 0, mismatches: 0, changedInSource: 0, listed: [] };
    t.filesChecked += v.filesChecked; t.filesHashed += v.filesHashed; t.bytesHashed += v.bytesHashed;
    t.mismatches += v.mismatches; t.changedInSource += v.changedInSource;
    for (const f of v.findings) {
      if (t.listed.length < LISTED_PER_PROFILE) t.listed.push({ chunkId: chunk.id, path: f.path, kind: f.kind, detail: f.detail });
    }
    // Mismatches first, so a long list of source changes never hides one.
    t.listed.sort((a, b) => Number(a.kind === 'changed-in-source') - Number(b.kind === 'changed-in-source'));
    this.totals.set(profile.name, t);
    for (const f of v.findings.slice(0, EVENTS_PER_CHUNK)) {
      const rel = chunk.relPath ? f.path.slice(chunk.relPath.length + 1) : f.path;
      this.deps.bus.emit('VerifyMismatch', {
        profile: profile.name, chunkId: chunk.id, path: f.path, kind: f.kind, detail: f.detail,
        source: joinRel(chunk.sourcePath, rel, profile.windowsPaths), destination: joinRel(chunk.destinationPath, rel, profile.windowsPaths),
      });
    }
    if (v.mismatches > 0) this.deps.logger.warn({ profile: profile.name, chunkId: chunk.id, mismatches: v.mismatches }, `chunk ${chunk.id}: verification found ${v.mismatches} mismatch(es)`);
  }

  /** The profile's summary with what its verification checked and found (the tally is then reset). */
  summarize(summary: ProfileSummary): ProfileSummary {
    const t = this.totals.get(summary.profile);
    if (!t) return summary;
    this.totals.delete(summary.profile);
    return { ...summary, verify: displayNames(t) };
  }
}

function joinRel(base: string, rel: string, windows: boolean): string {
  if (!rel || rel === '.') return base;
  const sep = windows ? '\\' : '/';
  return `${base.replace(/[\\/]+$/, '')}${sep}${windows ? rel.replace(/\//g, '\\') : rel}`;
}
