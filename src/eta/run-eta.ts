import type { Chunk } from '../api';
import type { ProfileConfig } from '../config/types';
import type { OrchestrationState, OrchestrationStatus } from '../orchestrator/types';
import type { ChunkHistoryRow } from '../state/chunk-history';
import { blendEta, LearnedEta } from './learned-eta';

/**
 * The orchestrator's learnt-ETA hook: orders a profile's queue longest-expected-first and adds
 * the learnt and best estimates to each status. History is read once per profile.
 */
/**
 * The learnt estimate is recomputed at most this often (it walks the profile's chunks); between
 * two computations it counts down. A status is asked for after every chunk, which for 10,000
 * small chunks would otherwise cost O(chunks²).
 */
const RECOMPUTE_MS = 1000;

export class RunEta {
  private eta?: LearnedEta;
  private profile?: string;
  private chunks: Chunk[] = [];
  private last?: { at: number; seconds: number | undefined };

  constructor(private readonly history: (profile: string, engine: string) => readonly ChunkHistoryRow[]) {}

  /** The profile's chunks in the order to start them; loads its history. */
  orderChunks(profile: ProfileConfig, chunks: Chunk[]): Chunk[] {
    this.profile = profile.name;
    this.eta = new LearnedEta(this.history(profile.name, profile.engine));
    this.chunks = chunks;
    this.last = undefined;
    return this.eta.order(chunks);
  }

  /** `status` with learnedEtaSeconds and bestEtaSeconds filled in (when the profile has history). */
  annotate(status: OrchestrationStatus, s: OrchestrationState, now: number, concurrency: number): OrchestrationStatus {
    if (!this.eta?.known || s.currentProfile?.name !== this.profile || s.phase !== 'Replicating' || s.suspended) return { ...status, bestEtaSeconds: status.etaSeconds };
    const fraction = s.totalBytes > 0 ? s.bytesComplete / s.totalBytes : 0;
    if (this.last && now - this.last.at < RECOMPUTE_MS) {
      const learned = this.last.seconds === undefined ? undefined : Math.max(0, Math.ceil(this.last.seconds - (now - this.last.at) / 1000));
      return { ...status, learnedEtaSeconds: learned, bestEtaSeconds: blendEta(learned, status.etaSeconds, fraction) };
    }
    const done = new Set<string>();
    for (const c of s.skippedChunks) done.add(c.id);
    for (const f of s.completedChunks) done.add(f.chunk.id);
    for (const f of s.failedChunks) done.add(f.chunk.id);
    const active = [...s.activeJobs.values()];
    const running = new Set(active.map((a) => a.chunk.id));
    const learned = this.eta.remainingSeconds({
      pending: this.chunks.filter((c) => !done.has(c.id) && !running.has(c.id)),
      active: active.map((a) => ({
        chunk: a.chunk, elapsedMs: now - a.startedAt,
        fractionDone: a.chunk.estimatedBytes > 0 ? Math.min(1, a.job.progress().bytesCopied / a.chunk.estimatedBytes) : undefined,
      })),
      finished: s.completedChunks.map((f) => ({ chunk: f.chunk, durationMs: f.result?.durationMs ?? 0 })),
      concurrency,
    });
    this.last = { at: now, seconds: learned };
    return { ...status, learnedEtaSeconds: learned, bestEtaSeconds: blendEta(learned, status.etaSeconds, fraction) };
  }
}
