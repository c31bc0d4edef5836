import pino from 'pino';
import { DEFAULT_RETENTION } from '../../config/defaults';
import { applyRetention } from '../../retention/apply-retention';
import { StateStore } from '../../state';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo, CommonArgs } from '../io';
import { loadCliConfig } from '../load-cli-config';
import { handleCommandError } from './validate';

/**
 * `robocurse prune`: applies `global.retention` now (a run applies it at its start too): old logs
 * gzipped or deleted, old events deleted from the state database. A running session's files and
 * events are never touched. Exit 1 when some file could not be compressed or deleted.
 */
export async function pruneCommand(args: CommonArgs & { dryRun?: boolean }, io: CliIo): Promise<ExitCode> {
  try {
    const cfg = await loadCliConfig(args, io);
    const policy = cfg.global.retention ?? DEFAULT_RETENTION;
    const store = StateStore.open(cfg.global.stateDir);
    let report;
    try {
      report = await applyRetention({ logDir: cfg.global.logDir, store, policy, dryRun: args.dryRun, logger: pino({ level: 'silent' }) });
    } finally { store.close(); }
    if (args.json) {
      io.stdout.write(`${JSON.stringify({ type: 'prune', dryRun: Boolean(args.dryRun), policy, ...report })}\n`);
    } else {
      const would = args.dryRun ? 'would be ' : '';
      const lines = [
        `${report.compressed.length} log file(s) ${would}compressed`,
        `logs of ${report.deletedSessions.length} session(s) ${would}deleted${report.deletedSessions.length ? `: ${report.deletedSessions.join(', ')}` : ''}`,
        ...(report.eventsDeleted !== undefined ? [`${report.eventsDeleted} event(s) deleted from the state database${report.vacuumed ? ' (compacted)' : ''}`] : []),
        ...(report.protectedSessions.length ? [`running, left alone: ${report.protectedSessions.join(', ')}`] : []),
        ...report.errors.map((e) => `could not prune ${e}`),
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
    }
    return report.errors.length > 0 ? EXIT.FailedChunks : EXIT.Success;
  } catch (e) {
    return handleCommandError(e, args, io);
  }
}
