import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk, CopyJob, CopyOptions, CopyProgress, CopyResult, ExitMeaning, Logger } from '../../api';
import { emptyStats } from '../../api';
import { setTimesPath } from '../../fs/file-times';
import { spawnTracked, type ChildExit, type TrackedChild } from '../../process/tracked-child';
import { confineExitMeaning } from './confine';
import { rsyncExitMeaning } from './exit-meaning';
import { MAX_LINE_CHARS } from '../bounded-lines';
import { JobLog } from './job-log';
import { LineSplitter } from './line-splitter';
import type { RsyncOutputParser } from './output-parser';
import type { RsyncReport } from './parse-protocol';
import { itemizeAction, parseItemizeLine, ProgressTracker } from './progress-parser';
import { deleteLimitExitMeaning } from '../delete-limit';
import { makeDirsSync } from '../../fs/make-dirs';

/** Everything a job needs, decided by the copier before the process starts. */
export interface RsyncJobSpec {
  chunk: Chunk;
  options: CopyOptions;
  executable: string;
  argv: string[];
  parser: RsyncOutputParser;
  /** The job's --temp-dir, made before rsync starts and removed when it has ended. */
  scratchDir?: string;
  /** rsync runs through robocurse-confine (confine.ts): its exit 125 is confine's own failure. */
  confined?: boolean;
  /**
   * The chunk directory's name, which rsync's names start with for a chunk below the root (its
   * transfer root is the parent: argv.ts chunkOperands); undefined for the root chunk.
   */
  top?: string | undefined;
  /**
   * Shared by the copier's jobs: whether a log that could not be written was already reported
   * at warn (a full log folder fails every chunk's log; one warning says it, the rest go to debug).
   */
  logProblems?: { warned: boolean };
}

/** stderr lines kept for the parser; beyond this a chunk is failing wholesale anyway. */
const MAX_STDERR_LINES = 50_000;
/**
 * rsync's stdout is read this often while it runs, not at each of its writes (paced-reads.ts):
 * the orchestrator looks at progress every 500 ms (its tick), so a line this late changes nothing.
 */
const OUTPUT_PACE_MS = 50;
/** Other stdout lines kept (stats block, notes); per-file and progress lines are not kept. */
const MAX_STDOUT_LINES = 2_000;

/**
 * One running rsync. The process runs in its own process group (spawnTracked), so suspend,
 * resume and kill reach rsync's forked receiver and generator too. `done` resolves once, after
 * the process and its pipes have closed and its output has been parsed.
 */
export class RsyncJob implements CopyJob {
  readonly chunk: Chunk;
  readonly pid?: number;
  readonly startedAt = new Date();
  readonly done: Promise<CopyResult>;

  private readonly tracker = new ProgressTracker();
  private readonly listeners = new Set<(p: CopyProgress) => void>();
  private readonly stdoutLines: string[] = [];
  private readonly stderrLines: string[] = [];
  private droppedStderr = 0;
  /** `*deleting` lines seen: entries deleted (or, in a dry run, listed). */
  private deletions = 0;
  private splitters: LineSplitter[] = [];
  private readonly child: TrackedChild;
  private readonly logger: Logger;
  private log: JobLog | undefined;
  private processExited = false;
  private killRequested = false;
  private forgetScratch?: () => void;
  /** What rsync's names start with for a chunk below the root (RsyncJobSpec.top and a slash). */
  private readonly transferTop: string | undefined;

