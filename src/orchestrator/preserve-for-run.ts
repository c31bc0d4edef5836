import type { Copier, Logger, Preserve } from '../api';
import { resolvePreserve } from '../config/preserve';
import type { ProfileConfig } from '../config/types';
import { fileSystemFeatures } from '../fs/fs-features';
import { canChown } from '../fs/privilege';

/**
 * The profile's `preserve` for this run: its settings over the defaults, less what the engine or
 * the destination's file system cannot keep. Each key turned off is logged, as a warning when the
 * profile asked for it (validate says the same before the run).
 */
export function preserveForRun(profile: ProfileConfig, copier: Copier, logger: Logger): Preserve {
  const { preserve, notes } = resolvePreserve(profile.preserve ?? {}, {
    privileged: canChown(),
    destination: profile.windowsPaths ? undefined : fileSystemFeatures(profile.destination),
    engine: copier.capabilities.preserve,
    engineName: profile.engine,
  });
  for (const n of notes) {
    if (n.level === 'warn') logger.warn({ profile: profile.name, key: `preserve.${n.key}` }, n.message);
    else logger.info({ profile: profile.name, key: `preserve.${n.key}` }, n.message);
  }
  return preserve;
}
