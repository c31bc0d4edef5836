import type { WorkerPools } from '../../workers';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Chunk, Copier, CopierCapabilities, CopyJob, CopyOptions } from '../../api';
import type { RetryPolicy } from '../../config/types';
import { createPrivateFile, mkdirPrivate } from '../../fs/private-files';
import { spawnTracked } from '../../process/tracked-child';
import { windowsSystemExecutable } from '../../process/system-executables';
import { windowsCommandLine } from '../../process/windows-command-line';
import type { MismatchSeverity } from '../exit-meaning';
import { buildRobocopyArgs, robocopyAgeOf, robocopyFileListProblem } from './build-args';
import { ROBOCOPY_PRESERVE } from './preserve-capabilities';
import { DEFAULT_THREADS } from './bandwidth-switches';
import { robocopyHasIoRate } from './io-rate-probe';
import { readRobocopyEngineOptions } from './engine-options';
import { RobocopyLogParserPool, type RobocopyLogParser } from './log/parser-pool';
import { RobocopyJob } from './robocopy-job';
import { PreviewGatedJob } from '../preview/preview-gated-job';

export interface RobocopyCopierOptions {
  /** robocopy executable; per-profile `engineOptions.robocopy.executable` wins over it. */
  executable?: string;
  /** Default /R and /W when the job's engineOptions do not carry them (3 and 10). */
  retry?: Partial<Pick<RetryPolicy, 'engineRetries' | 'engineWaitSeconds'>>;
  /** Severity of exit bit 4 (mismatches); default 'Warning'. */
  mismatchSeverity?: MismatchSeverity;
  /** Log parser; default a RobocopyLogParserPool owned (and closed) by this copier. */
  logParser?: RobocopyLogParser;
  /** Worker pools the default log parser takes its threads from (the composition root's). */
  pools?: WorkerPools;
  /** Where per-chunk logs go when CopyOptions.logPath is not given (default: OS temp dir). */
  logDir?: string;
  /** OEM code page of console output and non-Unicode logs (default: detected). */
  codePage?: number | string;
  /** Environment for the child (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** SIGTERM → SIGKILL grace on kill (default 2000 ms). */
  killGraceMs?: number;
}

/**
 * `%SystemRoot%\System32\Robocopy.exe` on Windows, never the bare name a search path could
 * hijack. Elsewhere robocopy does not exist: `robocopy` on PATH is the test fake.
 */
export function defaultRobocopyExecutable(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  return platform === 'win32' ? windowsSystemExecutable('robocopy', env) : 'robocopy';
}

export const DEFAULT_ENGINE_RETRIES = 3;
export const DEFAULT_ENGINE_WAIT_SECONDS = 10;

/** The profile's source root: the chunk's source path without its relative part. */
function sourceRootOf(chunk: Chunk): string | undefined {
  if (chunk.relPath === '') return chunk.sourcePath;
  const depth = chunk.relPath.split('/').length;
  let root = chunk.sourcePath.replace(/[\\/]+$/, '');
  for (let i = 0; i < depth; i++) root = root.replace(/[\\/][^\\/]*$/, '');
  return root === '' ? undefined : root;
}

/**
 * Copies chunks with robocopy (default engine on Windows; on Linux it drives the fake robocopy
 * used by the tests). Each job is one robocopy process with its own UTF-16 log, parsed on a
 * worker thread when the process exits. Executable: `engineOptions.robocopy.executable`, else
 * the constructor's, else env ROBOCURSE_ROBOCOPY, else %SystemRoot%\System32\Robocopy.exe
 * (`robocopy` on PATH off Windows, where only the test fake exists).
 */
export class RobocopyCopier implements Copier {
  readonly name = 'robocopy';
  readonly capabilities: CopierCapabilities;
  private readonly parser: RobocopyLogParser;
  private readonly ownsParser: boolean;
  private tempLogDir: string | undefined;
  /** `robocopy /?` looked at once per executable (a copier lives for one run): has it /IORATE? */
  private readonly ioRate = new Map<string, boolean>();
  /** Executables for which the /MT → /IPG fallback was reported (once, not per chunk). */
  private readonly mtDropReported = new Set<string>();

  constructor(private readonly options: RobocopyCopierOptions = {}) {
    this.parser = options.logParser ?? new RobocopyLogParserPool({ pools: options.pools });
    this.ownsParser = options.logParser === undefined;
    this.capabilities = {
      // SIGSTOP/SIGCONT of the process group; Windows has no equivalent that spawnTracked offers.
      suspend: process.platform !== 'win32',
      // /IPG is fixed for the life of a robocopy process.
      liveBandwidth: false,
      mirror: true,
      dryRun: true,
      liveProgress: true,
      preserve: ROBOCOPY_PRESERVE,
      // Names after source and destination; only files of the chunk's own directory (fileListProblem).
      fileList: true,
    };
  }

  fileListProblem(_chunk: Chunk, relPaths: readonly string[]): string | undefined {
    return robocopyFileListProblem(relPaths);
  }

  /**
   * Starts robocopy for `chunk`. Throws RobocopyArgumentError for unsafe or refused arguments.
   * robocopy has no deletion limit: with maxDeletes, a mirror first counts what it would delete
   * and starts robocopy only within the limit (PreviewGatedJob; docs/safety.md).
   */
  start(chunk: Chunk, given: CopyOptions): CopyJob {
    // A file-only attempt never deletes, whatever it is given (the chunk's full attempt did).
    const options = given.onlyFiles ? { ...given, mirror: false } : given;
    const launch = this.prepare(chunk, options);
    const limit = options.maxDeletes;
    if (options.mirror && limit !== undefined) return new PreviewGatedJob(chunk, { ...options, maxDeletes: limit }, launch);
    return launch();
  }

