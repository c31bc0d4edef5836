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
      // journal_mode is persistent in the file; setting it needs a moment of exclusive access,
      // which busy_timeout waits for when another process opens the same file at the same time.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db, file);
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StateError) throw err;
    const corrupt = corruptionError(err, file);
    if (corrupt) throw corrupt;
    // A file that opens but cannot be written (read-only mount, a db file owned by another user).
    throw new StateError('STATE_OPEN_FAILED', `cannot use the state database ${file} (global.stateDir): ${(err as Error).message}`);
  }
}

/** SQLite's codes for a file that is not a database, or a damaged one. */
const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

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
