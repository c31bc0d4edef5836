import type { PreserveCapabilities } from '../api';
import { nativePreserveCapabilities } from './native/preserve-capabilities';
import { ROBOCOPY_PRESERVE } from './robocopy/preserve-capabilities';
import { RSYNC_PRESERVE } from './rsync/preserve-capabilities';

/**
 * What a built-in engine keeps, without starting it (for `validate`); undefined for engines that
 * do not say (simulated, plugins: their Copier's `capabilities.preserve` is read at run time).
 */
export function builtInPreserveCapabilities(engine: string): PreserveCapabilities | undefined {
  switch (engine) {
    case 'native': return nativePreserveCapabilities();
    case 'rsync': return RSYNC_PRESERVE;
    case 'robocopy': return ROBOCOPY_PRESERVE;
    default: return undefined;
  }
}
