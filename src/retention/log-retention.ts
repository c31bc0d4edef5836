import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RetentionPolicy } from '../config/types';
import { sessionStartedAt } from '../logging/session-id';

/** A session id as newSessionId() makes it (src/logging/session-id.ts). */
const SESSION_ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;
const SESSION_LOG = /^robocurse-(\d{8}-\d{6}-[0-9a-f]{6})\.log(\.gz)?$/;
const DAY_MS = 86_400_000;

/** What one pass over the log directory did (or, in a dry run, would do). */
export interface LogRetentionReport {
  /** Files gzipped (their paths before compression). */
  compressed: string[];
  /** Sessions whose logs were deleted. */
  deletedSessions: string[];
  /** Sessions left alone because they are running. */
  protectedSessions: string[];
  /** Problems with single files; the pass goes on. */
  errors: string[];
}

/** A session's own logs in the log directory, and its folder of chunk logs (listed only when needed: dirFiles). */
interface SessionFiles { id: string; files: string[]; dir?: string }

/*
 * Two runs started together (cron, one profile each) prune the same log directory at once: a file
 * or folder the other pass compressed or deleted between this pass's listing and its lstat is
 * gone, not an error. A vanished file counts as recent (hasFileSince), so a pass deletes nothing on
 * what it could not see.
 */
const lstatIfAny = (f: string): fs.Stats | undefined => fs.lstatSync(f, { throwIfNoEntry: false });
const isNoEntry = (e: unknown): boolean => (e as NodeJS.ErrnoException)?.code === 'ENOENT';

/** Regular files under `dir` (no links followed), recursively; none when it is gone. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) {
    if (isNoEntry(e)) return out;
    throw e;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The sessions found in `logDir`: the session log and the `<session>/` folder of chunk logs. */
function sessionsIn(logDir: string): SessionFiles[] {
  const byId = new Map<string, SessionFiles>();
  const get = (id: string): SessionFiles => {
    let s = byId.get(id);
    if (!s) { s = { id, files: [] }; byId.set(id, s); }
    return s;
  };
  for (const e of fs.readdirSync(logDir, { withFileTypes: true })) {
    const m = SESSION_LOG.exec(e.name);
    if (m && e.isFile()) get(m[1]).files.push(path.join(logDir, e.name));
    else if (SESSION_ID.test(e.name) && e.isDirectory()) get(e.name).dir = path.join(logDir, e.name);
  }
  // Newest first: session ids start with their local start time.
  return [...byId.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** The files in the session's folder of chunk logs (none without one). */
function dirFiles(s: SessionFiles): string[] {
  return s.dir ? filesUnder(s.dir) : [];
}

/**
 * Whether any file of the session was modified at or after `cutoff`: its logs expire when none
 * was. Its own log (written last) first, its folder only when that is older: a session of the
 * last weeks answers with one lstat instead of a listing and an lstat per chunk log (`run` in a
 * log directory of 90 nightly sessions of 200 chunk logs each spent ~0.13 s here: issue #17).
 */
function hasFileSince(s: SessionFiles, cutoff: number): boolean {
  const since = (f: string): boolean => (lstatIfAny(f)?.mtimeMs ?? Infinity) >= cutoff;
  return s.files.some(since) || dirFiles(s).some(since);
}

/**
 * The session's files to gzip: older than `cutoff` and not compressed yet. Its folder is listed
 * only while its own log is not compressed: that log is compressed last, after every other file of
 * the session (compress), so a compressed one says the folder's files were done in that pass.
 */
function toCompress(s: SessionFiles, cutoff: number): string[] {
  // No file of a session is older than the session, whose id says when it started (local time):
  // one that started after the cutoff, with a day's margin for a clock set back or a new time
  // zone, has nothing to compress, and its folder is not listed (docs/operations.md). Every start
  // listed them: a schedule every hour keeps a week of sessions uncompressed, and with 200 chunk
  // logs each a run spent ~0.25 s lstat-ing ~34,000 files here.
  if (sessionStartedAt(s.id) - DAY_MS >= cutoff) return [];
  const plain = (f: string): boolean => !f.endsWith('.gz') && !/\.gz\.tmp-[0-9a-f]+$/.test(f);
  const own = s.files.filter(plain);
  if (s.files.length > 0 && own.length === 0) return [];
  return [...dirFiles(s), ...own].filter((f) => plain(f) && (lstatIfAny(f)?.mtimeMs ?? Infinity) < cutoff);
}

/**
 * gzip `file` to `file.gz` (temp name, fsync, rename, the original's mtime), then remove it. A file
 * that another pass compressed meanwhile (gone, its .gz there) is done, not an error.
 */
async function gzipFile(file: string): Promise<void> {
  const st = lstatIfAny(file);
  if (!st) return;
  const tmp = `${file}.gz.tmp-${randomBytes(4).toString('hex')}`;
  try {
    // Loaded here, not at the top: most starts compress nothing, and zlib with the stream stack
    // costs every start a few ms (issue #17).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { pipeline } = require('node:stream/promises') as typeof import('node:stream/promises');
    const { createGzip } = require('node:zlib') as typeof import('node:zlib');
    /* eslint-enable @typescript-eslint/no-require-imports */
    await pipeline(fs.createReadStream(file), createGzip(), fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
    const fd = fs.openSync(tmp, 'r');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    fs.utimesSync(tmp, st.atime, st.mtime);
    fs.renameSync(tmp, `${file}.gz`);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    if (isNoEntry(e) && !lstatIfAny(file) && lstatIfAny(`${file}.gz`)) return;
    throw e;
  }
  fs.rmSync(file, { force: true });
}

/**
 * Applies `global.retention` to the log directory: a session's logs are deleted when its newest
 * file is older than `logsDays` (the newest `sessionsKeep` sessions always stay), and files older
 * than `compressAfterDays` are gzipped. Sessions in `running` are never touched, whatever their
 * age. 0 turns a rule off.
 */
export async function pruneLogs(logDir: string, policy: RetentionPolicy, running: ReadonlySet<string>, o: { now: number; dryRun: boolean }): Promise<LogRetentionReport> {
  const report: LogRetentionReport = { compressed: [], deletedSessions: [], protectedSessions: [], errors: [] };
  if (!fs.existsSync(logDir)) return report;
  const sessions = sessionsIn(logDir);
  sessions.forEach((s, i) => {
    if (running.has(s.id)) { report.protectedSessions.push(s.id); return; }
    const expired = policy.logsDays > 0 && i >= policy.sessionsKeep && !hasFileSince(s, o.now - policy.logsDays * DAY_MS);
    if (!expired) return;
    report.deletedSessions.push(s.id);
    if (o.dryRun) return;
    try {
      for (const f of s.files) fs.rmSync(f, { force: true });
      if (s.dir) fs.rmSync(s.dir, { recursive: true, force: true });
    } catch (e) { report.errors.push(`${s.id}: ${(e as Error).message}`); }
  });
  if (policy.compressAfterDays <= 0) return report;
  for (const s of sessions) {
    if (running.has(s.id) || report.deletedSessions.includes(s.id)) continue;
    // The session's own log last (toCompress), and only when every other file went well.
    const files = toCompress(s, o.now - policy.compressAfterDays * DAY_MS);
    let failed = false;
    for (const f of files) {
      if (failed && s.files.includes(f)) continue;
      report.compressed.push(f);
      if (o.dryRun) continue;
      try { await gzipFile(f); } catch (e) { failed = true; report.errors.push(`${f}: ${(e as Error).message}`); }
    }
  }
  return report;
}
