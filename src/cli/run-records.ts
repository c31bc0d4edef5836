import type { Logger } from '../api';
import type { RobocurseConfig } from '../config/types';
import { deletionReport } from '../files-log/file-report';
import { FilesLog, filesLogPath } from '../files-log/files-log';
import type { RunCallbacks } from '../orchestrator/types';
import { dryRunListing } from './deletion-lines';
import type { CliIo } from './io';
import { recordLastUsed } from './user-state';

/** What a run leaves for people besides its summary: files.log, the dry-run listing, the last-used record. */
export interface RunRecords {
  callbacks: Required<Pick<RunCallbacks, 'onDeletion' | 'onFileAction' | 'onChunkComplete'>>;
  filesLog?: string;
  close(): Promise<void>;
}

/**
 * Opens the per-file log of the session (`<logDir>/<session>/files.log`), the dry run's listing
 * on stdout, and records this state folder as the user's last used one (so `robocurse status`
 * finds this run from any directory). None of them can fail the run: problems are logged.
 */
export function openRunRecords(cfg: RobocurseConfig, sessionId: string, o: { dryRun: boolean; json?: boolean }, io: CliIo, logger: Logger): RunRecords {
  const problem = recordLastUsed(io.env, { stateDir: cfg.global.stateDir, logDir: cfg.global.logDir, configPath: cfg.configPath, sessionId });
  if (problem) logger.warn({}, problem);
  let log: FilesLog | undefined;
  const file = filesLogPath(cfg.global.logDir, sessionId);
  try {
    log = new FilesLog(file, { sessionId, dryRun: o.dryRun }, (err) => logger.warn({ err, file }, `cannot write the per-file log ${file} any more: ${err.message}`));
  } catch (err) {
    logger.warn({ err, file }, `cannot open the per-file log ${file}: ${(err as Error).message}`);
  }
  const listing = dryRunListing(o, io);
  return {
    filesLog: log ? file : undefined,
    callbacks: {
      onDeletion: (d) => { listing?.onDeletion(d); log?.write(deletionReport(d, Date.now())); },
      onFileAction: (r) => { listing?.onFileAction(r); log?.write(r); },
      onChunkComplete: (job) => listing?.chunkDone(job.chunk.id),
    },
    async close() {
      listing?.flush();
      await log?.close();
    },
  };
}
