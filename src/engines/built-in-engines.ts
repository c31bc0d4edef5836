import type { Copier } from '../api';
import type { WorkerPools } from '../workers';
import type { CopierFactory } from './copier-registry';

/**
 * Where each built-in engine lives; required lazily so unused engines cost nothing at start-up.
 * `pooled`: the engine runs worker threads, so it takes the run's pools.
 */
const BUILT_IN: Record<string, { module: string; className: string; pooled: boolean }> = {
  native: { module: './native', className: 'NativeCopier', pooled: true },
  simulated: { module: './simulated', className: 'SimulatedCopier', pooled: false },
  rsync: { module: './rsync', className: 'RsyncCopier', pooled: true },
  robocopy: { module: './robocopy', className: 'RobocopyCopier', pooled: true },
};

/** Factories for the built-in engines; the pooled ones take their threads from `pools` when given. */
export function builtInCopierFactories(pools?: WorkerPools): Record<string, CopierFactory> {
  const out: Record<string, CopierFactory> = {};
  for (const [name, { module, className, pooled }] of Object.entries(BUILT_IN)) {
    out[name] = () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(module) as Record<string, new (options?: { pools?: WorkerPools }) => Copier>;
      const Ctor = mod[className];
      if (typeof Ctor !== 'function') throw new Error(`built-in engine '${name}' is missing ${className}`);
      return pooled && pools ? new Ctor({ pools }) : new Ctor();
    };
  }
  return out;
}
