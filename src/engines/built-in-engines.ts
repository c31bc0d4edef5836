import type { Copier } from '../api';
import type { WorkerPools } from '../workers';
import type { CopierFactory } from './copier-registry';

/**
 * Where each built-in engine lives; required lazily so unused engines cost nothing at start-up.
 * Each `require` names its module literally so the CLI bundle (scripts/bundle-cli.js) carries it.
 * `pooled`: the engine runs worker threads, so it takes the run's pools.
 */
type EngineModule = Record<string, new (options?: { pools?: WorkerPools }) => Copier>;
/* eslint-disable @typescript-eslint/no-require-imports */
const BUILT_IN: Record<string, { load: () => EngineModule; className: string; pooled: boolean }> = {
  native: { load: () => require('./native') as EngineModule, className: 'NativeCopier', pooled: true },
  simulated: { load: () => require('./simulated') as EngineModule, className: 'SimulatedCopier', pooled: false },
  rsync: { load: () => require('./rsync') as EngineModule, className: 'RsyncCopier', pooled: true },
  robocopy: { load: () => require('./robocopy') as EngineModule, className: 'RobocopyCopier', pooled: true },
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Factories for the built-in engines; the pooled ones take their threads from `pools` when given. */
export function builtInCopierFactories(pools?: WorkerPools): Record<string, CopierFactory> {
  const out: Record<string, CopierFactory> = {};
  for (const [name, { load, className, pooled }] of Object.entries(BUILT_IN)) {
    out[name] = () => {
      const Ctor = load()[className];
      if (typeof Ctor !== 'function') throw new Error(`built-in engine '${name}' is missing ${className}`);
      return pooled && pools ? new Ctor({ pools }) : new Ctor();
    };
  }
  return out;
}
