import type { Copier, Logger, Preserve } from '../api';
import { resolvePreserve } from '../config/preserve';
import type { ProfileConfig } from '../config/types';
import { fileSystemFeatures } from '../fs/fs-features';
import { canChown } from '../fs/privilege';

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
