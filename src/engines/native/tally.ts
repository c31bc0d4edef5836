import { emptyStats, type CopyStats, type FileAction, type FileError, type Logger } from '../../api';
import { displayName } from '../../fs/byte-names';
import { inTheWayMessage, type Replaced } from '../../fs/dir-chain';

/** What a job found and did, as it goes; turned into the CopyResult at the end. */
export class Tally {
  readonly stats: CopyStats = emptyStats();
  readonly errors: FileError[] = [];
  /** Files and directories that failed (errors beyond maxErrors are counted, not kept). */
  failures = 0;
  /** Extras present in the destination but not removed (no mirror, or dry run). */
  extras = 0;
  /** Symbolic links and special files skipped on purpose. */
  skippedEntries = 0;
  fatal = false;
  /** Links or files where a directory belongs, removed (mirror) to make room for it. */
  replaced = 0;
  /** Attributes (xattrs, ACLs) that copied entries did not get. */
  notKept = 0;
  /** Directories found up to date by the scan's digest, their source not listed again (clean-walk.ts). */
  dirsFromDigest = 0;
  /** Subtrees passed over unlisted: the scan found them up to date in the copy (clean-walk.ts). */
  subtreesFromScan = 0;
  /** Directories whose source listing came from the scan (kept-listings.ts), not listed again. */
  dirsFromScanListing = 0;
  /** What was said once per job already (the destination lacks xattrs: said once, not per file). */
  private readonly said = new Set<string>();

  /** `onAction`: the job's per-file report (CopyOptions.onFileAction); a throwing one is ignored. */
  constructor(private readonly maxErrors: number, private readonly logger: Logger, private readonly onAction?: (a: FileAction) => void) {}

  private report(a: FileAction): void {
    try { this.onAction?.(a); } catch { /* a report must never fail a copy */ }
  }

  /** A file copied (or, in a dry run, to be copied): `isNew` when the destination had none. */
  copied(rel: string, size: number, isNew: boolean): void {
    this.report({ action: isNew ? 'new' : 'update', relPath: rel, size });
  }

  /**
   * Records a failed path (relative to the chunk, or absolute for a root); `bytes` is the size
   * that was not copied, when it is a file. Names are shown escaped (byte-names.ts).
   */
  fail(rawPath: string, err: unknown, bytes = 0, isFile = true): void {
    const path = displayName(rawPath);
    const e = err as NodeJS.ErrnoException;
    const code = typeof e?.code === 'string' ? e.code : 'UNKNOWN';
    const message = e instanceof Error ? e.message : String(err);
    this.failures++;
    if (isFile) { this.stats.filesFailed++; this.stats.bytesFailed += bytes; }
    if (this.errors.length < this.maxErrors) this.errors.push({ path, code, message });
    // Node's messages start with the code already ("EACCES: permission denied, ...").
    const error = message.startsWith(`${code}:`) ? message : `${code}: ${message}`;
    this.report({ action: 'fail', relPath: rawPath, ...(isFile && bytes > 0 ? { size: bytes } : {}), error });
    this.logger.warn({ path, code, err: message }, 'native copy: failed');
  }

  /** A fatal condition (the chunk as a whole cannot be copied). */
  fatalError(path: string, err: unknown): void {
    this.fatal = true;
    this.fail(path, err, 0, false);
    this.failures--; // fatal is its own exit bit (16), not also a per-file failure (8)
  }

  /** An attribute an entry did not get; the entry itself was copied. */
  attributeNotKept(path: string, name: string, code: string): void {
    this.notKept++;
    this.logger.warn({ path: displayName(path), attribute: name, code }, `native copy: ${displayName(path)}: extended attribute ${name} not kept (${code})`);
  }

  /** A warning for the whole job, logged once however often it applies. */
  once(key: string, message: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.logger.warn({}, `native copy: ${message}`);
  }

  skipEntry(path: string, kind: string): void {
    this.skippedEntries++;
    this.report({ action: 'skip', relPath: path, error: kind === 'symlink' ? 'symbolic link (not copied)' : kind === 'special' ? 'special file (not copied)' : kind });
    this.logger.warn({ path: displayName(path), kind }, 'native copy: not a regular file or directory, skipped');
  }

  /** A source file whose destination name is held by a directory (no mirror, or a race). */
  dirInWay(path: string, bytes: number): void {
    this.fail(path, Object.assign(new Error(`a directory is in the way of file ${displayName(path)}`), { code: 'EISDIR' }), bytes);
  }

  /** Links or files removed where a directory belongs: extras, and worth a line in the log. */
  replacedEntries(list: readonly Replaced[]): void {
    for (const r of list) {
      this.replaced++;
      this.stats.extrasRemoved++;
      this.logger.warn({ path: displayName(r.path), kind: r.kind, target: r.target }, `${inTheWayMessage(r.path, r.kind, r.target)}: removed (mirror) and replaced by a directory; its target was not touched`);
    }
  }
}
