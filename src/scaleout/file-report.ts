import type { CopyOptions, CopyResult, Deletion, FileAction, FileActionKind } from '../api';
import { loadName, storeName } from '../fs/byte-names';

/**
 * The per-file reports of one remote attempt (CopyOptions.onFileAction / onDeletion on the
 * worker), carried back with its result so the coordinator feeds them to the same callbacks as a
 * local job: files.log, the failed-files list and file-only retries, FileFailed events, the
 * deletion listing and the run-wide deletion budget. Names go through storeName (non-UTF-8 bytes).
 */
export interface RemoteFiles {
  /** [kind, relPath, size?, error?] per file, in the order the engine reported them. */
  actions: [FileActionKind, string, number?, string?][];
  /** [relPath, isDir (1/0), entries] per deletion. */
  deletions: [string, 0 | 1, number][];
  /** Reports of copied or skipped files left out past the cap (failures and deletions never are). */
  omitted: number;
}

/** What a worker returns for a job: the engine's result and its per-file reports. */
export type RemoteResult = CopyResult & { files?: RemoteFiles };

/**
 * Copied and skipped files kept per attempt: a chunk's files.log entries travel through Redis in
 * the job's return value, so a first copy of a huge chunk must not put megabytes there. Failures
 * (the retry decision and the failed-files list need every one) and deletions (the run-wide
 * deletion budget counts them) are always kept; they are bounded by the chunk itself.
 */
export const REMOTE_FILE_ACTIONS_CAP = 20_000;

/** Collects one attempt's per-file reports on the worker. */
export class RemoteFilesCollector {
  private readonly files: RemoteFiles = { actions: [], deletions: [], omitted: 0 };
  private kept = 0;

  constructor(private readonly cap = REMOTE_FILE_ACTIONS_CAP) {}

  readonly onFileAction = (a: FileAction): void => {
    if (a.action !== 'fail') {
      if (this.kept >= this.cap) { this.files.omitted++; return; }
      this.kept++;
    }
    const row: RemoteFiles['actions'][number] = [a.action, storeName(a.relPath)];
    if (a.size !== undefined || a.error !== undefined) row.push(a.size);
    if (a.error !== undefined) row.push(storeName(a.error));
    this.files.actions.push(row);
  };

  readonly onDeletion = (d: Deletion): void => {
    this.files.deletions.push([storeName(d.relPath), d.isDir ? 1 : 0, d.entries]);
  };

  report(): RemoteFiles {
    return this.files;
  }
}

/**
 * Hands a remote attempt's reports to the coordinator's callbacks for it, as a local engine would
 * have called them; returns how many reports the worker left out. A report that is not of this
 * shape (an older worker) is ignored.
 */
export function replayRemoteFiles(files: unknown, options: Pick<CopyOptions, 'onFileAction' | 'onDeletion'>): number {
  if (!isRemoteFiles(files)) return 0;
  for (const [action, relPath, size, error] of files.actions) {
    options.onFileAction?.({ action, relPath: loadName(relPath), ...(typeof size === 'number' ? { size } : {}), ...(typeof error === 'string' ? { error: loadName(error) } : {}) });
  }
  for (const [relPath, isDir, entries] of files.deletions) options.onDeletion?.({ relPath: loadName(relPath), isDir: isDir === 1, entries });
  return files.omitted;
}

const KINDS = new Set<string>(['new', 'update', 'copy', 'skip', 'fail']);

function isRemoteFiles(x: unknown): x is RemoteFiles {
  const f = x as RemoteFiles;
  return !!f && typeof f === 'object' && Array.isArray(f.actions) && Array.isArray(f.deletions) && typeof f.omitted === 'number'
    && f.actions.every((a) => Array.isArray(a) && KINDS.has(a[0]) && typeof a[1] === 'string')
    && f.deletions.every((d) => Array.isArray(d) && typeof d[0] === 'string' && typeof d[2] === 'number');
}
