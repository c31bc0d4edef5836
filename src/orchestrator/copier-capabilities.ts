import type { Copier, CopierCapabilities } from '../api';

/** A copier's capabilities with every optional flag decided. */
export type DeclaredCapabilities = CopierCapabilities & { sharedBandwidth: boolean };

/**
 * What the orchestrator may ask of `copier`, read from its declared capabilities, never by
 * trying a method. The one exception is for plugins written before `sharedBandwidth` existed:
 * an undeclared flag follows the presence of setTotalBandwidth(). A flag declared true without
 * the method is false: the orchestrator would have nothing to call.
 */
export function capabilitiesOf(copier: Copier): DeclaredCapabilities {
  const c = copier.capabilities;
  const hasMethod = typeof copier.setTotalBandwidth === 'function';
  return { ...c, sharedBandwidth: (c.sharedBandwidth ?? hasMethod) && hasMethod };
}
