import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { ProfileConfig } from '../config/types';

/**
 * A path in the form used for comparing checkpoints: normalised (`.`, `..`, doubled separators),
 * without trailing separators (except a root), and for Windows paths also with `\` separators and
 * lower case, because `D:\Data\`, `d:/data` and `D:\DATA` name the same folder there. POSIX paths
 * keep their case: `/srv/Data` and `/srv/data` are different folders.
 */
export function normalizeForFingerprint(p: string, windows: boolean): string {
  if (windows) {
    let n = path.win32.normalize(p.replace(/\//g, '\\'));
    // Keep the root of a drive (`c:\`) and of a share (`\\server\share\` → `\\server\share`).
    while (n.endsWith('\\') && !/^[a-zA-Z]:\\$/.test(n) && n !== '\\') n = n.slice(0, -1);
    return n.toLowerCase();
  }
  let n = path.posix.normalize(p);
  while (n.length > 1 && n.endsWith('/')) n = n.slice(0, -1);
  return n;
}

/** JSON with object keys sorted, so the hash does not depend on key order in the config file. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object).sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Hash of what decides the meaning of a chunk id in this profile: where from, where to, how the
 * tree is cut, what is excluded, mirror or not, what is preserved, and the engine with its options. A checkpoint is
 * reused only when this is equal, so a changed config can never make a resumed run skip a chunk
 * that the new config would copy differently. Engine options are included on purpose: their
 * switches can exclude or include files too, and a needless full copy is cheaper than a silent gap.
 * Selection filters (includeFiles, ages as configured, sizes, attributes) decide what is copied too.
 * Bandwidth, retries and the snapshot are left out: they change how, not what, is copied.
 */
export function profileFingerprint(profile: ProfileConfig): string {
  const w = profile.windowsPaths;
  const material = {
    v: 1,
    source: normalizeForFingerprint(profile.source, w),
    destination: normalizeForFingerprint(profile.destination, w),
    chunking: profile.chunking,
    // Exclude lists act as sets: their order does not change what is copied.
    excludeFiles: [...profile.excludeFiles].sort(),
    excludeDirs: [...profile.excludeDirs].sort(),
    mirror: profile.mirror,
    engine: profile.engine,
    engineOptions: profile.engineOptions[profile.engine] ?? {},
    // Only when set, so checkpoints of profiles without filters keep their fingerprint.
    ...(profile.includeFiles?.length ? { includeFiles: [...profile.includeFiles].sort() } : {}),
    ...(profile.selection && Object.keys(profile.selection).length ? { selection: profile.selection } : {}),
    ...(profile.excludeAttributes ? { excludeAttributes: profile.excludeAttributes } : {}),
    // What is kept besides the data changes the replica too; absent when it is all defaults, so
    // checkpoints made before `preserve` existed still match.
    ...(profile.preserve && Object.keys(profile.preserve).length > 0 ? { preserve: profile.preserve } : {}),
  };
  return createHash('sha256').update(canonicalJson(material)).digest('hex');
}
