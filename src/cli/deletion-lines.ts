import { formatBytes } from '../api/units';
import { displayName } from '../fs/byte-names';
import { deletionReport, type FileReport } from '../files-log/file-report';
import type { DeletionReport } from '../orchestrator/safety-rails';
import type { CliIo } from './io';

/** What a dry run's listing receives from the run. */
export interface DryRunListing {
  onDeletion(d: DeletionReport): void;
  onFileAction(r: FileReport): void;
  /** A chunk's attempt ended: its lines are printed now, sorted by path. */
  chunkDone(chunkId: string): void;
  /** Prints what is left (chunks a stop cut short), at the end of the run. */
  flush(): void;
}

const VERB: Record<FileReport['action'], string> = {
  new: 'would copy', update: 'would update', copy: 'would copy', delete: 'would delete', skip: 'would skip', fail: 'would fail',
};

/** One line of the text listing: `would copy /src/a/b.txt (1.50 KiB)`, `would delete /dst/old/ (and 3 entries inside)`. */
export function listingLine(r: FileReport): string {
  const shown = `${displayName(r.path)}${r.isDir ? '/' : ''}`;
  if (r.action === 'delete') {
    const inside = r.isDir && (r.entries ?? 1) > 1 ? ` (and ${r.entries! - 1} entr${r.entries === 2 ? 'y' : 'ies'} inside)` : '';
    return `${VERB.delete} ${shown}${inside}`;
  }
  const detail = r.action === 'skip' || r.action === 'fail' ? (r.error ? `: ${r.error}` : '') : r.size !== undefined && r.size >= 0 ? ` (${formatBytes(r.size)})` : '';
  return `${VERB[r.action]} ${shown}${detail}`;
}

/** The --json form: `{"type":"deletion",...}` (as before) or `{"type":"file","action":"new",...}`. */
export function listingJson(r: FileReport): string {
  if (r.action === 'delete') {
    return JSON.stringify({ type: 'deletion', profile: r.profile, chunkId: r.chunkId, relPath: displayName(r.relPath), path: displayName(r.path), isDir: r.isDir ?? false, entries: r.entries ?? 1, dryRun: r.dryRun });
  }
  return JSON.stringify({
    type: 'file', action: r.action, profile: r.profile, chunkId: r.chunkId, relPath: displayName(r.relPath), path: displayName(r.path),
    ...(r.size !== undefined ? { size: r.size } : {}), ...(r.error !== undefined ? { error: r.error } : {}), dryRun: r.dryRun,
  });
}

const byPath = (a: FileReport, b: FileReport): number => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0);

/**
 * `run --dry-run` (and `copy --dry-run`) list on stdout every file that would be copied, updated
 * or deleted, with full paths: sources for copies, destinations for deletions. Engines report
 * files in whatever order their threads find them, so each chunk's lines are held until its
 * attempt ends and printed sorted by path; deletions of the final pass (no chunk) print at once.
 * Straight to stdout, so the log level (warn on a terminal) never hides them. Real runs list
 * nothing here: their record is files.log and the session log.
 */
export function dryRunListing(args: { dryRun: boolean; json?: boolean }, io: CliIo): DryRunListing | undefined {
  if (!args.dryRun) return undefined;
  const held = new Map<string, FileReport[]>();
  const print = (r: FileReport): void => { io.stdout.write(`${args.json ? listingJson(r) : listingLine(r)}\n`); };
  const add = (r: FileReport): void => {
    if (r.chunkId === undefined) { print(r); return; }
    let list = held.get(r.chunkId);
    if (!list) held.set(r.chunkId, list = []);
    list.push(r);
  };
  const release = (chunkId: string): void => {
    const list = held.get(chunkId);
    held.delete(chunkId);
    if (list) for (const r of list.sort(byPath)) print(r);
  };
  return {
    onDeletion: (d) => add(deletionReport(d, Date.now())),
    onFileAction: add,
    chunkDone: release,
    flush: () => { for (const id of [...held.keys()]) release(id); },
  };
}
