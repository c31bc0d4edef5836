/**
 * piscina worker entry: parses one job's rsync output off the main thread (stderr of a chunk
 * with many unreadable files can be large) and looks up the sizes of failed source files, which
 * is blocking file-system work.
 */
import * as fs from 'node:fs';
import { fsPath } from '../../fs/byte-names';
import type { RsyncParseRequest, RsyncReport } from './parse-protocol';
import { parseRsyncOutput } from './report';

/** At most this many failed files are stat'ed: beyond it bytesFailed is a lower bound. */
const MAX_STATS = 10_000;

export default function parseRsyncTask(req: RsyncParseRequest): RsyncReport {
  let budget = MAX_STATS;
  const sizeOf = (p: string): number | undefined => {
    if (budget-- <= 0) return undefined;
    try {
      const st = fs.lstatSync(fsPath(p));
      return st.isFile() ? st.size : undefined;
    } catch {
      return undefined;
    }
  };
  return parseRsyncOutput(req, req.statFailedSources ? sizeOf : undefined);
}
