import * as path from 'node:path';

const DRIVE_ONLY = /^[A-Za-z]:$/;

/**
 * Absolute path of `relPath` ('/'-separated, '' = root) under `root`, built with path.win32 or
 * path.posix so Windows destinations are right when planned on Linux and vice versa.
 * The root itself is returned exactly as given. Drive roots (`D:`, `D:\`), UNC roots
 * (`\\server\share\`), trailing separators and mixed slashes all give one clean path; a bare
 * `D:` is read as the drive root, never as the drive's current directory.
 */
export function mapRelPath(root: string, relPath: string, windows: boolean): string {
  if (relPath === '') return root;
  const segments = relPath.split('/').filter((s) => s !== '');
  if (segments.length === 0) return root;
  if (!windows) return path.posix.join(root, ...segments);
  const base = DRIVE_ONLY.test(root) ? `${root}\\` : root;
  return path.win32.join(base, ...segments);
}

function comparable(p: string, windows: boolean): string {
  if (windows) {
    const slashed = p.replace(/\//g, '\\');
    // normalize('D:') is 'D:.' (the drive's current directory); as a root it means the drive.
    let n = path.win32.normalize(DRIVE_ONLY.test(slashed) ? `${slashed}\\` : slashed);
    while (n.length > 1 && n.endsWith('\\')) n = n.slice(0, -1);
    // Windows folds case for path comparison; toLowerCase is close enough for names users type.
    return n.toLowerCase();
  }
  let n = path.posix.normalize(p);
  while (n.length > 1 && n.endsWith('/')) n = n.slice(0, -1);
  return n;
}

/**
 * True when `a` and `b` name the same path, for matching checkpoints to chunks: ignores
 * trailing separators, '.' segments and doubled separators; for Windows paths also case and
 * slash direction (`D:\Data\` equals `d:/data`). POSIX paths compare case-sensitively.
 */
export function samePath(a: string, b: string, windows: boolean): boolean {
  return comparable(a, windows) === comparable(b, windows);
}
