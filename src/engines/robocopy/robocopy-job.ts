import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk, CopyJob, CopyOptions, CopyProgress, CopyResult, ExitMeaning } from '../../api';
import type { TrackedChild } from '../../process/tracked-child';
import { MAX_LINE_CHARS } from '../bounded-lines';
import { robocopyExitMeaning, type MismatchSeverity } from '../exit-meaning';
import type { RobocopyLogParser } from './log/parser-pool';
import { RobocopyFileReporter } from './file-actions';
import { errorsFromLog, statsFromLog, statsFromProgress } from './result-mapping';
import { RobocopyStdoutProgress } from './stdout-progress';

/** Everything a running job needs, decided by RobocopyCopier.start. */
export interface RobocopyJobSetup {
  chunk: Chunk;
  child: TrackedChild;
  logPath: string;
  parser: RobocopyLogParser;
  mirror: boolean;
  dryRun: boolean;
  /** Per-file reports from the log at the end (files.log, the dry run's listing). */
  report?: Pick<CopyOptions, 'onFileAction' | 'onDeletion'>;
  codePage?: number | string;
  mismatchSeverity?: MismatchSeverity;
  killGraceMs: number;
  canSuspend: boolean;
  /** Called with warnings worth a log line (unparsed log, failed clean-up). */
  warn: (msg: string, details: object) => void;
}

const STDERR_KEEP = 4096;

/** Where `srcFile` (a full source path from /FP output) lands in the destination, if inside the chunk. */
function destinationOf(chunk: Chunk, srcFile: string): string | null {
  const win = /^[A-Za-z]:|^\\\\/.test(chunk.sourcePath);
  const p = win ? path.win32 : path.posix;
  const rel = p.relative(chunk.sourcePath, srcFile);
  if (rel === '' || rel.startsWith('..') || p.isAbsolute(rel)) return null;
  return p.join(chunk.destinationPath, rel);
}

/** One robocopy process for one chunk, seen through the Copier contract. */
export class RobocopyJob implements CopyJob {
  readonly chunk: Chunk;
  readonly pid?: number;
  readonly startedAt = new Date();
  readonly done: Promise<CopyResult>;
  readonly suspend?: () => void;
  readonly resume?: () => void;

  private readonly listeners = new Set<(p: CopyProgress) => void>();
  private readonly tracker: RobocopyStdoutProgress;
  private killRequested = false;
  private stderr = '';
  private readonly files: RobocopyFileReporter;

  constructor(private readonly setup: RobocopyJobSetup) {
    this.chunk = setup.chunk;
    this.pid = setup.child.pid;
    this.files = new RobocopyFileReporter(setup.chunk, { mirror: setup.mirror, ...setup.report });
    // In a dry run robocopy lists files it does not copy: no bytes move, so none are reported.
    this.tracker = new RobocopyStdoutProgress((p) => { if (!setup.dryRun) this.notify(p); }, setup.codePage, this.files);
    const { child } = setup.child;
    child.stdout?.on('data', (b: Buffer) => this.tracker.write(b));
    child.stderr?.on('data', (b: Buffer) => { this.stderr = (this.stderr + b.toString('utf8')).slice(-STDERR_KEEP); });
    if (setup.canSuspend) {
      this.suspend = () => setup.child.suspend();
      this.resume = () => setup.child.resume();
    }
    this.done = this.finish();
  }

  progress(): CopyProgress {
    return this.setup.dryRun ? { bytesCopied: 0, filesCopied: 0 } : this.tracker.progress();
  }

  onProgress(listener: (p: CopyProgress) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  async kill(): Promise<void> {
    this.killRequested = true;
    await this.setup.child.killTree(this.setup.killGraceMs);
    await this.done;
  }

  private notify(p: CopyProgress): void {
    for (const l of [...this.listeners]) {
      try { l(p); } catch { /* a listener's failure must not break the job */ }
    }
  }

  private async finish(): Promise<CopyResult> {
    const exit = await this.setup.child.exited;
    // Decided at exit: a kill() that arrives while the log is parsed did not end the process.
    const killed = this.killRequested;
    this.tracker.end();
    if (this.tracker.truncatedLines > 0) this.setup.warn(`${this.tracker.truncatedLines} robocopy console line(s) longer than ${MAX_LINE_CHARS} characters were cut short`, { truncatedLines: this.tracker.truncatedLines });
    const { setup } = this;
    const durationMs = (): number => Date.now() - this.startedAt.getTime();
    if (exit.spawnError) {
      const code = (exit.spawnError as NodeJS.ErrnoException).code ?? exit.spawnError.message;
      return {
        exitCode: -1,
        exitMeaning: { severity: 'Fatal', shouldRetry: false, message: `robocopy could not be started (${code}): ${exit.spawnError.message}` },
        stats: statsFromProgress({ bytesCopied: 0, filesCopied: 0 }), errors: [], durationMs: durationMs(), killed: false,
      };
    }
    if (killed) await this.removeUnfinishedFile();
    const exitCode = exit.code ?? -1;
    // build-args.ts always writes /UNILOG: the chunk log is UTF-16LE, never guessed at.
    const log = await setup.parser.parse(setup.logPath, { encoding: 'utf16le' });
    if (!log.parsed && !killed) setup.warn('robocopy log not fully parsed; stats from console output', { logPath: setup.logPath, warnings: log.warnings });
    this.files.finish(killed, log.errors, log.nameLines);
    const meaning: ExitMeaning = robocopyExitMeaning(killed ? -1 : exitCode, { mismatchSeverity: setup.mismatchSeverity });
    if (!killed && exitCode >= 16 && this.stderr.trim() !== '') meaning.message += `; robocopy said: ${this.stderr.trim().split(/\r?\n/).pop()}`;
    const stats = log.jobs.length > 0 ? statsFromLog(log, setup.mirror && !setup.dryRun) : statsFromProgress(this.progress());
    if (!killed && !setup.dryRun) this.tracker.settle(stats);
    return {
      exitCode: killed ? -1 : exitCode,
      exitMeaning: meaning,
      stats,
      errors: errorsFromLog(log),
      logPath: setup.logPath,
      durationMs: durationMs(),
      killed: killed,
    };
  }

  /**
   * Robocopy writes straight to the destination name, so a kill mid-file leaves a truncated file
   * that looks complete. The console output says which file was in flight; remove its
   * destination copy so no partial file survives under a real name (the next run copies it again).
   */
  private async removeUnfinishedFile(): Promise<void> {
    if (this.setup.dryRun) return;
    const src = this.tracker.unfinishedFile();
    const dst = src === undefined ? null : destinationOf(this.chunk, src);
    if (dst === null) return;
    try { await fs.promises.unlink(dst); } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.setup.warn('could not remove a partly copied file after kill', { path: dst, error: String(err) });
    }
  }
}
