/**
 * Selection filters beyond excludes: which files a profile copies by size and age (robocopy
 * /MAX /MIN /MAXAGE /MINAGE, rclone --max-age). Resolved once per run, so the scan (plan totals)
 * and every engine decide with the same instants. A file left out by a filter is neither copied
 * nor counted, and a mirror never deletes a destination file the filter leaves out.
 */
export interface SizeAgeFilter {
  /** Files bigger than this many bytes are left out (maxSize). */
  maxSize?: number;
  /** Files smaller than this many bytes are left out (minSize). */
  minSize?: number;
  /** Files last modified before this instant (epoch ms) are left out (maxAge). */
  modifiedFromMs?: number;
  /** Files last modified after this instant (epoch ms) are left out (minAge). */
  modifiedUntilMs?: number;
}

/** True when the filter asks for anything at all. */
export function hasSizeAgeFilter(f: SizeAgeFilter | undefined): f is SizeAgeFilter {
  return f !== undefined && (f.maxSize !== undefined || f.minSize !== undefined || f.modifiedFromMs !== undefined || f.modifiedUntilMs !== undefined);
}

/** Whether a regular file of `size` bytes last modified at `mtimeMs` is selected. Pure and cheap. */
export function selectsFile(f: SizeAgeFilter | undefined, size: number, mtimeMs: number): boolean {
  if (!f) return true;
  if (f.maxSize !== undefined && size > f.maxSize) return false;
  if (f.minSize !== undefined && size < f.minSize) return false;
  if (f.modifiedFromMs !== undefined && mtimeMs < f.modifiedFromMs) return false;
  if (f.modifiedUntilMs !== undefined && mtimeMs > f.modifiedUntilMs) return false;
  return true;
}