  constructor(private readonly spec: RsyncJobSpec) {
    this.chunk = spec.chunk;
    this.transferTop = spec.top === undefined ? undefined : `${spec.top}/`;
    this.logger = spec.options.logger.child({ engine: 'rsync', chunk: spec.chunk.id });
    this.prepareDestination();
    this.makeScratchDir();
    this.openLog();
    // LC_ALL=C: messages in English and numbers without locale grouping, whatever the host.
    this.child = spawnTracked(spec.executable, spec.argv, { env: { ...process.env, LC_ALL: 'C' }, ledger: spec.options.childLedger, paceStdoutMs: OUTPUT_PACE_MS });
    this.pid = this.child.pid;
    // 'exit' precedes 'close' (which waits for the pipes): a kill() after it is not a kill.
    this.child.child.once('exit', () => { this.processExited = true; });
    const out = new LineSplitter((l) => this.onStdout(l));
    const err = new LineSplitter((l) => this.onStderr(l));
    this.splitters = [out, err];
    this.child.child.stdout?.on('data', (b: Buffer) => out.push(b));
    this.child.child.stdout?.on('end', () => out.end());
    this.child.child.stderr?.on('data', (b: Buffer) => err.push(b));
    this.child.child.stderr?.on('end', () => err.end());
    this.done = this.child.exited.then((exit) => this.finish(exit)).catch((e: unknown) => this.internalFailure(e))
      .finally(() => this.removeScratchDir());
  }

  progress(): CopyProgress {
    return this.tracker.snapshot();
  }

