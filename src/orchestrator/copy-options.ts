import * as path from 'node:path';
import type { Chunk, CopyOptions, Logger, Preserve } from '../api';
import type { ProfileConfig } from '../config/types';
import { probeCaseSensitivity, type CaseSensitivity } from '../fs/case-sensitivity';
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

/**
 * How the profile's destination compares names (probed on its root once per profile run, see
 * src/fs/case-sensitivity), logged so the admin sees what mirror decisions were based on.
 */
export async function probeDestinationCase(profile: ProfileConfig, dryRun: boolean, logger: Logger): Promise<CaseSensitivity> {
  const c = await probeCaseSensitivity(profile.destination, { mayWrite: !dryRun });
  const how = c.how === 'assumed' ? `assumed for this platform: ${c.reason}` : c.how === 'entry' ? 'probed on an existing entry' : 'probed with a probe file';
  logger.info({ profile: profile.name, destinationCaseInsensitive: c.caseInsensitive, probe: c.how },
    `destination ${profile.destination} compares names ${c.caseInsensitive ? 'ignoring case' : 'case-sensitively'} (${how})`);
  return c;
}

/** What a Copier gets for one chunk of `profile`. */
export function buildCopyOptions(profile: ProfileConfig, chunk: Chunk, o: { dryRun: boolean; bandwidthBytesPerSec: number; logPath?: string; logger: Logger; destinationCase?: CaseSensitivity; preserve?: Preserve }): CopyOptions {
  return {
    mirror: profile.mirror,
    dryRun: o.dryRun,
    destinationCaseInsensitive: o.destinationCase?.caseInsensitive,
    // Absolute excludeDirs are written against the live source; rebased to the source root here
    // so they still match when the chunk is read from a snapshot path.
    ...profileExcludes(profile),
    bandwidthBytesPerSec: o.bandwidthBytesPerSec || undefined,
    logPath: o.logPath,
    engineOptions: profile.engineOptions,
    engineRetries: profile.retry.engineRetries,
    engineWaitSeconds: profile.retry.engineWaitSeconds,
    ...(o.preserve ? { preserve: o.preserve } : {}),
    logger: o.logger.child({ chunkId: chunk.id }),
  };
}
