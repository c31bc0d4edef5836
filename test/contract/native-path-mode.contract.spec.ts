import { NativeCopier } from '../../src/engines/native';
import { runCopierContract } from './copier-contract';

// The fallback of hosts without /proc/self/fd (macOS, Windows): directories checked with lstat
// and reached by path. Same contract.
runCopierContract('native (path mode)', async () => ({ copier: new NativeCopier({ progressIntervalMs: 20, dirMode: 'path' }), supportsRealIo: true }));
