import type { Stats } from 'node:fs';
import type { VerifyFindingKind } from '../api';
import type { CompareRules, FileFacts } from './verify-protocol';

const iso = (ms: number): string => new Date(ms).toISOString();
const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/** The first metadata difference between a source file and its copy, or null when they agree. */
export function compareFacts(src: FileFacts, dst: FileFacts, rules: CompareRules): { kind: VerifyFindingKind; detail: string } | null {
  if (src.size !== dst.size) return { kind: 'size', detail: `size ${src.size} in the source, ${dst.size} in the destination` };
  if (rules.mtime && Math.abs(src.mtimeMs - dst.mtimeMs) > rules.mtimeWindowMs) {
    return { kind: 'mtime', detail: `modified ${iso(src.mtimeMs)} in the source, ${iso(dst.mtimeMs)} in the destination` };
  }
  if (rules.mode && (src.mode & 0o7777) !== (dst.mode & 0o7777)) {
    return { kind: 'mode', detail: `mode ${octal(src.mode)} in the source, ${octal(dst.mode)} in the destination` };
  }
  return null;
}

/** Whether two looks at the same file saw the same version of it. */
export function sameVersion(a: FileFacts, b: FileFacts): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/** The stat fields a verification keeps. */
export function factsOf(st: Stats): FileFacts {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, mode: st.mode, ino: String(st.ino) };
}
