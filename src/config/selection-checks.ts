import { describeAge } from './selection';
import type { ProfileConfig } from './types';

/** A problem with a profile's selection filters, at its key below `profiles.<name>`. */
export interface SelectionProblem {
  segments: string[];
  message: string;
}

/**
 * Filters that select nothing, and combinations robocurse cannot keep its promise for: a mirror
 * never deletes what a filter leaves out. robocopy documents that its include file specs (/IF,
 * like /XF) select the files of both the source and the destination lists, but not how /MAX,
 * /MIN, /MAXAGE, /MINAGE and /XA treat the destination under /MIR: a destination copy of a source
 * file they leave out may be purged as an extra. robocurse refuses that combination rather than
 * risk the file (includeFiles is fine with robocopy mirrors).
 */
export function selectionProblems(prof: ProfileConfig): SelectionProblem[] {
  const out: SelectionProblem[] = [];
  const s = prof.selection ?? {};
  if (s.maxSize !== undefined && s.minSize !== undefined && s.minSize > s.maxSize) {
    out.push({ segments: ['minSize'], message: `minSize (${s.minSize} bytes) is larger than maxSize (${s.maxSize} bytes): no file could be selected` });
  }
  const f = prof.sizeAge;
  if (s.maxAge && s.minAge && f?.modifiedFromMs !== undefined && f.modifiedUntilMs !== undefined && f.modifiedFromMs > f.modifiedUntilMs) {
    out.push({ segments: ['minAge'], message: `minAge (${describeAge(s.minAge)}) leaves out everything maxAge (${describeAge(s.maxAge)}) keeps: no file could be selected` });
  }
  if (prof.excludeAttributes !== undefined && prof.engine !== 'robocopy') {
    out.push({ segments: ['excludeAttributes'], message: `file attributes (/XA) are a robocopy feature on Windows; profile '${prof.name}' uses the ${prof.engine} engine` });
  }
  const rsync = prof.engineOptions.rsync as { deleteExcluded?: unknown } | undefined;
  if (prof.engine === 'rsync' && prof.mirror && rsync?.deleteExcluded === true && (prof.includeFiles?.length || prof.sizeAge)) {
    out.push({ segments: ['engineOptions', 'rsync', 'deleteExcluded'], message: 'deletes what the selection filters (includeFiles, ages, sizes) leave out; a mirror with filters keeps those files: drop deleteExcluded or the filters' });
  }
  if (prof.engine === 'robocopy' && prof.mirror) {
    const keys = (['maxAge', 'minAge', 'maxSize', 'minSize'] as const).filter((k) => s[k] !== undefined);
    if (prof.excludeAttributes !== undefined) keys.push('excludeAttributes' as never);
    for (const k of keys) {
      out.push({ segments: [k], message: 'cannot be combined with mirror on the robocopy engine: robocopy may purge destination copies of the files this filter leaves out; use the native or rsync engine, or includeFiles/excludeFiles' });
    }
  }
  return out;
}
