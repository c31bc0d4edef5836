import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { filesLogPath, FILES_LOG_COLUMNS } from '../../files-log/files-log';
import { StateStore } from '../../state';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { UsageError } from '../load-cli-config';
import { locateState, type StateDirArgs } from '../locate-state';
import { handleCommandError } from './validate';

interface LogShowArgs extends StateDirArgs {
  session?: string;
  failed?: boolean;
}

/** Which files.log to read: the named session's (default the newest), where its run wrote it. */
async function findLog(args: LogShowArgs, io: CliIo): Promise<{ file: string; sessionId: string; dryRun: boolean }> {
  const { stateDir, cfg } = await locateState(args, io);
  const store = StateStore.open(stateDir);
  try {
    const run = args.session !== undefined ? store.getRun(args.session) : store.lastRun();
    if (!run) throw new UsageError(args.session !== undefined ? `--session ${args.session}: no such session in ${stateDir}` : `no runs recorded yet in ${stateDir}`);
    const logDir = run.logDir ?? cfg?.global.logDir;
    if (!logDir) throw new UsageError(`session ${run.sessionId} did not record its log folder; give the config it ran with (--config)`);
    return { file: filesLogPath(logDir, run.sessionId), sessionId: run.sessionId, dryRun: run.dryRun };
  } finally {
    store.close();
  }
}

/**
 * `robocurse log show [--failed] [--session ID]`: the per-file log of a session (files.log),
 * every line or only the failures, as text (the file's own tab-separated lines, under a heading
 * per profile) or `--json` (one object per file).
 */
export async function logShowCommand(args: LogShowArgs, io: CliIo): Promise<ExitCode> {
  try {
    const { file, sessionId, dryRun } = await findLog(args, io);
    if (!fs.existsSync(file)) {
      throw new UsageError(`session ${sessionId} has no per-file log at ${file} (written by an older robocurse, or the log folder was cleaned up)`);
    }
    if (!args.json) io.stdout.write(`# ${file}${dryRun ? ' (dry run: nothing was written)' : ''}\n`);
    let profile = '';
    let pendingHeading: string | undefined;
    const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.startsWith('# profile ')) { profile = line.slice('# profile '.length); pendingHeading = line; continue; }
      if (line.startsWith('#') || line === '') continue;
      const f = line.split('\t');
      if (args.failed && f[1] !== 'fail') continue;
      if (args.json) {
        const rec: Record<string, unknown> = { type: 'file', sessionId, profile, dryRun };
        FILES_LOG_COLUMNS.forEach((c, i) => { rec[c] = c === 'size' ? (f[i] === '-' || f[i] === undefined ? null : Number(f[i])) : f[i] ?? ''; });
        io.stdout.write(`${JSON.stringify(rec)}\n`);
        continue;
      }
      if (pendingHeading) { io.stdout.write(`${pendingHeading}\n`); pendingHeading = undefined; }
      io.stdout.write(`${line}\n`);
    }
    return EXIT.Success;
  } catch (e) {
    return handleCommandError(e, args, io);
  }
}
