import type { Logger, SnapshotInfo, SnapshotProvider } from '../api';
import type { ProfileConfig } from '../config/types';
import { SNAPSHOT_WARNINGS, type EmitEvent, type SnapshotRecords } from './types';

/** Which side of a profile a kept snapshot is of. */
export type SnapshotRole = 'source' | 'destination';

export interface PersistentContext {
  provider: SnapshotProvider;
  store: SnapshotRecords;
  emit: EmitEvent;
  logger: Logger;
  sessionId: string;
}

/** The label a kept snapshot is made with; also how a reader of the provider's list tells it apart. */
export function persistentLabel(profile: string, role: SnapshotRole): string {
  return `robocurse:${profile}:keep-${role}`;
}

/**
 * Deletes the oldest kept snapshots of `path` until `keep - 1` remain, so that with the one made
 * next there are `keep`. Only snapshots robocurse recorded as persistent for this profile, provider
 * and path are counted or deleted: anything else on the volume (made by hand, by another tool, or
 * by robocurse for another profile) is never touched. Pruning comes first so the space (and, for
 * VSS, the slot among at most 64 shadow copies per volume) is free before the new one is made.
 * A failed delete is reported and left recorded: the next start tries again.
 */
export async function applyRetention(ctx: PersistentContext, profile: string, path: string, keep: number): Promise<void> {
  const kept = ctx.store.listLiveSnapshots()
    .filter((r) => r.persistent && r.profile === profile && r.provider === ctx.provider.name && r.sourcePath === path)
    .sort((a, b) => a.id - b.id);
  const excess = kept.length - Math.max(0, keep - 1);
  for (const r of kept.slice(0, Math.max(0, excess))) {
    try {
      await ctx.provider.delete(r.snapshotId);
      ctx.store.markSnapshotDeleted(r.provider, r.snapshotId);
      ctx.logger.info({ profile, snapshotId: r.snapshotId, createdAt: r.createdAt }, `retention: deleted kept snapshot ${r.snapshotId} of ${path} (keep ${keep})`);
      ctx.emit('SnapshotDeleted', { profile, provider: r.provider, snapshotId: r.snapshotId });
    } catch (err) {
      const message = `retention: cannot delete kept snapshot ${r.snapshotId} of ${path}: ${(err as Error)?.message ?? String(err)}`;
      ctx.logger.error({ err, profile, snapshotId: r.snapshotId }, message);
      ctx.emit('Warning', { profile, code: SNAPSHOT_WARNINGS.deleteFailed, message });
    }
  }
}

/**
 * Applies retention, then makes and records a kept snapshot of one side of the profile. Rejects
 * when it cannot be made; the caller decides whether that fails the profile.
 */
export async function makePersistentSnapshot(ctx: PersistentContext, profile: ProfileConfig, role: SnapshotRole, keep: number): Promise<SnapshotInfo> {
  const path = role === 'source' ? profile.source : profile.destination;
  await applyRetention(ctx, profile.name, path, keep);
  const made = await ctx.provider.create(path, { sessionId: ctx.sessionId, label: persistentLabel(profile.name, role) });
  // Recorded under the configured path, whatever form the provider reports: retention matches on it.
  const info: SnapshotInfo = { ...made, sourcePath: path };
  ctx.store.recordSnapshot(ctx.sessionId, profile.name, info, true);
  ctx.emit('SnapshotCreated', { profile: profile.name, provider: ctx.provider.name, snapshotId: info.id, sourcePath: path, snapshotPath: info.snapshotPath });
  ctx.logger.info({ profile: profile.name, snapshotId: info.id, role }, `kept snapshot of the ${role} ${path}: ${info.snapshotPath}`);
  return info;
}
