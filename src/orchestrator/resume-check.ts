import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { Chunk } from '../api';
import { fsPath } from '../fs/byte-names';

/** Chunks probed at once when a resume verifies its checkpoint. */
const PARALLEL_PROBES = 16;

/**
 * What a chunk's destination directory looked like when the chunk completed, cheap to take and
 * to compare: the directory's inode (a wiped and recreated, or swapped, destination has another)
 * and the names and types of the entries at its top in the chunk's scope (every entry for a tree
 * chunk, the non-directories for a files-only chunk). One stat and one directory listing: no
 * per-file stat, so sizes are not compared (see docs/safety.md).
 */
export interface DestinationProbe {
  v: 1;
  ino: string;
  entries: number;
  names: string;
}

/**
 * Probes `chunk`'s destination; null when it is missing or not a directory. The configured
 * destination root may be a link the admin chose; below it a link is never taken for a directory.
 */
export async function probeDestination(chunk: Chunk): Promise<DestinationProbe | null> {
  const p = fsPath(chunk.destinationPath);
  try {
    const st = chunk.relPath === '' ? await fsp.stat(p, { bigint: true }) : await fsp.lstat(p, { bigint: true });
    if (!st.isDirectory()) return null;
    const entries = (await fsp.readdir(p, { withFileTypes: true, encoding: 'buffer' }))
      .filter((e) => chunk.kind !== 'files-only' || !e.isDirectory());
    const keys = entries.map((e) => Buffer.concat([Buffer.from(e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : 'f'), e.name])).sort(Buffer.compare);
    const h = createHash('sha256');
    for (const k of keys) h.update(k).update('\0');
    return { v: 1, ino: String(st.ino), entries: keys.length, names: h.digest('hex').slice(0, 32) };
  } catch {
    return null;
  }
}

/** Why the destination no longer holds what `recorded` says the completed chunk left there; null when it does. */
export function whyNotDone(chunk: Chunk, recorded: string | null, now: DestinationProbe | null): string | null {
  if (now === null) return `its destination ${chunk.destinationPath} is missing or not a directory`;
  let then: DestinationProbe;
  try { then = JSON.parse(recorded ?? '') as DestinationProbe; } catch {
    return 'there is no record of what its destination held when it completed (done by an older robocurse, or just before a crash)';
  }
  if (then.v !== 1) return 'its destination record is of an unknown version';
  if (then.ino !== now.ino) return `its destination ${chunk.destinationPath} is another directory than the one it was copied into (wiped and recreated, or swapped)`;
  if (then.entries !== now.entries || then.names !== now.names) {
    return `its destination no longer holds what the chunk left there (${then.entries} entr(ies) at its top then, ${now.entries} now, or other names)`;
  }
  return null;
}

/**
 * The chunks among `done` (carried as complete by a resume) whose destination no longer agrees
 * with the checkpoint, each with the reason; they must run again.
 */
export async function verifyDoneChunks(chunks: readonly Chunk[], done: ReadonlySet<string>, recorded: ReadonlyMap<string, string | null>): Promise<Map<string, string>> {
  const toCheck = chunks.filter((c) => done.has(c.id));
  const rerun = new Map<string, string>();
  for (let i = 0; i < toCheck.length; i += PARALLEL_PROBES) {
    const batch = toCheck.slice(i, i + PARALLEL_PROBES);
    const probes = await Promise.all(batch.map(probeDestination));
    batch.forEach((c, k) => {
      const why = whyNotDone(c, recorded.get(c.id) ?? null, probes[k]);
      if (why !== null) rerun.set(c.id, why);
    });
  }
  return rerun;
}
