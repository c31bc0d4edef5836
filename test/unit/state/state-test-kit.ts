import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { Chunk } from '../../../src/api';
import { STATE_DB_FILE } from '../../../src/state/open-database';
import { StateStore } from '../../../src/state/state-store';

/** A fresh state directory under the OS temp dir. */
export function tempStateDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-state-'));
}

/**
 * Opens stores and raw connections on temp dirs and closes/removes them all in `cleanup()`,
 * so a failing test does not leave open handles behind.
 */
export class StateKit {
  private readonly stores: StateStore[] = [];
  private readonly raws: Database.Database[] = [];
  private readonly dirs: string[] = [];

  dir(): string {
    const d = tempStateDir();
    this.dirs.push(d);
    return d;
  }

  open(dir: string = this.dir(), clock?: () => Date): StateStore {
    const s = StateStore.open(dir, { clock });
    this.stores.push(s);
    return s;
  }

  /** A second, plain connection to the same file (what another process would see). */
  raw(dir: string): Database.Database {
    const db = new Database(path.join(dir, STATE_DB_FILE));
    this.raws.push(db);
    return db;
  }

  cleanup(): void {
    for (const s of this.stores.splice(0)) s.close();
    for (const r of this.raws.splice(0)) r.close();
    for (const d of this.dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  }
}

/** A plan chunk with ids and paths derived from `rel`. */
export function chunk(rel: string, estimatedBytes = 1000, kind: Chunk['kind'] = 'tree'): Chunk {
  return {
    id: `p:${kind}:${rel}`, profile: 'p', kind, relPath: rel, sourcePath: `/src/${rel}`, destinationPath: `/dst/${rel}`,
    depth: rel.split('/').length, estimatedFiles: 10, estimatedBytes,
  };
}

/** The pid of a process that has exited (reuse within a test's lifetime is practically impossible). */
export function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  if (r.pid === undefined) throw new Error('could not start a child process');
  return r.pid;
}

/** Result fields of a successful copy. */
export function ok(bytes = 1000, severity: 'Success' | 'Warning' = 'Success') {
  return { exitCode: severity === 'Success' ? 1 : 4, severity, filesCopied: 10, bytesCopied: bytes, durationMs: 50 } as const;
}
