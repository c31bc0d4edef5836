import * as path from 'node:path';
import { logExitStatus, renderLogSummaryJson, renderLogSummaryText, summarizeLogsInPool } from '../../logsum';
import { EXIT, type ExitCode } from '../exit-codes';
import { resolveArg, type CliIo, type CommonArgs } from '../io';

interface LogArgs extends CommonArgs {
  action: 'summarize';
  files: string[];
  /** Already checked and normalised by codePageArg ('cp1255'). */
  codePage?: string;
}

/**
 * `robocurse log summarize FILE…`: the totals and failed files of any robocopy or rsync log
 * (also of runs robocurse did not start), read on worker threads. Needs no config. Exit 0 when
 * every log is clean, 1 when one shows failures or an unfinished job, 2 when one cannot be read or
 * is no robocopy or rsync log (the others are still summarized).
 */
export async function logSummarizeCommand(args: LogArgs, io: CliIo): Promise<ExitCode> {
  const results = await summarizeLogsInPool(args.files.map((file) => ({ file, path: resolveArg(io, file), codePage: args.codePage })));
  let status = 0;
  for (const r of results) {
    const s = logExitStatus(r);
    status = Math.max(status, s);
    io.stdout.write(args.json ? renderLogSummaryJson(r) : renderLogSummaryText(r));
    if (r.unusable) io.stderr.write(`robocurse: ${r.unusable}\n`);
  }
  const exitCode = status === 2 ? EXIT.UsageOrConfig : status === 1 ? EXIT.FailedChunks : EXIT.Success;
  if (args.json) {
    io.stdout.write(`${JSON.stringify({
      type: 'summary', exitCode, files: results.length, jobs: results.reduce((a, r) => a + r.jobs.length, 0),
      failed: results.reduce((a, r) => a + r.failed.length, 0), unusable: results.filter((r) => r.unusable).length,
    })}\n`);
  }
  return exitCode;
}