  /** Checks the arguments now (throwing), and returns what spawns robocopy with them. */
  private prepare(chunk: Chunk, options: CopyOptions): () => CopyJob {
    const eo = readRobocopyEngineOptions(options.engineOptions);
    const env = this.options.env ?? process.env;
    const executable = eo.executable ?? this.options.executable ?? (env.ROBOCURSE_ROBOCOPY || defaultRobocopyExecutable(process.platform, env));
    const logPath = options.logPath ?? this.defaultLogPath(chunk);
    const fileOnly = options.onlyFiles !== undefined;
    const budgeted = (options.bandwidthBytesPerSec ?? 0) > 0;
    const threads = eo.threads ?? DEFAULT_THREADS;
    const hasIoRate = budgeted && this.hasIoRate(executable, env);
    const args = buildRobocopyArgs({
      profile: chunk.profile,
      source: chunk.sourcePath,
      destination: chunk.destinationPath,
      kind: chunk.kind,
      mirror: options.mirror,
      dryRun: options.dryRun,
      ...(fileOnly ? { onlyFiles: options.onlyFiles } : {}),
      excludeFiles: options.excludeFiles,
      excludeDirs: options.excludeDirs,
      sourceRoot: sourceRootOf(chunk),
      // The profile's retry.engineRetries / engineWaitSeconds arrive as CopyOptions (copy-options.ts):
      // without them a locked file cost robocopy's default /R:3 /W:10 on every attempt, whatever the profile said.
      engineRetries: eo.engineRetries ?? options.engineRetries ?? this.options.retry?.engineRetries ?? DEFAULT_ENGINE_RETRIES,
      engineWaitSeconds: eo.engineWaitSeconds ?? options.engineWaitSeconds ?? this.options.retry?.engineWaitSeconds ?? DEFAULT_ENGINE_WAIT_SECONDS,
      bandwidthBytesPerSec: options.bandwidthBytesPerSec,
      threads,
      hasIoRate,
      logPath,
      userSwitches: eo.switches,
      includeFiles: options.includeFiles,
      maxSize: options.sizeAge?.maxSize,
      minSize: options.sizeAge?.minSize,
      maxAge: options.sizeAge?.modifiedFromMs !== undefined ? robocopyAgeOf(options.sizeAge.modifiedFromMs) : undefined,
      minAge: options.sizeAge?.modifiedUntilMs !== undefined ? robocopyAgeOf(options.sizeAge.modifiedUntilMs) : undefined,
      excludeAttributes: options.excludeAttributes,
      preserve: options.preserve,
    });
    if (budgeted && !hasIoRate && threads > 1) this.reportMtDropped(executable, threads, options);
    return () => this.spawnJob(chunk, options, { executable, args, env, logPath, eo });
  }

  private hasIoRate(executable: string, env: NodeJS.ProcessEnv): boolean {
    let has = this.ioRate.get(executable);
    if (has === undefined) { has = robocopyHasIoRate(executable, env); this.ioRate.set(executable, has); }
    return has;
  }

  private reportMtDropped(executable: string, threads: number, options: CopyOptions): void {
    if (this.mtDropReported.has(executable)) return;
    this.mtDropReported.add(executable);
    const message = `${executable} has no /IORATE (older robocopy), and /MT cannot be combined with /IPG: under the bandwidth budget each robocopy job copies on one thread with /IPG instead of /MT:${threads} (docs/robocopy.md)`;
    options.logger.warn({ executable, threads }, message);
    options.onWarning?.('ROBOCOPY_MT_DROPPED', message);
  }

  private spawnJob(chunk: Chunk, options: CopyOptions, p: { executable: string; args: string[]; env: NodeJS.ProcessEnv; logPath: string; eo: ReturnType<typeof readRobocopyEngineOptions> }): CopyJob {
    const { executable, args, env, logPath, eo } = p;
    // The log lists every file of the chunk: private, and created by us before robocopy opens
    // it, so /UNILOG writes into a 0600 file rather than one made under robocopy's umask.
    mkdirPrivate(path.dirname(logPath));
    createPrivateFile(logPath);
    const logger = options.logger.child({ engine: 'robocopy', chunk: chunk.id });
    // On Windows robocopy receives one string, not an argv: log the exact one it will parse.
    logger.debug({ executable, args, ...(process.platform === 'win32' ? { commandLine: windowsCommandLine([executable, ...args]) } : {}) }, 'starting robocopy');
    const child = spawnTracked(executable, args, { env, ledger: options.childLedger });
    return new RobocopyJob({
      chunk, child, logPath, parser: this.parser,
      mirror: options.mirror, dryRun: options.dryRun,
      report: { onFileAction: options.onFileAction, onDeletion: options.onDeletion },
      codePage: eo.codePage ?? this.options.codePage,
      mismatchSeverity: eo.mismatchSeverity ?? this.options.mismatchSeverity,
      killGraceMs: this.options.killGraceMs ?? 2000,
      canSuspend: this.capabilities.suspend,
      warn: (msg, details) => logger.warn(details, msg),
    });
  }

  async close(): Promise<void> {
    if (this.ownsParser) await this.parser.close();
  }

  private defaultLogPath(chunk: Chunk): string {
    // A fixed name in the shared temp dir could be pre-created by another user; a fresh private
    // folder per copier cannot.
    this.tempLogDir ??= this.options.logDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-robocopy-logs-'));
    const dir = this.tempLogDir;
    const safeId = chunk.id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
    return path.join(dir, `${safeId}-${Date.now()}-${crypto.randomBytes(3).toString('hex')}.log`);
  }
}