  onProgress(listener: (p: CopyProgress) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  async kill(): Promise<void> {
    if (!this.processExited) {
      this.killRequested = true;
      await this.child.killTree();
    }
    await this.done;
  }

  suspend(): void {
    this.child.suspend();
  }

  resume(): void {
    this.child.resume();
  }

  /**
   * rsync creates only the last component of its target; a chunk deep in the tree may start
   * before the chunk of its parent has created the parents. The target is the chunk directory's
   * parent (argv.ts chunkOperands): rsync makes the chunk directory itself, replacing a link
   * there rather than following it. The orchestrator's chunk-root guard has already checked
   * (and made) the parents without following links, so this is a no-op in a run. A dry run
   * creates nothing.
   */
  private prepareDestination(): void {
    if (this.spec.options.dryRun) return;
    const { chunk } = this.spec;
    try {
      makeDirsSync(chunk.relPath === '' ? chunk.destinationPath : path.dirname(chunk.destinationPath));
    } catch (e) {
      // rsync will report the same problem with its own exit code; the log says why.
      this.logger.warn({ err: (e as Error).message, path: this.spec.chunk.destinationPath }, 'cannot create destination directory');
    }
  }

  /**
   * The scratch directory rsync keeps its temp files in, recorded in the ledger before it exists
   * so a run killed from here on leaves it to the next run's clean-up. Made only inside a real
   * directory: never through a symlink that stands where the chunk's destination should be.
   */
  private makeScratchDir(): void {
    const dir = this.spec.scratchDir;
    if (!dir) return;
    try {
      const chunkDir = path.dirname(dir);
      // A new chunk's directory does not exist yet (rsync would make it): make it here, without
      // following anything (mkdir never does), so the scratch directory can live inside it.
      try { fs.mkdirSync(chunkDir); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; }
      if (!fs.lstatSync(chunkDir).isDirectory()) throw new Error(`${chunkDir} is not a directory`);
      this.forgetScratch = this.spec.options.childLedger?.recordScratchDir(dir);
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      // rsync then fails this chunk ("mkstemp failed"), saying so in its own words.
      this.logger.warn({ err: (e as Error).message, path: dir }, 'cannot create the scratch directory for rsync temp files');
    }
  }

  private removeScratchDir(): void {
    const dir = this.spec.scratchDir;
    if (!dir) return;
    try {
      // Removing it changes the chunk directory's times, which rsync has just set to the
      // source's: put them back, or every re-run would find (and touch) a changed directory.
      const chunkDir = path.dirname(dir);
      const before = lstatDirOrUndefined(chunkDir);
      fs.rmSync(dir, { recursive: true, force: true });
      this.forgetScratch?.();
      if (before) setTimesPath(chunkDir, { atimeNs: before.atimeNs, mtimeNs: before.mtimeNs }, true);
    } catch (e) {
      this.logger.warn({ err: (e as Error).message, path: dir }, 'cannot remove the scratch directory of rsync temp files; the next run removes it');
    }
  }

  private openLog(): void {
    const logPath = this.spec.options.logPath;
    if (!logPath) return;
    try {
      this.log = new JobLog(logPath, `# ${new Date().toISOString()} ${JSON.stringify([this.spec.executable, ...this.spec.argv])}`, (e) => {
        const shared = this.spec.logProblems;
        const level = shared?.warned ? 'debug' : 'warn';
        if (shared) shared.warned = true;
        this.logger[level]({ code: e.code, logPath }, `cannot write the rsync log ${logPath}: ${e.message}; the chunk goes on without it${level === 'warn' && shared ? ' (other chunks\' logs that fail too are in the session log only)' : ''}`);
        this.log = undefined;
      });
    } catch (e) {
      this.logger.warn({ err: (e as Error).message, logPath }, 'cannot open rsync log');
    }
  }

  private onStdout(line: string): void {
    const kind = this.tracker.feed(line);
    if (kind === 'progress') {
      const p = this.tracker.snapshot();
      for (const l of this.listeners) {
        // A throwing subscriber must not take down the stream reader (and with it the job).
        try { l(p); } catch (e) { this.logger.warn({ err: (e as Error)?.message }, 'progress listener threw'); }
      }
      return;
    }
    this.log?.line(line);
    if (kind === 'item') this.onItem(line);
    if (kind === undefined && this.stdoutLines.length < MAX_STDOUT_LINES) this.stdoutLines.push(line);
  }

  /**
   * A per-file line. `*deleting   0 dir/name` (a directory ends in '/') is one entry deleted, its
   * contents have lines of their own; a file sent is a new file or an update (files.log, the dry
   * run's listing). Names are relative to the transfer root, which for a chunk below the root is
   * its parent: they start with the chunk directory's own name.
   */
  private onItem(line: string): void {
    const item = parseItemizeLine(line);
    if (!item) return;
    const rel = this.chunkRelative(item.name);
    if (rel === undefined) return;
    try {
      if (item.code.startsWith('*deleting')) {
        this.deletions++;
        const isDir = rel.endsWith('/');
        this.spec.options.onDeletion?.({ relPath: isDir ? rel.slice(0, -1) : rel, isDir, entries: 1 });
        return;
      }
      const action = itemizeAction(item.code);
      if (action) this.spec.options.onFileAction?.({ action, relPath: rel, size: item.size });
    } catch (e) { this.logger.warn({ err: (e as Error)?.message }, 'file action listener threw'); }
  }

  /** Each path rsync could not copy (a vanished file is not a failure), for the per-file log. */
  private reportFailures(report: RsyncReport): void {
    const roots = [this.chunk.sourcePath, this.chunk.destinationPath].map((r) => `${r.replace(/\/+$/, '')}/`);
    for (const e of report.errors) {
      if (e.vanished) continue;
      const root = roots.find((r) => e.path.startsWith(r));
      try {
        // Absolute (the sender's open errors) or relative to the transfer root (the generator's).
        const rel = root ? e.path.slice(root.length) : e.path.startsWith('/') ? e.path : this.chunkRelative(e.path) ?? e.path;
        this.spec.options.onFileAction?.({ action: 'fail', relPath: rel, error: `${e.code}: ${e.message}` });
      } catch (err) { this.logger.warn({ err: (err as Error)?.message }, 'file action listener threw'); }
    }
  }

  /** A name from rsync made relative to the chunk directory; undefined for the directory itself. */
  private chunkRelative(name: string): string | undefined {
    const top = this.transferTop;
    if (top === undefined) return name;
    if (!name.startsWith(top)) return undefined;
    return name.slice(top.length) || undefined;
  }

  private onStderr(line: string): void {
    this.log?.line(line);
    if (this.stderrLines.length < MAX_STDERR_LINES) this.stderrLines.push(line);
    else this.droppedStderr++;
  }

  private closeLog(): Promise<void> {
    const log = this.log;
    this.log = undefined;
    return log ? log.close() : Promise.resolve();
  }

  private async finish(exit: ChildExit): Promise<CopyResult> {
    const killed = this.killRequested;
    const base = { durationMs: 0, killed, logPath: this.spec.options.logPath };
    if (exit.spawnError) {
      await this.closeLog();
      const code = (exit.spawnError as NodeJS.ErrnoException).code ?? 'unknown error';
      return this.result({
        ...base, exitCode: -1, stats: emptyStats(), errors: [],
        exitMeaning: {
          severity: 'Fatal', shouldRetry: false,
          message: code === 'ENOENT'
            ? `rsync is not installed (or not on PATH): cannot run '${this.spec.executable}' (${code}); install rsync or set engineOptions.rsync.executable`
            : `cannot run rsync '${this.spec.executable}': ${exit.spawnError.message}`,
        },
      });
    }
    const report = await this.spec.parser.parse({ stdout: this.stdoutLines.join('\n'), stderr: this.stderrLines.join('\n') });
    if (this.droppedStderr > 0) report.notes.push(`${this.droppedStderr} further stderr lines not parsed`);
    const truncated = this.splitters.reduce((n, s) => n + s.truncatedLines, 0);
    if (truncated > 0) report.notes.push(`${truncated} output line(s) longer than ${MAX_LINE_CHARS} characters were cut short`);
    await this.closeLog();
    let meaning = (this.spec.confined ? confineExitMeaning(exit.code, this.stderrLines) : undefined) ?? this.describe(rsyncExitMeaning(exit.code, exit.signal), report, killed);
    const limit = this.spec.options.maxDeletes;
    if (exit.code === 25 && limit !== undefined) {
      const skipped = /Deletions stopped due to --max-delete limit \((\d+) skipped\)/.exec(this.stderrLines.join('\n'));
      meaning = deleteLimitExitMeaning({
        profile: this.chunk.profile, limit, deleted: this.deletions, held: skipped ? Number(skipped[1]) : undefined,
        dryRun: this.spec.options.dryRun, engineMessage: meaning.message,
      });
    }
    const errors = report.errors.map(({ path: p, code, message }) => ({ path: p, code, message }));
    this.reportFailures(report);
    return this.result({ ...base, exitCode: exit.code ?? -1, exitMeaning: meaning, stats: report.stats, errors });
  }

  /** Adds what the output says to the exit code's sentence, so one line tells the whole story. */
  private describe(meaning: ExitMeaning, report: RsyncReport, killed: boolean): ExitMeaning {
    const parts = [meaning.message];
    if (killed) parts.push('stopped by robocurse');
    const failed = report.stats.filesFailed;
    if (failed > 0) parts.push(`${failed} path(s) failed, first: ${report.errors.find((e) => !e.vanished)?.message ?? ''}`);
    parts.push(...report.notes);
    return { ...meaning, message: parts.join('; ') };
  }

  private result(r: CopyResult): CopyResult {
    if (r.logPath === undefined) delete r.logPath;
    r.durationMs = Date.now() - this.startedAt.getTime();
    this.logger.debug({ exitCode: r.exitCode, severity: r.exitMeaning.severity, killed: r.killed }, 'rsync job ended');
    return r;
  }

  /** A bug of ours while finishing must still end the job with a result, never a rejection. */
  private internalFailure(e: unknown): CopyResult {
    this.logger.error({ err: (e as Error)?.message }, 'rsync job failed internally');
    void this.closeLog(); // what rsync printed stays in its log (the lines wait in a buffer)
    return this.result({
      exitCode: -1, stats: emptyStats(), errors: [], killed: this.killRequested, durationMs: 0,
      exitMeaning: { severity: 'Error', shouldRetry: true, message: `rsync job failed internally: ${(e as Error)?.message ?? String(e)}` },
    });
  }
}

function lstatDirOrUndefined(p: string): fs.BigIntStats | undefined {
  try {
    const st = fs.lstatSync(p, { bigint: true });
    return st.isDirectory() ? st : undefined;
  } catch {
    return undefined;
  }
}
