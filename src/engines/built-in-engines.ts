import type { Copier } from '../api';
import type { CopierFactory } from './copier-registry';

/** Where each built-in engine lives; required lazily so unused engines cost nothing at start-up. */
const BUILT_IN: Record<string, { module: string; className: string }> = {
  native: { module: './native', className: 'NativeCopier' },
  simulated: { module: './simulated', className: 'SimulatedCopier' },
  rsync: { module: './rsync', className: 'RsyncCopier' },
  robocopy: { module: './robocopy', className: 'RobocopyCopier' },
};

/** Factories for the built-in engines. */
export function builtInCopierFactories(): Record<string, CopierFactory> {
  const out: Record<string, CopierFactory> = {};
  for (const [name, { module, className }] of Object.entries(BUILT_IN)) {
    out[name] = () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(module) as Record<string, new () => Copier>;
      const Ctor = mod[className];
      if (typeof Ctor !== 'function') throw new Error(`built-in engine '${name}' is missing ${className}`);
      return new Ctor();
    };
  }
  return out;
}
