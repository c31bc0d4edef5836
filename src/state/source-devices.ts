import type { StoreContext } from './store-context';
import type { SourceDeviceRecord } from './types';

interface SourceDeviceRow {
  profile: string; source: string; device: string; fs_type: string | null; mount_point: string | null;
  mount_source: string | null; session_id: string; recorded_at: string;
}

/** Where `profile`'s source lived at its last successful real run, if it ever had one. */
export function getSourceDevice(ctx: StoreContext, profile: string): SourceDeviceRecord | undefined {
  const r = ctx.stmt('SELECT * FROM source_devices WHERE profile = ?').get(profile) as SourceDeviceRow | undefined;
  return r && {
    profile: r.profile, source: r.source, device: r.device, fsType: r.fs_type, mountPoint: r.mount_point,
    mountSource: r.mount_source, sessionId: r.session_id, recordedAt: r.recorded_at,
  };
}

/** Replaces the profile's record (called after each successful real run). */
export function recordSourceDevice(ctx: StoreContext, rec: Omit<SourceDeviceRecord, 'recordedAt'>): void {
  ctx.write(() => ctx.stmt(
    `INSERT INTO source_devices(profile, source, device, fs_type, mount_point, mount_source, session_id, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(profile) DO UPDATE SET source = excluded.source, device = excluded.device, fs_type = excluded.fs_type,
       mount_point = excluded.mount_point, mount_source = excluded.mount_source, session_id = excluded.session_id,
       recorded_at = excluded.recorded_at`,
  ).run(rec.profile, rec.source, rec.device, rec.fsType, rec.mountPoint, rec.mountSource, rec.sessionId, ctx.now()));
}
