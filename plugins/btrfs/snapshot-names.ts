/** Every snapshot robocurse makes is named `robocurse-…`: how list() and delete() tell them from others. */
export const NAME_PREFIX = 'robocurse-';

const NAME_RE = /^robocurse-(\d{8}T\d{6}(?:\d{3})?Z)-/;

/**
 * A snapshot name: prefix, UTC time (sortable), the label's safe characters, a random suffix so
 * two snapshots in the same millisecond (kept and working ones of one source) differ.
 * `robocurse-20261128T142501123Z-docs.keep-source-3fa9`.
 */
export function snapshotName(label: string | undefined, now: Date, random: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  const slug = (label ?? '').replace(/^robocurse:/, '').replace(/:/g, '.').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
  return `${NAME_PREFIX}${stamp}${slug ? `-${slug}` : ''}-${random}`;
}

/** The creation time encoded in a robocurse snapshot name (ISO 8601), or undefined for another name. */
export function createdAtFromName(name: string): string | undefined {
  const m = NAME_RE.exec(name);
  if (!m) return undefined;
  const s = m[1];
  const ms = s.length === 19 ? s.slice(15, 18) : '000';
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${ms}Z`;
}

export function isRobocurseName(name: string): boolean {
  return name.startsWith(NAME_PREFIX);
}
