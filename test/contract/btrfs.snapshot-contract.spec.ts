import * as fs from 'node:fs';
import * as path from 'node:path';
import { plugins, type BtrfsOptions } from '../../plugins/btrfs';
import type { SnapshotProvider } from '../../src/api';
import { runSnapshotContract } from '../../src/testing';
import { mountBtrfsLoop, type BtrfsLoop } from '../helpers/btrfs-loop';
import { recordingLogger } from '../helpers/recording-logger';

// One real btrfs file system for the whole suite (mkfs per test would dominate its time); each
// test snapshots a fresh directory in it. Needs root and loop devices: it fails, never skips.
describe('btrfs snapshot provider', () => {
  let loop: BtrfsLoop;
  let n = 0;
  before(() => { loop = mountBtrfsLoop(); });
  after(() => loop?.dispose());

  runSnapshotContract('btrfs (a real btrfs file system on a loop device)', async () => {
    const source = path.join(loop.subvolume, 'contract', `case-${++n}`);
    fs.mkdirSync(source, { recursive: true });
    const provider = await plugins[0].create({ options: {} as BtrfsOptions, logger: recordingLogger(), signal: new AbortController().signal, configDir: '/' }) as SnapshotProvider;
    return { provider, source, unsupported: path.dirname(loop.mountPoint) };
  });
});
