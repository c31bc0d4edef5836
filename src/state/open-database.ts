import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { createPrivateFile, ensurePrivateDir, tightenFileMode } from '../fs/private-files';
import { assertTrustedPath, UnsafePathError } from '../fs/path-trust';
import { whyDirUnusable } from '../fs/unusable-dir';
import { StateError } from './errors';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';

/** File name of the state database inside `global.stateDir`. */
export const STATE_DB_FILE = 'robocurse.db';

export interface OpenDatabaseOptions {
  /** Open for reading only (status, history from another process): no migration, no writes. */
  readonly?: boolean;
  /** How long a write waits for another process's write lock, in ms (default 15 s). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating when needed) the state database and brings its schema up to date.
 *
 * - WAL: readers (`robocurse status` in another terminal) never block the running writer and
 *   see only committed transactions; a killed writer leaves a WAL that the next open replays.
 * - synchronous=FULL: a commit is on disk (WAL fsynced) before it returns. NORMAL would survive a
 *   process kill just as well, but a power loss could roll back the last commits; for chunk rows
 *   that only means copying again, but for snapshot rows it means a VSS/btrfs snapshot nobody
 *   cleans up, and for commands a "stop" that silently vanished. Commits here happen per chunk
 *   (seconds to minutes of copying each), so one fsync each costs nothing that matters.
 * - busy_timeout: several processes share the file (runs of other profiles, status, commands).
 */
export function openDatabase(stateDir: string, options: OpenDatabaseOptions = {}): Database.Database {
  const file = path.join(stateDir, STATE_DB_FILE);
  const timeout = options.busyTimeoutMs ?? 15_000;
  let db: Database.Database;
  try {
    preparePrivateFiles(stateDir, file, options.readonly ?? false);
  } catch (err) {
    if (err instanceof UnsafePathError) throw new StateError('STATE_UNSAFE', err.message);
    if (err instanceof StateError) throw err;
    throw new StateError('STATE_OPEN_FAILED', `cannot open the state database ${file} (global.stateDir): ${whyDirUnusable(stateDir, err)}`);
  }
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false, timeout });
  } catch (err) {
    const why = options.readonly ? (err as Error).message : whyDirUnusable(stateDir, err);
    throw new StateError('STATE_OPEN_FAILED', `cannot open the state database ${file} (global.stateDir): ${why}`);
  }
  try {
    db.pragma(`busy_timeout = ${timeout}`);
    if (options.readonly) {
      checkVersion(db, file, true);
    } else {
      const conn = db;
      retryWhileBusy(() => {
        // journal_mode is persistent in the file; turning a new file to WAL writes its header.
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = FULL');
        conn.pragma('foreign_keys = ON');
        migrate(conn, file);
      }, timeout);
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StateError) throw err;
    const corrupt = corruptionError(err, file);
    if (corrupt) throw corrupt;
    // A file that opens but cannot be written (read-only mount, a db file owned by another user).
    const busy = isBusy(err)
      ? ` (another process kept it locked for ${timeout / 1000} s: a robocurse run, \`status\` or \`state repair\` on the same folder)` : '';
    throw new StateError('STATE_OPEN_FAILED', `cannot use the state database ${file} (global.stateDir): ${(err as Error).message}${busy}`);
  }
}

/**
 * Runs `fn` again while SQLite says the database is busy, for up to `timeoutMs`.
 *
 * busy_timeout does not cover every wait: turning a new file to WAL reads its header in a read
 * transaction and then upgrades it to a write, and SQLite answers such an upgrade with SQLITE_BUSY
 * at once when another connection holds the write lock (waiting could deadlock). Two runs started
 * by cron in the same second on a new state directory met exactly that. Each step of `fn` is safe
 * to repeat: the pragmas are idempotent and the migrations run in one IMMEDIATE transaction.
 */
function retryWhileBusy(fn: () => void, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt++) {
    try {
      fn();
      return;
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) throw err;
      // Opening is synchronous (a run cannot start without its state), so the pause blocks;
      // it grows to 100 ms with jitter, so two waiting openers do not retry in step.
      Atomics.wait(pause, 0, 0, Math.min(100, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2));
    }
  }
}

/** SQLite's codes for a file that is not a database, or a damaged one. */
const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/** True when `err` is SQLite's "database is locked" (SQLITE_BUSY and its extended codes). */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** True when `err` says the database file itself is unusable (not a lock, not a permission). */
export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (CORRUPT_CODES.has(code) || code.startsWith('SQLITE_CORRUPT'));
}

/** The user-facing error for a damaged database: names the file and the way out. */
export function corruptionError(err: unknown, file: string): StateError | undefined {
  if (!isCorruption(err)) return undefined;
  return new StateError('STATE_CORRUPT',
    `the state database ${file} is damaged or not a robocurse database (${(err as Error).message}). ` +
    'Run `robocurse state repair` with the same --config (or --state-dir) to move it aside (it is kept, never deleted) ' +
    'and start a new one; or point global.stateDir at another folder. Runs of this config resume nothing until then.');
}

/**
 * The state decides what robocurse does next (which chunks are done, which commands to obey), so
 * only the invoking user and root may be able to change it: the directory is made 0700, the
 * database 0600 before SQLite first opens it (SQLite gives the -wal and -shm files it creates the
 * database file's mode, whatever the umask), and a directory or file others could have written
 * is refused rather than trusted.
 */
function preparePrivateFiles(stateDir: string, file: string, readonly: boolean): void {
  if (readonly) assertTrustedPath(stateDir, 'the state directory');
  else ensurePrivateDir(stateDir, 'the state directory');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    let st: fs.Stats | undefined;
    try { st = fs.lstatSync(f); } catch { st = undefined; }
    if (!st) continue;
    if (!st.isFile()) throw new StateError('STATE_UNSAFE', `refusing to use the state database file ${f}: it is not a regular file (a symbolic link or device planted there?)`);
    assertTrustedPath(f, 'the state database file');
    tightenFileMode(f);
  }
  if (!readonly) createPrivateFile(file);
}

function readVersion(db: Database.Database): number {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return 0;
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  return row ? Number(row.value) : 0;
}

function checkVersion(db: Database.Database, file: string, readonly: boolean): number {
  const version = readVersion(db);
  if (version > SCHEMA_VERSION) {
    throw new StateError('STATE_SCHEMA_TOO_NEW',
      `the state database ${file} has schema version ${version}, but this robocurse knows only up to ${SCHEMA_VERSION}: ` +
      'it was written by a newer robocurse. Upgrade robocurse, or point global.stateDir at another folder.');
  }
  if (readonly && version < SCHEMA_VERSION) {
    throw new StateError('STATE_SCHEMA_OUTDATED',
      `the state database ${file} has schema version ${version} (this robocurse uses ${SCHEMA_VERSION}) and cannot be ` +
      'upgraded read-only: open it once for writing (any run or `robocurse status` without --readonly) to migrate it.');
  }
  return version;
}

function migrate(db: Database.Database, file: string): void {
  // A current schema needs no write lock: a plain read never waits for a writer in WAL mode, so
  // `status --check` still answers while a hung run holds the write lock (a monitor must then
  // see STALE, not a busy-timeout error).
  if (checkVersion(db, file, false) === SCHEMA_VERSION) return;
  // IMMEDIATE takes the write lock before reading the version, so two processes opening a new
  // file at the same moment cannot both apply migration 1.
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const from = checkVersion(db, file, false);
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      db.exec(m.sql);
      db.prepare("INSERT INTO meta(key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .run(String(m.version));
    }
  }).immediate();
}
