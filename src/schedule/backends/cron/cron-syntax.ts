import type { ScheduleModel } from '../../types';

/**
 * One word of a crontab command for /bin/sh, in single quotes (literal in sh, bash, zsh, dash,
 * fish and csh alike; an embedded `'` is written '"'"'), with `%` escaped: cron turns an unescaped
 * `%` into a newline. A backslash is refused by the caller: Debian's cron unescapes `\\` and
 * cronie does not, so no spelling of it is portable.
 */
export function cronWord(word: string): string {
  return `'${word.replace(/'/g, `'"'"'`).replace(/%/g, '\\%')}'`;
}

/** The five time fields of a model (refusals() has excluded what cron cannot express). */
export function cronFields(m: ScheduleModel): string {
  const hours = m.hours.length === 24 ? '*' : m.hours.join(',');
  const dom = m.dayOfMonth === null ? '*' : String(m.dayOfMonth);
  const dow = m.daysOfWeek ? m.daysOfWeek.join(',') : '*';
  return `${m.minute} ${hours} ${dom} * ${dow}`;
}
