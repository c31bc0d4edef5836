// One formatting module for every view (src/api/units.ts).
export { formatBytes, formatDuration } from '../api/units';

/** Milliseconds between two ISO timestamps (end defaults to `now`). */
export function elapsedMs(startIso: string, endIso: string | null, now: Date): number {
  return (endIso ? Date.parse(endIso) : now.getTime()) - Date.parse(startIso);
}
