import type { ConfigProblem } from './problems';
import { isSameOrInside, realPathLoose } from './path-checks';
import type { RobocurseConfig } from './types';

type Located = ConfigProblem & { segments: (string | number)[] };

/**
 * `global.stateDir` and `global.logDir` must lie outside every profile's source and destination:
 * a mirror deletes what the source lacks, so a state database inside the destination is deleted
 * by the run that writes it (and the history with it), and one inside the source is copied while
 * it changes. Compared by real path where the paths exist, like source against destination.
 * Every profile counts, enabled or not: `--profile X` runs a disabled one too.
 */
export function privateDirProblems(cfg: RobocurseConfig): Located[] {
  const out: Located[] = [];
  for (const key of ['stateDir', 'logDir'] as const) {
    const dir = cfg.global[key];
    const real = realPathLoose(dir);
    for (const p of cfg.profiles) {
      if (p.windowsPaths && process.platform !== 'win32') continue;
      for (const side of ['destination', 'source'] as const) {
        const root = p.windowsPaths ? p[side] : realPathLoose(p[side]);
        if (!isSameOrInside(root, p.windowsPaths ? dir : real)) continue;
        const why = side === 'destination'
          ? (p.mirror ? 'the mirror would delete it' : 'the copy would overwrite or a later mirror delete it')
          : 'it would be copied while it changes';
        const what = key === 'stateDir' ? 'the state database' : 'the logs';
        out.push({
          segments: ['global', key], path: `global.${key}`,
          message: `${dir} is inside the ${side} of profile '${p.name}' (${p[side]}): ${why}; put ${what} outside every profile's source and destination`,
        });
        break;
      }
    }
  }
  return out;
}
