import * as path from 'node:path';
import type { Chunk, CopyOptions, Deletion, DirTree, Logger, ProfileSummary } from '../api';
import type { ProfileConfig } from '../config/types';
import { displayName } from '../fs/byte-names';
import { countEntriesBelow } from '../fs/count-entries';
import { deleteLimitExitMeaning } from '../engines/delete-limit';
import { DeleteLimits } from './delete-limits';
import type { EventBus } from './event-bus';
import { mirrorRefusal, MirrorRefusedError, REFUSAL_ADVICE } from './mirror-guard';
import { probeDestination, verifyDoneChunks } from './resume-check';
import type { RunJournal } from './run-journal';
import { probeSourceDevice, type SourceDevice } from './source-device';

/** One deletion (or, in a dry run, one that would be made), as the run reports it. */
export interface DeletionReport {
  profile: string;
  /** The chunk that deleted it; undefined for the final pass over split directories. */
  chunkId?: string;
  /** Relative to the profile's destination, '/'-separated. */
  relPath: string;
  /** Absolute destination path. */
  path: string;
  isDir: boolean;
  /** Entries that went with it (a directory's contents included, where the engine knows them). */
  entries: number;
  dryRun: boolean;
}

/** What the final pass over split directories asks before it deletes an extra. */
export interface FinalPassDeletions {
  /** Reserves the deletion of `abs`: its entry count, or 0 when maxDeletes forbids it. */
  admit(abs: string, isDir: boolean): Promise<number>;
  removed(relPath: string, isDir: boolean, entries: number): void;
  /**
   * In a dry run: a chunk already listed this deletion (its extras are still there, so the final
   * pass would find and list them a second time; in a real run the chunk removed them).
   */
  listedByChunk(relPath: string): boolean;
}

/**
 * The mirror safety rails and the resume check of one run, kept out of the orchestrator's
 * scheduling code (docs/safety.md):
 * - before a profile's queue is filled: refuse a mirror from an empty source or from a source on
 *   another file system than last time; resolve maxDeletes per chunk; re-check the destination
 *   of every chunk a resume would skip;
 * - per job: its deletion budget and a reporter that logs every deletion;
 * - after a chunk completes: record what its destination looks like, for the next resume;
 * - after a successful profile: record where its source lives.
 * `--allow-mass-delete` turns the mirror rails off for the run, with a Warning event per profile.
 */
export class SafetyRails {
  private allowMassDelete = false;
  private dryRun = false;
  private onDeletion?: (d: DeletionReport) => void;
  private limits?: DeleteLimits;
  private device?: SourceDevice;
  /** The source's device, asked while the scan runs (probeSource). */
  private devicePending?: { profile: ProfileConfig; device: Promise<SourceDevice | undefined> };
  private finalUsed = 0;
  private finalHeld = 0;
  /** Dry run: deletions listed by files-only chunks, whose directories the final pass visits again. */
  private readonly dryListed = new Set<string>();
  private readonly probes = new Set<Promise<void>>();

  constructor(private readonly deps: { journal: RunJournal; bus: EventBus; logger: Logger }) {}

  beginRun(o: { allowMassDelete?: boolean; dryRun: boolean; onDeletion?: (d: DeletionReport) => void }): void {
    this.allowMassDelete = o.allowMassDelete ?? false;
    this.dryRun = o.dryRun;
    this.onDeletion = o.onDeletion;
  }

  /**
   * Starts asking where `profile`'s source lives (a stat, its real path, the mount table), so
   * that beforeQueue finds the answer ready instead of waiting for three file-system calls after
   * the scan. Optional: beforeQueue asks itself when this was not called for the profile.
   */
  probeSource(profile: ProfileConfig): void {
    this.devicePending = { profile, device: probeSourceDevice(profile.source).catch(() => undefined) };
  }

  /**
   * Between the plan and the queue. Throws MirrorRefusedError when the mirror must not run;
   * returns the chunk ids that stay "already done" (the others run again, each with a log line).
   */
  async beforeQueue(profile: ProfileConfig, i: { sourceRoot: string; tree: DirTree; chunks: Chunk[]; completedChunkIds: Set<string> }): Promise<Set<string>> {
    this.limits = undefined;
    this.finalUsed = 0;
    this.finalHeld = 0;
    this.dryListed.clear();
    const pending = this.devicePending?.profile === profile ? this.devicePending.device : undefined;
    this.devicePending = undefined;
    this.device = await (pending ?? probeSourceDevice(profile.source).catch(() => undefined));
    if (profile.mirror) await this.checkMirror(profile, i);
    return this.verifyResume(profile, i.chunks, i.completedChunkIds);
  }

  private async checkMirror(profile: ProfileConfig, i: { sourceRoot: string; tree: DirTree; chunks: Chunk[] }): Promise<void> {
    const { bus, journal, logger } = this.deps;
    if (this.allowMassDelete) {
      bus.emit('Warning', { profile: profile.name, code: 'MASS_DELETE_ALLOWED', message: `--allow-mass-delete: the mirror safety rails (empty or moved source, maxDeletes) are off for profile ${profile.name} in this run` });
    }
    const reason = await mirrorRefusal({ profile, sourceRoot: i.sourceRoot, tree: i.tree, previous: journal.sourceDevice?.(profile.name, profile.source), current: this.device });
    if (reason && !this.allowMassDelete) throw new MirrorRefusedError(`mirror of profile '${profile.name}' refused: ${reason}. ${REFUSAL_ADVICE}`);
    if (reason) {
      const message = `profile ${profile.name}: ${reason}; mirroring anyway because of --allow-mass-delete`;
      logger.warn({ profile: profile.name }, message);
      bus.emit('Warning', { profile: profile.name, code: 'MIRROR_RAIL_OVERRIDDEN', message });
    }
    if (!this.allowMassDelete) this.limits = await DeleteLimits.resolve(profile.maxDeletes, i.chunks);
  }

