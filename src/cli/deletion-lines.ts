import { displayName } from '../fs/byte-names';
import type { DeletionReport } from '../orchestrator/safety-rails';
import type { CliIo } from './io';

/**
 * `run --dry-run` lists on stdout what a mirror would delete, one line each, as it is found:
 * `would delete <path>` (a directory ends in '/', with how much it holds), or with --json one
 * `{"type":"deletion", ...}` object. Real runs log every deletion to the session log instead
 * (and to stderr off a terminal), so a large mirror does not flood the summary.
 */
export function dryRunDeletionPrinter(args: { dryRun: boolean; json?: boolean }, io: CliIo): ((d: DeletionReport) => void) | undefined {
  if (!args.dryRun) return undefined;
  if (args.json) return (d) => { io.stdout.write(`${JSON.stringify({ type: 'deletion', ...d, relPath: displayName(d.relPath), path: displayName(d.path) })}\n`); };
  return (d) => {
    const inside = d.isDir && d.entries > 1 ? ` (and ${d.entries - 1} entr${d.entries === 2 ? 'y' : 'ies'} inside)` : '';
    io.stdout.write(`would delete ${displayName(d.path)}${d.isDir ? '/' : ''}${inside}\n`);
  };
}
