import type Database from 'better-sqlite3';

/**
 * What every table module needs: the connection, a per-store cache of prepared statements (so a
 * hot call such as markChunkDone compiles its SQL once per store, not once per chunk), and the
 * clock (injectable so tests get stable timestamps).
 */
export interface StoreContext {
  readonly db: Database.Database;
  stmt(sql: string): Database.Statement;
  /** ISO 8601 UTC timestamp for "now". */
  now(): string;
  /**
   * Runs `fn` as one write transaction. IMMEDIATE: the write lock is taken at BEGIN, so a
   * transaction that reads then writes can wait on busy_timeout instead of failing with
   * SQLITE_BUSY when another process committed in between (WAL snapshot upgrade).
   */
  write<T>(fn: () => T): T;
}

/** Builds the context for one open connection. */
export function createStoreContext(db: Database.Database, clock: () => Date = () => new Date()): StoreContext {
  const cache = new Map<string, Database.Statement>();
  return {
    db,
    stmt(sql) {
      let s = cache.get(sql);
      if (!s) {
        s = db.prepare(sql);
        cache.set(sql, s);
      }
      return s;
    },
    now: () => clock().toISOString(),
    write: <T>(fn: () => T): T => db.transaction(fn).immediate(),
  };
}
