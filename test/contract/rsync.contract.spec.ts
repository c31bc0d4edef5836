import { RsyncCopier } from '../../src/engines/rsync';
import { runCopierContract } from './copier-contract';

// The real rsync binary and the real piscina parser: nothing stubbed.
runCopierContract('rsync', async () => ({ copier: new RsyncCopier(), supportsRealIo: true }));
