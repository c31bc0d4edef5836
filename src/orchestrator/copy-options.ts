import * as path from 'node:path';
import type { ChildLedger, Chunk, CopyOptions, Logger, Preserve } from '../api';
import type { ProfileConfig } from '../config/types';
import { probeCaseSensitivity, type CaseSensitivity } from '../fs/case-sensitivity';
import { knownMtimeGranularityMs, probeMtimeGranularityMs } from '../fs/time-granularity';
import { profileExcludes } from '../plan/profile-excludes';

/** Mbit/s → bytes/s; 0 stays 0 (unlimited). */
export function mbpsToBytesPerSec(mbps: number): number {
  return mbps > 0 ? Math.floor((mbps * 1e6) / 8) : 0;
}

/** The profile's budget (its own cap, else the global one) in bytes/s; 0 = unlimited. */
export function profileBudget(profile: ProfileConfig, globalMbps: number): number {
  return mbpsToBytesPerSec(profile.bandwidthLimitMbps > 0 ? profile.bandwidthLimitMbps : globalMbps);
}

/** Per-attempt log file: <logDir>/<session>/chunks/<chunkId>-a<attempt>.log. */
export function chunkLogPath(logDir: string | undefined, sessionId: string, chunk: Chunk, attempt: number): string | undefined {
  return logDir ? path.join(logDir, sessionId, 'chunks', `${chunk.id}-a${attempt}.log`) : undefined;
}

/** What the destination's file system does with names and times, probed once per profile run. */
export interface DestinationTraits extends CaseSensitivity {
  /** Precision of its mtimes in ms (src/fs/time-granularity); undefined when not probed. */
  mtimeGranularityMs?: number;
}

/**
 * How the profile's destination compares names (src/fs/case-sensitivity) and keeps mtimes
 * (src/fs/time-granularity), probed on its root once per profile run and logged, so the admin
 * sees what mirror and "unchanged" decisions were based on.
 */
export async function probeDestinationCase(profile: ProfileConfig, dryRun: boolean, logger: Logger): Promise<DestinationTraits> {
  const c = await probeCaseSensitivity(profile.destination, { mayWrite: !dryRun });
  const how = c.how === 'assumed' ? `assumed for this platform: ${c.reason}` : c.how === 'entry' ? 'probed on an existing entry' : 'probed with a probe file';
  logger.info({ profile: profile.name, destinationCaseInsensitive: c.caseInsensitive, probe: c.how },
    `destination ${profile.destination} compares names ${c.caseInsensitive ? 'ignoring case' : 'case-sensitively'} (${how})`);
  // Only the native engine reads it (rsync and robocopy have their own windows), and the probe
  // writes a file into the destination root: no other engine's run should pay for that trace.
  const mtimeGranularityMs = profile.engine !== 'native' ? undefined
    : knownMtimeGranularityMs(profile.destination) ?? await probeMtimeGranularityMs(profile.destination, { mayWrite: !dryRun });
  if (mtimeGranularityMs) logger.info({ profile: profile.name, mtimeGranularityMs }, `destination ${profile.destination} keeps mtimes to ${mtimeGranularityMs} ms: times that close count as equal`);
  return { ...c, mtimeGranularityMs };
}

/** What a Copier gets for one chunk of `profile`. */
export function buildCopyOptions(profile: ProfileConfig, chunk: Chunk, o: { dryRun: boolean; bandwidthBytesPerSec: number; logPath?: string; logger: Logger; destinationCase?: DestinationTraits; childLedger?: ChildLedger; preserve?: Preserve }): CopyOptions {
  return {
    mirror: profile.mirror,
    dryRun: o.dryRun,
    destinationCaseInsensitive: o.destinationCase?.caseInsensitive,
    destinationMtimeGranularityMs: o.destinationCase?.mtimeGranularityMs,
    // Absolute excludeDirs are written against the live source; rebased to the source root here
    // so they still match when the chunk is read from a snapshot path.
    ...profileExcludes(profile),
    ...(profile.excludeAttributes ? { excludeAttributes: profile.excludeAttributes } : {}),
    bandwidthBytesPerSec: o.bandwidthBytesPerSec || undefined,
    logPath: o.logPath,
    engineOptions: profile.engineOptions,
    engineRetries: profile.retry.engineRetries,
    engineWaitSeconds: profile.retry.engineWaitSeconds,
    childLedger: o.childLedger,
    ...(o.preserve ? { preserve: o.preserve } : {}),
    logger: o.logger.child({ chunkId: chunk.id }),
  };
}
