import { NativeCopier } from '../../src/engines/native';
import { runCopierContract } from './copier-contract';

runCopierContract('native', async () => ({ copier: new NativeCopier({ progressIntervalMs: 20 }), supportsRealIo: true }));
