/**
 * The state database schema as an ordered list of migrations. Migration N brings the schema from
 * version N-1 to N; a released migration is never edited, only followed by a new one, because
 * databases in the field were built by it.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, profile runs, chunks, events, commands, snapshots, chunk history, locks',
    sql: `
      CREATE TABLE runs (
        session_id   TEXT PRIMARY KEY,
        config_hash  TEXT NOT NULL,
        config_path  TEXT NOT NULL,
        started_at   TEXT NOT NULL,
        ended_at     TEXT,
        outcome      TEXT,
        exit_code    INTEGER,
        pid          INTEGER NOT NULL,
        host         TEXT NOT NULL,
        proc_identity TEXT,
        dry_run      INTEGER NOT NULL
      );
      CREATE INDEX runs_started ON runs(started_at);

      CREATE TABLE profile_runs (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id   TEXT NOT NULL REFERENCES runs(session_id),
        profile      TEXT NOT NULL,
        fingerprint  TEXT NOT NULL,
        started_at   TEXT NOT NULL,
        ended_at     TEXT,
        result       TEXT,
        chunks_total INTEGER NOT NULL DEFAULT 0,
        bytes_total  INTEGER NOT NULL DEFAULT 0,
        files_total  INTEGER NOT NULL DEFAULT 0,
        bytes_copied INTEGER NOT NULL DEFAULT 0,
        files_copied INTEGER NOT NULL DEFAULT 0,
        resumed_from INTEGER REFERENCES profile_runs(id)
      );
      CREATE INDEX profile_runs_profile ON profile_runs(profile, id);
      CREATE INDEX profile_runs_session ON profile_runs(session_id);

      CREATE TABLE chunks (
        profile_run_id  INTEGER NOT NULL REFERENCES profile_runs(id),
        chunk_id        TEXT NOT NULL,
        kind            TEXT NOT NULL,
        rel_path        TEXT NOT NULL,
        source          TEXT NOT NULL,
        destination     TEXT NOT NULL,
        estimated_files INTEGER NOT NULL,
        estimated_bytes INTEGER NOT NULL,
        status          TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        exit_code       INTEGER,
        severity        TEXT,
        files_copied    INTEGER NOT NULL DEFAULT 0,
        bytes_copied    INTEGER NOT NULL DEFAULT 0,
        started_at      TEXT,
        finished_at     TEXT,
        duration_ms     INTEGER,
        last_error      TEXT,
        carried_from    INTEGER,
        PRIMARY KEY (profile_run_id, chunk_id)
      ) WITHOUT ROWID;
      CREATE INDEX chunks_status ON chunks(profile_run_id, status);

      CREATE TABLE events (
        session_id TEXT NOT NULL,
        seq        INTEGER NOT NULL,
        type       TEXT NOT NULL,
        timestamp  TEXT NOT NULL,
        json       TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE commands (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT,
        profile    TEXT,
        command    TEXT NOT NULL,
        argument   TEXT,
        created_at TEXT NOT NULL,
        applied_at TEXT,
        outcome    TEXT,
        CHECK (session_id IS NOT NULL OR profile IS NOT NULL)
      );
      CREATE INDEX commands_pending ON commands(applied_at, id);

      CREATE TABLE snapshots (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id    TEXT NOT NULL,
        profile       TEXT NOT NULL,
        provider      TEXT NOT NULL,
        snapshot_id   TEXT NOT NULL,
        source_path   TEXT NOT NULL,
        snapshot_path TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        deleted_at    TEXT,
        persistent    INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX snapshots_live ON snapshots(deleted_at);

      CREATE TABLE chunk_history (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        profile     TEXT NOT NULL,
        chunk_id    TEXT NOT NULL,
        bytes       INTEGER NOT NULL,
        files       INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        finished_at TEXT NOT NULL
      );
      CREATE INDEX chunk_history_chunk ON chunk_history(profile, chunk_id, id);

      CREATE TABLE profile_locks (
        profile       TEXT PRIMARY KEY,
        session_id    TEXT,
        token         TEXT NOT NULL,
        pid           INTEGER NOT NULL,
        host          TEXT NOT NULL,
        proc_identity TEXT,
        acquired_at   TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'mirror safety rails: source file system per profile, destination probe per chunk, profile errors and deletions',
    sql: `
      -- Where each profile's source lived at its last successful run: a mirror from a source that
      -- moved to another file system (a mount that is gone) is refused.
      CREATE TABLE source_devices (
        profile      TEXT PRIMARY KEY,
        source       TEXT NOT NULL,
        device       TEXT NOT NULL,
        fs_type      TEXT,
        mount_point  TEXT,
        mount_source TEXT,
        session_id   TEXT NOT NULL,
        recorded_at  TEXT NOT NULL
      );
      -- What the chunk's destination looked like when it completed (JSON, see resume-check.ts):
      -- a resume skips the chunk only while the destination still agrees.
      ALTER TABLE chunks ADD COLUMN dest_probe TEXT;
      ALTER TABLE profile_runs ADD COLUMN error TEXT;
      ALTER TABLE profile_runs ADD COLUMN extras_removed INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 3,
    description: 'dashboard: chunk log paths, live run status, indexes for paged chunk tables and event types',
    sql: `
      ALTER TABLE chunks ADD COLUMN log_path TEXT;
      CREATE INDEX chunks_size ON chunks(profile_run_id, estimated_bytes);
      CREATE INDEX chunks_path ON chunks(profile_run_id, rel_path);
      CREATE INDEX events_type ON events(session_id, type, seq);

      CREATE TABLE run_status (
        session_id TEXT PRIMARY KEY,
        updated_at TEXT NOT NULL,
        json       TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    description: 'chunk history per engine, with the chunk size the scan estimated (learnt ETA)',
    sql: `
      -- The engine that copied the chunk and what the scan estimated of it: the learnt ETA
      -- models duration from the estimated size (what a run knows before it copies), per engine.
      ALTER TABLE chunk_history ADD COLUMN engine TEXT;
      ALTER TABLE chunk_history ADD COLUMN est_bytes INTEGER;
      ALTER TABLE chunk_history ADD COLUMN est_files INTEGER;
    `,
  },
  {
    // After main's chunk-history migration (4): versions are applied in order, each once.
    version: 5,
    description: 'chunk attempts: the counts of every attempt (retried, failed, killed), the source of every total',
    sql: `
      -- One row per attempt of a chunk in a profile run. A chunk row's files_copied / bytes_copied
      -- are the sums over its attempts (src/report/chunk-totals.ts), so a chunk that copied files
      -- and was then retried, or killed by a stop, still counts them.
      CREATE TABLE chunk_attempts (
        profile_run_id INTEGER NOT NULL,
        chunk_id       TEXT NOT NULL,
        attempt        INTEGER NOT NULL,
        started_at     TEXT,
        finished_at    TEXT NOT NULL,
        duration_ms    INTEGER,
        exit_code      INTEGER,
        severity       TEXT,
        killed         INTEGER NOT NULL DEFAULT 0,
        files_copied   INTEGER NOT NULL DEFAULT 0,
        bytes_copied   INTEGER NOT NULL DEFAULT 0,
        files_skipped  INTEGER NOT NULL DEFAULT 0,
        bytes_skipped  INTEGER NOT NULL DEFAULT 0,
        files_failed   INTEGER NOT NULL DEFAULT 0,
        extras_removed INTEGER NOT NULL DEFAULT 0,
        message        TEXT,
        PRIMARY KEY (profile_run_id, chunk_id, attempt)
      ) WITHOUT ROWID;
      ALTER TABLE chunks ADD COLUMN files_skipped INTEGER NOT NULL DEFAULT 0;
      -- Where the session's logs are (files.log for robocurse log show, from any directory).
      ALTER TABLE runs ADD COLUMN log_dir TEXT;
      ALTER TABLE profile_runs ADD COLUMN files_skipped INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 6,
    description: 'failed files: every file still failing after its chunk\'s last attempt; file-only attempts',
    sql: `
      -- Every file a chunk's last attempt could not copy (a failed chunk, or one that ended
      -- CompleteWithWarnings under failedFilesSeverity "warning"): the complete list behind
      -- robocurse history --failed-files, where summaries show only the first ones.
      CREATE TABLE failed_files (
        profile_run_id INTEGER NOT NULL,
        chunk_id       TEXT NOT NULL,
        path           TEXT NOT NULL,
        error          TEXT NOT NULL,
        severity       TEXT NOT NULL,
        attempts       INTEGER NOT NULL,
        PRIMARY KEY (profile_run_id, chunk_id, path)
      ) WITHOUT ROWID;
      -- How many files an attempt was limited to (a retry of only the files the previous one failed).
      ALTER TABLE chunk_attempts ADD COLUMN only_files INTEGER;
    `,
  },
  {
    version: 7,
    description: 'events by time: retention deletes old events without reading every event of 90 days',
    sql: `
      -- Every run starts by deleting events older than retention.eventsDays. Without this index
      -- that DELETE read the whole events table (its JSON included) each time: ~17 ms for 3,600
      -- events here, growing with every night kept; with it, only the index range that expires.
      CREATE INDEX events_time ON events(timestamp);
    `,
  },
];

/** The schema version this build writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
