import * as path from 'node:path';
import type { ChildLedger, Chunk, CopyOptions, Logger } from '../api';
import type { ProfileConfig } from '../config/types';
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

/** What a Copier gets for one chunk of `profile`. */
export function buildCopyOptions(profile: ProfileConfig, chunk: Chunk, o: { dryRun: boolean; bandwidthBytesPerSec: number; logPath?: string; logger: Logger; childLedger?: ChildLedger }): CopyOptions {
  return {
    mirror: profile.mirror,
    dryRun: o.dryRun,
    // Absolute excludeDirs are written against the live source; rebased to the source root here
    // so they still match when the chunk is read from a snapshot path.
    ...profileExcludes(profile),
    bandwidthBytesPerSec: o.bandwidthBytesPerSec || undefined,
    logPath: o.logPath,
    engineOptions: profile.engineOptions,
    engineRetries: profile.retry.engineRetries,
    engineWaitSeconds: profile.retry.engineWaitSeconds,
    childLedger: o.childLedger,
    logger: o.logger.child({ chunkId: chunk.id }),
  };
}
