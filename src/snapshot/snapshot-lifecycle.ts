import * as fs from 'node:fs';
import type { SnapshotInfo, SnapshotProvider } from '../api';
import type { ProfileConfig } from '../config/types';
import type { SnapshotRecord } from '../state';
import { makePersistentSnapshot, type PersistentContext } from './persistent-snapshots';
import { SNAPSHOT_WARNINGS, type SnapshotBeginResult, type SnapshotLifecycleDeps } from './types';

/** A working snapshot this process made and must delete. */
interface Working {
  profile: string;
  provider: SnapshotProvider;
  info: SnapshotInfo;
}

function message(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

/**
 * Snapshots of one session: makes them before a profile's scan, deletes them when it ends, and
 * records every one in the state store first thing, so a process killed in between leaves a row
 * the next start finds (`cleanupOrphans`). One instance per session; all methods may be called
 * from signal and crash handlers: `end` and `endAll` never throw and never delete a snapshot twice.
 */
export class SnapshotLifecycle {
  private readonly working = new Map<string, Working>();
  /** Deletions in flight by `provider:id`, so end() and endAll() racing share one. */
  private readonly deleting = new Map<string, Promise<void>>();
  /** Creations in flight: endAll() waits for them so a snapshot made during a crash is deleted too. */
  private readonly creating = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly deps: SnapshotLifecycleDeps) {}

  /**
   * Deletes the snapshots that sessions which ended or died left recorded as live (not kept ones,
   * and never those of a session whose process still runs: the store decides by pid and process
   * start identity; a session on another host is left alone). Call once at run start, after the
   * session is recorded and SessionStart emitted. Never throws: what cannot be deleted is logged,
   * reported as a Warning event and tried again at the next start.
   */
  async cleanupOrphans(): Promise<void> {
    if (this.deps.dryRun) return; // a dry run deletes nothing; the next real run cleans up
    let orphans: SnapshotRecord[];
    try {
      orphans = this.deps.store.listOrphanSnapshots();
    } catch (err) {
      this.deps.logger.error({ err }, `cannot read orphan snapshots from the state database: ${message(err)}`);
      return;
    }
    for (const r of orphans) await this.deleteOrphan(r);
  }

  private async deleteOrphan(r: SnapshotRecord): Promise<void> {
    const provider = this.deps.providers.get(r.provider);
    const what = `${r.provider} snapshot ${r.snapshotId} of ${r.sourcePath} (left by session ${r.sessionId}, profile ${r.profile})`;
    if (!provider) {
      const msg = `cannot delete orphan ${what}: snapshot provider '${r.provider}' is not loaded; add {"use": "${r.provider}"} to global.plugins or delete it by hand`;
      this.deps.logger.warn({ snapshotId: r.snapshotId }, msg);
      this.deps.emit('Warning', { profile: r.profile, code: SNAPSHOT_WARNINGS.orphanNotDeleted, message: msg });
      return;
    }
    try {
      await provider.delete(r.snapshotId);
      this.deps.store.markSnapshotDeleted(r.provider, r.snapshotId);
      this.deps.logger.info({ snapshotId: r.snapshotId, orphanOf: r.sessionId }, `deleted orphan ${what}`);
      this.deps.emit('SnapshotDeleted', { profile: r.profile, provider: r.provider, snapshotId: r.snapshotId });
    } catch (err) {
      const msg = `cannot delete orphan ${what}: ${message(err)}`;
      this.deps.logger.error({ err, snapshotId: r.snapshotId }, msg);
      this.deps.emit('Warning', { profile: r.profile, code: SNAPSHOT_WARNINGS.orphanNotDeleted, message: msg });
    }
  }

  /**
   * Prepares a profile's source: kept snapshots first (destination, then source, each after its
   * retention), then the working snapshot the scan and copy read from. With `keepSource` > 0 the
   * new kept source snapshot is the working one (one snapshot, not two, and it is not deleted at
   * the end). Rejects when a snapshot cannot be made and `snapshot.required` is true; with
   * required: false, emits a Warning and returns the live source: never a silent fallback.
   */
  async begin(profile: ProfileConfig): Promise<SnapshotBeginResult> {
    const cfg = profile.snapshot;
    if (!cfg) return { sourceRoot: profile.source };
    if (this.closed) throw new Error('snapshot lifecycle is shutting down: no new snapshots');
    const provider = this.deps.providers.get(cfg.provider);
    if (this.deps.dryRun) return this.dryRunBegin(profile, cfg.provider, provider);
    const ctx: PersistentContext | undefined = provider && {
      provider, store: this.deps.store, emit: this.deps.emit, logger: this.deps.logger, sessionId: this.deps.sessionId,
    };
    const keepDest = cfg.persistent?.keepDestination ?? 0;
    const keepSource = cfg.persistent?.keepSource ?? 0;
    if (ctx && keepDest > 0) {
      if (!(this.deps.pathExists ?? fs.existsSync)(profile.destination)) {
        this.deps.logger.info({ profile: profile.name }, `no kept snapshot of the destination ${profile.destination}: it does not exist yet`);
      } else {
        try {
          await this.track(makePersistentSnapshot(ctx, profile, 'destination', keepDest));
        } catch (err) {
          this.failOrWarn(profile, `cannot create a kept ${cfg.provider} snapshot of the destination ${profile.destination}: ${message(err)}`, SNAPSHOT_WARNINGS.persistentFailed, 'without a kept snapshot of the destination');
        }
      }
    }
    try {
      if (!provider || !ctx) throw new Error(`snapshot provider '${cfg.provider}' is not loaded`);
      if (keepSource > 0) {
        const info = await this.track(makePersistentSnapshot(ctx, profile, 'source', keepSource));
        return { sourceRoot: info.snapshotPath, snapshot: info };
      }
      const info = await this.track(this.createWorking(profile, provider));
      return { sourceRoot: info.snapshotPath, snapshot: info };
    } catch (err) {
      this.failOrWarn(profile, `cannot create a ${cfg.provider} snapshot of ${profile.source}: ${message(err)}`, SNAPSHOT_WARNINGS.fallback, 'copying from the live tree');
      return { sourceRoot: profile.source };
    }
  }

  /**
   * A dry run makes no snapshot (nor a kept one, nor prunes old ones): a snapshot is a write to
   * the volume, and on VSS it can evict the oldest shadow copies. It still checks the provider
   * is there, so a dry run reports the configuration a real run would fail on.
   */
  private dryRunBegin(profile: ProfileConfig, name: string, provider: SnapshotProvider | undefined): SnapshotBeginResult {
    if (!provider) this.failOrWarn(profile, `cannot create a ${name} snapshot of ${profile.source}: snapshot provider '${name}' is not loaded`, SNAPSHOT_WARNINGS.fallback, 'copying from the live tree');
    else this.deps.logger.info({ profile: profile.name }, `dry run: no ${name} snapshot is made (nor kept ones pruned); reading the live source ${profile.source}`);
    return { sourceRoot: profile.source };
  }

  private async createWorking(profile: ProfileConfig, provider: SnapshotProvider): Promise<SnapshotInfo> {
    const made = await provider.create(profile.source, { sessionId: this.deps.sessionId, label: `robocurse:${profile.name}` });
    const info: SnapshotInfo = { ...made, sourcePath: profile.source };
    // Registered for deletion before anything else can fail, then recorded for the next start.
    this.working.set(profile.name, { profile: profile.name, provider, info });
    try {
      this.deps.store.recordSnapshot(this.deps.sessionId, profile.name, info, false);
    } catch (err) {
      await this.end(profile);
      throw new Error(`the snapshot could not be recorded in the state database (${message(err)}), so it was deleted again`);
    }
    this.deps.emit('SnapshotCreated', { profile: profile.name, provider: provider.name, snapshotId: info.id, sourcePath: info.sourcePath, snapshotPath: info.snapshotPath });
    this.deps.logger.info({ profile: profile.name, snapshotId: info.id }, `snapshot of ${profile.source}: ${info.snapshotPath}`);
    return info;
  }

  /** Throws with `msg` when the profile's snapshot is required; else logs and emits a Warning. */
  private failOrWarn(profile: ProfileConfig, msg: string, code: string, consequence: string): void {
    if (profile.snapshot?.required !== false) throw new Error(msg);
    this.deps.logger.warn({ profile: profile.name }, `${msg}; snapshot.required is false, so ${consequence}`);
    this.deps.emit('Warning', { profile: profile.name, code, message: `${msg}; ${consequence} (snapshot.required is false)` });
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.creating.add(p);
    const done = (): void => { this.creating.delete(p); };
    p.then(done, done);
    return p;
  }

  /**
   * Deletes the profile's working snapshot, if it has one (kept snapshots stay). Idempotent, never
   * throws: a snapshot that cannot be deleted is logged, reported as a Warning event and stays
   * recorded as live, so the next start deletes it as an orphan of this (then ended) session.
   */
  async end(profile: ProfileConfig | string): Promise<void> {
    const name = typeof profile === 'string' ? profile : profile.name;
    const w = this.working.get(name);
    if (!w) return;
    await this.deleteWorking(w);
  }

  /**
   * Emergency: waits for snapshots being made, then deletes every working snapshot of the session.
   * For signal and crash handlers; after it, begin() makes no new snapshots.
   */
  async endAll(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.creating]);
    await Promise.all([...this.working.values()].map((w) => this.deleteWorking(w)));
  }

  /** Working snapshots not yet deleted (for status and tests). */
  liveWorkingSnapshots(): SnapshotInfo[] {
    return [...this.working.values()].map((w) => w.info);
  }

  private deleteWorking(w: Working): Promise<void> {
    const key = `${w.provider.name}:${w.info.id}`;
    let p = this.deleting.get(key);
    if (!p) {
      p = this.doDelete(w).finally(() => {
        this.deleting.delete(key);
        if (this.working.get(w.profile) === w) this.working.delete(w.profile);
      });
      this.deleting.set(key, p);
    }
    return p;
  }

  private async doDelete(w: Working): Promise<void> {
    try {
      await w.provider.delete(w.info.id);
    } catch (err) {
      const msg = `cannot delete ${w.provider.name} snapshot ${w.info.id} of ${w.info.sourcePath}: ${message(err)}; the next robocurse start deletes it as an orphan`;
      this.deps.logger.error({ err, snapshotId: w.info.id }, msg);
      this.deps.emit('Warning', { profile: w.profile, code: SNAPSHOT_WARNINGS.deleteFailed, message: msg });
      return;
    }
    try {
      this.deps.store.markSnapshotDeleted(w.provider.name, w.info.id);
    } catch (err) {
      // The snapshot is gone; a row left live only makes the next start's delete a no-op.
      this.deps.logger.warn({ err, snapshotId: w.info.id }, `snapshot ${w.info.id} deleted but not marked so in the state database: ${message(err)}`);
    }
    this.deps.emit('SnapshotDeleted', { profile: w.profile, provider: w.provider.name, snapshotId: w.info.id });
    this.deps.logger.info({ profile: w.profile, snapshotId: w.info.id }, `deleted snapshot ${w.info.id}`);
  }
}
