import { MARKER } from '../../identity';
import { CrontabEditError } from '../../../errors/schedule-errors';

export { CrontabEditError };

/**
 * A crontab split around the block of one config, as byte-preserving latin1 strings: `before`
 * and `after` are exactly the other lines, which sync writes back unchanged.
 */
export interface CrontabParts {
  before: string;
  block: string | null;
  after: string;
}


export const beginLine = (hash: string): string => `# BEGIN ${MARKER} config-hash=${hash}`;
export const endLine = (hash: string): string => `# END ${MARKER} config-hash=${hash}`;

/** Splits `text` (latin1) at the lines that open and close the block of `hash`. */
export function splitCrontab(text: string, hash: string): CrontabParts {
  // Debian's `crontab -l` shows a carriage return as the two characters \r, so a crontab with DOS
  // line endings cannot be written back as it was: refuse rather than change other lines.
  if (/\\r\n/.test(text)) throw new CrontabEditError('the crontab has lines ending in a carriage return (shown by crontab -l as \\r); robocurse will not rewrite it: fix the line endings with crontab -e first');
  const lines = text.split(/(?<=\n)/);
  const isBegin = (l: string): boolean => l.replace(/\n$/, '').startsWith(beginLine(hash));
  const isEnd = (l: string): boolean => l.replace(/\n$/, '') === endLine(hash);
  const begins = lines.flatMap((l, i) => (isBegin(l) ? [i] : []));
  const ends = lines.flatMap((l, i) => (isEnd(l) ? [i] : []));
  if (begins.length === 0 && ends.length === 0) return { before: text, block: null, after: '' };
  if (begins.length !== 1 || ends.length !== 1 || ends[0] < begins[0]) {
    throw new CrontabEditError(`the crontab holds ${begins.length} BEGIN and ${ends.length} END lines of this config's robocurse block; fix it with crontab -e (or remove both), then sync again`);
  }
  return {
    before: lines.slice(0, begins[0]).join(''),
    block: lines.slice(begins[0], ends[0] + 1).join(''),
    after: lines.slice(ends[0] + 1).join(''),
  };
}

/** The value of the last `CRON_TZ=` assignment in `text`, as written, if any. */
export function lastCronTz(text: string): string | undefined {
  let found: string | undefined;
  for (const l of text.split('\n')) {
    const m = /^[ \t]*CRON_TZ[ \t]*=(.*)$/.exec(l);
    if (m) found = m[1];
  }
  return found;
}

/**
 * The crontab with the block replaced by `block` (in place; appended when new; dropped when
 * empty). Other lines keep every byte; a last line without a newline gets one, which cron
 * requires before the next line.
 */
export function joinCrontab(parts: CrontabParts, block: string): string {
  if (parts.block !== null) return parts.before + block + parts.after;
  if (block === '') return parts.before;
  const sep = parts.before === '' || parts.before.endsWith('\n') ? '' : '\n';
  return parts.before + sep + block;
}
