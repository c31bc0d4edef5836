import { SimulatedCopier } from '../../src/engines/simulated';
import { runCopierContract } from './copier-contract';

runCopierContract('simulated', async () => ({ copier: new SimulatedCopier({ progressIntervalMs: 20 }), supportsRealIo: false }));
