import type { RobocurseConfig } from '../config/types';
import { compileSchedule } from './compile';
import { dstWarnings } from './dst-warnings';
import { hostZone } from './zone';

/** `validate`'s schedule warnings: start times in a DST gap or overlap of the host's zone. */
export function scheduleWarnings(cfg: RobocurseConfig, zone = hostZone(), nowMs = Date.now()): string[] {
  return cfg.profiles
    .filter((p) => p.enabled && p.schedule?.enabled)
    .flatMap((p) => dstWarnings(compileSchedule(p.name, p.schedule!), zone, nowMs).map((w) => `${w.path}: ${w.message}`));
}