  private async verifyResume(profile: ProfileConfig, chunks: Chunk[], done: Set<string>): Promise<Set<string>> {
    if (done.size === 0) return done;
    const { journal, logger } = this.deps;
    const rerun = await verifyDoneChunks(chunks, done, journal.destinationProbes?.(profile.name) ?? new Map());
    if (rerun.size === 0) return done;
    for (const c of chunks) {
      const why = rerun.get(c.id);
      if (why) logger.warn({ profile: profile.name, chunkId: c.id }, `resume: chunk ${c.id} (${displayName(c.relPath || '.')}) was done, but runs again: ${why}`);
    }
    journal.unskipChunks?.(profile.name, [...rerun.keys()]);
    return new Set([...done].filter((id) => !rerun.has(id)));
  }

  /** The deletion budget and reporter of one job. */
  copyOptions(profile: ProfileConfig, chunk: Chunk): Pick<CopyOptions, 'maxDeletes' | 'onDeletion'> {
    const maxDeletes = profile.mirror && this.limits ? this.limits.forChunk(chunk) : undefined;
    return {
      ...(maxDeletes !== undefined ? { maxDeletes } : {}),
      onDeletion: (d: Deletion) => {
        this.limits?.noteDeleted(chunk.id, d.entries);
        const relPath = chunk.relPath ? `${chunk.relPath}/${d.relPath}` : d.relPath;
        if (this.dryRun && chunk.kind === 'files-only') this.dryListed.add(relPath);
        this.report(profile, relPath, d, chunk.id);
      },
    };
  }

  private report(profile: ProfileConfig, relPath: string, d: Pick<Deletion, 'isDir' | 'entries'>, chunkId?: string): void {
    const abs = path.join(profile.destination, ...relPath.split('/'));
    const shown = `${displayName(relPath)}${d.isDir ? '/' : ''}`;
    this.deps.logger.info({ profile: profile.name, chunkId, deleted: shown, entries: d.entries, dryRun: this.dryRun },
      `${this.dryRun ? 'would delete' : 'deleted'} ${shown}${d.isDir && d.entries > 1 ? ` (with ${d.entries - 1} entr(ies) inside)` : ''}`);
    this.onDeletion?.({ profile: profile.name, chunkId, relPath, path: abs, isDir: d.isDir, entries: d.entries, dryRun: this.dryRun });
  }

  /** After a chunk completed: what its destination looks like, for the next resume (not in dry runs). */
  chunkCompleted(profile: ProfileConfig, chunk: Chunk): void {
    if (this.dryRun || !this.deps.journal.recordDestinationProbe) return;
    const p: Promise<void> = probeDestination(chunk)
      .then((probe) => { if (probe) this.deps.journal.recordDestinationProbe?.(profile.name, chunk.id, JSON.stringify(probe)); })
      .catch((err: unknown) => this.deps.logger.warn({ err, chunkId: chunk.id }, 'could not record the destination of a completed chunk'))
      .finally(() => { this.probes.delete(p); });
    this.probes.add(p);
  }

  /** Waits for the destination records still being taken (before the profile is ended). */
  async settle(): Promise<void> {
    while (this.probes.size > 0) await Promise.all([...this.probes]);
  }

  /** The final pass's side of maxDeletes and the deletion log. */
  finalPass(profile: ProfileConfig): FinalPassDeletions {
    const limit = profile.mirror ? this.limits?.forFinalPass() : undefined;
    return {
      admit: async (abs, isDir) => {
        const entries = isDir ? 1 + (await countEntriesBelow(abs)) : 1;
        if (limit !== undefined && this.finalUsed + entries > limit) { this.finalHeld += entries; return 0; }
        this.finalUsed += entries;
        return entries;
      },
      removed: (relPath, isDir, entries) => this.report(profile, relPath, { isDir, entries }),
      listedByChunk: (relPath) => this.dryRun && this.dryListed.has(relPath),
    };
  }

  /** Why the final pass failed the profile (maxDeletes held deletions back), if it did. */
  finalPassRefusal(profile: ProfileConfig): string | undefined {
    if (this.finalHeld === 0 || !this.limits) return undefined;
    return deleteLimitExitMeaning({
      profile: profile.name, limit: this.limits.forFinalPass(), deleted: this.finalUsed, held: this.finalHeld, dryRun: this.dryRun,
      engineMessage: 'These are entries of split directories that no chunk owns (the final pass).',
    }).message;
  }

  /** After the profile: a successful real run records where its source lives. */
  profileFinished(profile: ProfileConfig, summary: ProfileSummary): void {
    if (this.dryRun || !this.device || (summary.result !== 'Success' && summary.result !== 'Warning')) return;
    this.deps.journal.recordSourceDevice?.(profile.name, profile.source, this.device);
  }
}
