import * as path from 'node:path';
import { RobocopyCopier } from '../../src/engines/robocopy';
import { packageRoot } from '../../src/paths';
import { removeTemp, tempDir } from '../helpers/make-tree';
import { runCopierContract } from './copier-contract';

/** The fake robocopy (a real process that copies for real) stands in for robocopy.exe off Windows. */
const FAKE = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');

runCopierContract('robocopy (fake robocopy process)', async () => {
  const logDir = tempDir('robocurse-robocopy-logs-');
  return {
    copier: new RobocopyCopier({ executable: FAKE, logDir, retry: { engineRetries: 0, engineWaitSeconds: 0 } }),
    supportsRealIo: true,
    cleanup: async () => removeTemp(logDir),
  };
});
