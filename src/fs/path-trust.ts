import { RobocurseError } from '../api/errors';
import { traitsOf } from '../errors/catalogue';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Who may change a path without robocurse's consent, checked the way ssh's StrictModes checks
 * ~/.ssh: the path and every directory above it up to `/` must be owned by the invoking user or
 * by root, and none may be writable by group or others. A root-owned or trusted-owner directory
 * with the sticky bit (`/tmp`) is the one exception above the path itself: in it, others may add
 * entries but cannot rename or remove ours. Symbolic links on the way are checked too (their
 * owner could swap them) and so is the real path they lead to.
 *
 * Group-writable counts as untrusted: a group is other users. POSIX ACLs show their mask in the
 * group bits, so an ACL granting write to someone else shows up as group-writable.
 * Windows has no POSIX owners or modes; there the check is skipped (the files inherit the ACL
 * of their directory; see docs/security.md).
 */
export interface TrustOptions {
  /** The user robocurse acts for (default: the process's effective uid). */
  uid?: number;
  /**
   * The path itself must not be writable by others even when it is a sticky directory (a state
   * or log directory others can add files to is not private). Default true.
   */
  strictLeaf?: boolean;
}

/** What is wrong with one component of a path, in words for the admin. */
export interface TrustProblem {
  /** The component that fails (the path itself or one of its directories). */
  at: string;
  reason: string;
  /** A command that fixes it, when there is an obvious one. */
  fix?: string;
}

function currentUid(): number | undefined {
  return typeof process.geteuid === 'function' ? process.geteuid() : undefined;
}

/** `nobody (uid 65534)`: a uid with its name from /etc/passwd when there is one. */
export function describeUid(uid: number): string {
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && Number(f[2]) === uid && f[0] !== '') return `${f[0]} (uid ${uid})`;
    }
  } catch { /* no passwd file: the number alone */ }
  return `uid ${uid}`;
}

const octal = (mode: number): string => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

/** Every path from `abs` up to the root, `abs` first. */
function chain(abs: string): string[] {
  const out = [abs];
  for (let p = abs; path.dirname(p) !== p;) { p = path.dirname(p); out.push(p); }
  return out;
}

function checkComponent(p: string, st: fs.Stats, isLeaf: boolean, uid: number, strictLeaf: boolean): TrustProblem | undefined {
  if (st.uid !== uid && st.uid !== 0) {
    return { at: p, reason: `is owned by ${describeUid(st.uid)}, but only you (${describeUid(uid)}) or root may own it`, fix: `chown ${uid} '${p}'` };
  }
  if (st.isSymbolicLink()) return undefined;
  if ((st.mode & 0o022) === 0) return undefined;
  const sticky = st.isDirectory() && (st.mode & 0o1000) !== 0;
  if (sticky && !(isLeaf && strictLeaf)) return undefined;
  const who = (st.mode & 0o002) !== 0 ? 'every user' : 'its group';
  return { at: p, reason: `is writable by ${who} (mode ${octal(st.mode)})`, fix: `chmod go-w '${p}'` };
}

function checkChain(abs: string, uid: number, strictLeaf: boolean, seen: Set<string>): TrustProblem | undefined {
  for (const [i, p] of chain(abs).entries()) {
    if (seen.has(p)) continue;
    seen.add(p);
    let st: fs.Stats;
    try { st = fs.lstatSync(p); } catch (e) {
      // Not there (yet): nothing anyone could have planted at this component.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
      return { at: p, reason: `cannot be checked (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
    }
    const problem = checkComponent(p, st, i === 0, uid, strictLeaf);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * The first reason why others than the invoking user and root could change `target` (or what it
 * resolves to), or undefined when only they can. Components that do not exist yet are skipped.
 */
export function pathTrustProblem(target: string, options: TrustOptions = {}): TrustProblem | undefined {
  const uid = options.uid ?? currentUid();
  if (uid === undefined || process.platform === 'win32') return undefined;
  const strictLeaf = options.strictLeaf ?? true;
  const abs = path.resolve(target);
  const seen = new Set<string>();
  const lexical = checkChain(abs, uid, strictLeaf, seen);
  if (lexical) return lexical;
  let real: string;
  try { real = fs.realpathSync.native(abs); } catch { return undefined; }
  return real === abs ? undefined : checkChain(real, uid, strictLeaf, seen);
}

/** One sentence for an error message: `<at> <reason>; fix: <fix>`. */
export function formatTrustProblem(p: TrustProblem): string {
  return `${p.at} ${p.reason}${p.fix ? ` (fix: ${p.fix}, after checking that nobody else changed it)` : ''}`;
}

/** A file or directory robocurse will not use because others could change it. */
export class UnsafePathError extends RobocurseError {
  constructor(readonly path: string, readonly problem: TrustProblem, what: string) {
    super('UNSAFE_PATH', `refusing to use ${what} ${path}: ${formatTrustProblem(problem)}; robocurse keeps its state, logs and plugins where only you or root can change them (see docs/security.md)`, traitsOf('UNSAFE_PATH'));
  }
}

/** Throws UnsafePathError when `target` fails pathTrustProblem. */
export function assertTrustedPath(target: string, what: string, options: TrustOptions = {}): void {
  const problem = pathTrustProblem(target, options);
  if (problem) throw new UnsafePathError(target, problem, what);
}

/**
 * pathTrustProblem for `root` and, when it is a directory, for everything beneath it: code
 * loaded from a folder (a plugin package) runs whichever of its files it requires, so every one
 * of them must be beyond others' reach. A symbolic link inside is checked where it leads.
 * More than `maxEntries` entries is itself a problem: a tree that large cannot be vouched for.
 */
export function treeTrustProblem(root: string, options: TrustOptions & { maxEntries?: number } = {}): TrustProblem | undefined {
  const uid = options.uid ?? currentUid();
  if (uid === undefined || process.platform === 'win32') return undefined;
  const top = pathTrustProblem(root, { ...options, uid });
  if (top) return top;
  const max = options.maxEntries ?? 20_000;
  let count = 0;
  const stack = [path.resolve(root)];
  const visited = new Set<string>();
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let st: fs.Stats;
    let real: string;
    try { st = fs.statSync(dir); real = fs.realpathSync.native(dir); } catch { continue; }
    if (!st.isDirectory() || visited.has(real)) continue;
    visited.add(real);
    for (const name of fs.readdirSync(dir)) {
      if (++count > max) return { at: root, reason: `holds more than ${max} files and folders, too many to check that only you or root can change them` };
      const p = path.join(dir, name);
      const lst = fs.lstatSync(p);
      const problem = lst.isSymbolicLink() ? pathTrustProblem(p, { ...options, uid }) : checkComponent(p, lst, true, uid, true);
      if (problem) return problem;
      if (lst.isDirectory() || lst.isSymbolicLink()) stack.push(p);
    }
  }
  return undefined;
}
