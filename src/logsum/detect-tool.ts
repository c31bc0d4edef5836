import * as iconv from 'iconv-lite';
import { detectLogEncoding } from '../engines/robocopy/log/encoding';
import type { LogTool } from './types';

/** Words robocopy never translates, in every locale: its banner, and an ERROR line's hex code. */
const ROBOCOPY = /^\s*ROBOCOPY\s+::|^\s*\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\S.*?\s\d+\s+\(0x[0-9A-Fa-f]{8}\)/m;
/** rsync prints English only: its stats, its error prefixes, its file-list and itemize lines. */
const RSYNC = /^(?:\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[\d+\] )?(?:Number of files: |sent [\d,.']+ bytes\s+received |total size is |rsync(?: error| warning)?: |(?:sending|receiving) (?:incremental )?file list|building file list|created directory |\*deleting |[<>ch.*][fdLDS][.+?a-zA-Z]{9,10} )/m;

/** Which tool wrote a log, from a sample of its start (and end); null when neither. */
export function detectTool(samples: readonly Buffer[], codePage?: string): { tool: LogTool | null; encoding: string } {
  const choice = detectLogEncoding(samples[0], samples.slice(1), { codePage });
  const text = samples.map((s) => iconv.decode(s, choice.encoding)).join('\n');
  if (ROBOCOPY.test(text)) return { tool: 'robocopy', encoding: choice.encoding };
  // rsync writes names as bytes: its logs are read byte for byte, whatever a guess says.
  if (RSYNC.test(samples.map((s) => s.toString('latin1')).join('\n'))) return { tool: 'rsync', encoding: 'bytes' };
  return { tool: null, encoding: choice.encoding };
}
