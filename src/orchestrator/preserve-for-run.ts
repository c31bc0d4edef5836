import type { Copier, DigestFields, Logger, Preserve, ScanOptions } from '../api';
import { resolvePreserve } from '../config/preserve';
import type { ProfileConfig } from '../config/types';
import { fileSystemFeatures } from '../fs/fs-features';
import { canChown } from '../fs/privilege';
import { profileExcludes } from '../plan/profile-excludes';

/**
 * The profile's `preserve` for this run: its settings over the defaults, less what the engine or
 * the destination's file system cannot keep. Each key turned off is logged, as a warning when the
 * profile asked for it (validate says the same before the run); those are also returned as
 * `problems`, which make the profile's result a Warning: the replica lacks what was asked.
 */
export function preserveForRun(profile: ProfileConfig, copier: Copier, logger: Logger): { preserve: Preserve; problems: string[] } {
  const { preserve, notes } = resolvePreserve(profile.preserve ?? {}, {
    privileged: canChown(),
    destination: profile.windowsPaths ? undefined : fileSystemFeatures(profile.destination),
    engine: copier.capabilities.preserve,
    engineName: profile.engine,
  });
  const problems: string[] = [];
  for (const n of notes) {
    if (n.level === 'warn') {
      logger.warn({ profile: profile.name, key: `preserve.${n.key}` }, n.message);
      problems.push(n.message);
    } else logger.info({ profile: profile.name, key: `preserve.${n.key}` }, n.message);
  }
  return { preserve, problems };
}

/**
 * Memory for the scan's kept listings (~100 bytes an entry: ~330,000 entries). Only directories
 * found changed are kept, so an unchanged re-run of any size keeps none; a changed tree larger
 * than this lists the rest again in the copy pass, as before.
 */
export const KEPT_LISTINGS_BYTES = 32 * 1024 * 1024;

/**
 * Scan options for listing digests (api/digests.ts), when the profile's engine takes them: each
 * field the copy may keep is in the digest (more fields than the copy keeps only make fewer
 * directories match; the engine checks it has them all). None with a size or age filter: the
 * scan then leaves files out that the listings show. The scan also compares each directory with
 * its copy in the destination (src/scan/compare-copy.ts; ScanOptions.compareWith), except for a
 * destination of Windows paths, which this host does not reach by them; and keeps the listings
 * of directories it did not find up to date there, up to KEPT_LISTINGS_BYTES, so the copy pass
 * does not list them a third time (src/fs/kept-listings.ts).
 */
export function scanDigests(profile: ProfileConfig, copier: Copier): { digest?: DigestFields; compareWith?: string; keepListings?: number } {
  if (copier.capabilities.sourceDigests !== true || profileExcludes(profile).sizeAge) return {};
  return {
    digest: { modes: profile.preserve?.modes !== false, owners: profile.preserve?.owners !== false && canChown() },
    ...(profile.windowsPaths ? {} : { compareWith: profile.destination, keepListings: KEPT_LISTINGS_BYTES }),
  };
}

/** What a profile's source is scanned with (its excludes, and the digests its engine takes): the run's scan and its early start ask the same. */
export function profileScanOptions(profile: ProfileConfig, copier: Copier): Omit<ScanOptions, 'signal'> {
  return { excludes: profileExcludes(profile), ...scanDigests(profile, copier) };
}
