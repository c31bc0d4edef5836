import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathTrustProblem } from '../fs/path-trust';
import { mkdirPrivate, openPrivateAppend } from '../fs/private-files';

/**
 * robocurse's own folder of the invoking user: `$XDG_STATE_HOME/robocurse`, else
 * `~/.local/state/robocurse` (`%LOCALAPPDATA%\robocurse` on Windows). It holds the record of the
 * last state database used (so `robocurse status` works from any directory) and the state and
 * logs of `robocurse copy`. Private like all of robocurse's files (docs/security.md).
 */
export function userStateHome(env: NodeJS.ProcessEnv): string {
  if (env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)) return path.join(env.XDG_STATE_HOME, 'robocurse');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'robocurse');
  return path.join(env.HOME || os.homedir(), '.local', 'state', 'robocurse');
}

const LAST_USED = 'last-state.json';

/** What the last run recorded: where its state database is, and which config (if any) it ran. */
export interface LastUsed {
  stateDir: string;
  logDir?: string;
  configPath?: string;
  sessionId?: string;
  at: string;
}

/**
 * Remembers the state folder of the run starting now. Best effort: a home that cannot be written
 * must not stop a run, so failures are returned for the log, never thrown.
 */
export function recordLastUsed(env: NodeJS.ProcessEnv, rec: Omit<LastUsed, 'at'>): string | undefined {
  const home = userStateHome(env);
  const file = path.join(home, LAST_USED);
  try {
    mkdirPrivate(home);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.rmSync(tmp, { force: true });
    const fd = openPrivateAppend(tmp);
    try { fs.writeSync(fd, `${JSON.stringify({ ...rec, at: new Date().toISOString() })}\n`); } finally { fs.closeSync(fd); }
    fs.renameSync(tmp, file);
    return undefined;
  } catch (err) {
    return `cannot record the last used state folder in ${file}: ${(err as Error).message}`;
  }
}

/**
 * The last used state folder, when a trustworthy record exists: the record file (and the folders
 * above it) must be changeable only by this user or root, or another user could point `status`
 * and `stop` at a database of theirs.
 */
export function readLastUsed(env: NodeJS.ProcessEnv): LastUsed | undefined {
  const file = path.join(userStateHome(env), LAST_USED);
  if (!fs.existsSync(file) || pathTrustProblem(file)) return undefined;
  try {
    const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LastUsed>;
    return typeof rec.stateDir === 'string' && path.isAbsolute(rec.stateDir) ? { ...rec, stateDir: rec.stateDir, at: String(rec.at ?? '') } : undefined;
  } catch {
    return undefined;
  }
}
