import type { Chunk, Copier, CopierCapabilities, CopyJob, CopyOptions } from '../../api';
import { hasSizeAgeFilter } from '../../api';
import { newScratchName } from '../../process/scratch-dir';
import { PreviewGatedJob } from '../preview/preview-gated-job';
import { buildRsyncArgv, chunkOperands, scratchDirPath } from './argv';
import { confined } from './confine';
import { RSYNC_PRESERVE } from './preserve-capabilities';
import { selectionRulesPath, writeSelectionRules } from './selection-rules';
import { readRsyncEngineOptions } from './engine-options';
import { isMidRunLinkSafe, rsyncVersion } from './link-safety';
import type { WorkerPools } from '../../workers';
import { PiscinaRsyncOutputParser, type RsyncOutputParser } from './output-parser';
import { RsyncJob } from './rsync-job';
import { filesFromPath, writeFilesFrom } from './files-from';

export interface RsyncCopierOptions {
  /** rsync binary when a profile names none in engineOptions.rsync.executable (default 'rsync'). */
  executable?: string;
  /** Output parser (default: piscina worker threads, created on first use). */
  parser?: RsyncOutputParser;
  /** Worker pools the default parser takes its threads from (the composition root's). */
  pools?: WorkerPools;
}

/**
 * The rsync engine: one rsync process per chunk. Requires rsync 3.1 or newer (`--info`).
 *
 * Start-up failures split by their nature: arguments that cannot be expressed safely (control
 * characters, unknown engine options) throw RsyncArgumentError from start(), as the Copier
 * contract asks for invalid arguments; a missing rsync binary is only known once the spawn
 * fails, asynchronously, so it resolves `done` with a Fatal result (no retry) whose message says
 * rsync is not installed.
 */
export class RsyncCopier implements Copier {
  readonly name = 'rsync';
  readonly capabilities: CopierCapabilities = {
    // SIGSTOP/SIGCONT of the job's process group.
    suspend: true,
    // --bwlimit is fixed when rsync starts; a change applies to the chunk's next attempt only.
    liveBandwidth: false,
    mirror: true,
    dryRun: true,
    liveProgress: true,
    preserve: RSYNC_PRESERVE,
    // --files-from (files-from.ts).
    fileList: true,
  };

  private readonly executable: string;
  private readonly parser: RsyncOutputParser;
  /**
   * The version probe of each executable (once each: the warning is for the log, not per chunk),
   * run beside the copies; closing waits for it.
   */
  private readonly versionChecks = new Map<string, Promise<void>>();
  /** Shared by its jobs: a failing log is reported at warn once (RsyncJobSpec.logProblems). */
  private readonly logProblems = { warned: false };

  constructor(opts: RsyncCopierOptions = {}) {
    this.executable = opts.executable ?? 'rsync';
    this.parser = opts.parser ?? new PiscinaRsyncOutputParser({ pools: opts.pools });
  }

  start(chunk: Chunk, given: CopyOptions): CopyJob {
    // A file-only attempt never deletes, whatever it is given (the chunk's full attempt did).
    const options = given.onlyFiles ? { ...given, mirror: false } : given;
    const engine = readRsyncEngineOptions(options.engineOptions, this.executable);
    const rules = hasSizeAgeFilter(options.sizeAge) ? selectionRulesPath(chunk, options.logPath) : undefined;
    const scratchName = options.dryRun ? undefined : newScratchName();
    const filesFrom = options.onlyFiles ? filesFromPath(chunk, options.logPath) : undefined;
    const argv = buildRsyncArgv(chunk, options, engine, scratchName, rules, filesFrom);
    const { top } = chunkOperands(chunk);
    if (filesFrom) writeFilesFrom(filesFrom, options.onlyFiles!, top);
    // Landlock where the kernel has it (confine.ts): the files rsync is given to read are the
    // only ones outside the trees it may open.
    const run = confined(chunk, engine, argv, [rules, filesFrom]);
    this.checkVersion(engine.executable, options, run.confined);
    const launch = (): CopyJob => new RsyncJob({
      chunk, options, executable: run.executable, argv: run.argv, confined: run.confined, parser: this.parser, scratchDir: scratchName && scratchDirPath(chunk, scratchName),
      top, logProblems: this.logProblems,
    });
    if (rules === undefined) return launch();
    // The size and age filters need a walk of the chunk first (selection-rules.ts): rsync starts after it.
    return new PreviewGatedJob(chunk, options, launch, async () => {
      const n = await writeSelectionRules(chunk, options, rules, top);
      options.logger.debug({ chunkId: chunk.id, rules: n, file: rules }, `rsync: ${n} file(s) left out by the size and age filters`);
      return undefined;
    });
  }

  private checkVersion(executable: string, options: CopyOptions, confinedRun: boolean): void {
    if (this.versionChecks.has(executable)) return;
    // Not awaited: the answer is a warning only, and a blocking probe would fork the whole
    // process on the main thread (~15-20 ms at a run's size) before the first copy starts.
    this.versionChecks.set(executable, rsyncVersion(executable).then((v) => {
      if (v && !isMidRunLinkSafe(v)) {
        options.logger.warn({ executable, version: v.join('.') },
          `rsync ${v.join('.')} may follow a directory that is swapped for a symbolic link while it copies (fixed in rsync 3.4.0, or by your distribution's security updates); ${confinedRun
            ? 'robocurse runs it confined (Landlock) to reading the source and writing the destination, so such a swap cannot lead outside them, but within them it can still misplace files'
            : 'robocurse checks each chunk\'s directories before rsync starts, but cannot close that window for older rsync'} (docs/safety.md)`);
      }
    }));
  }

  async close(): Promise<void> {
    await Promise.all(this.versionChecks.values());
    return this.parser.close();
  }
}
