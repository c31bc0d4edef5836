import { declareSnapshotProvider } from '../../src/plugin';
import { BtrfsSnapshotProvider } from './btrfs-provider';
import { spawnCommandRunner } from './command-runner';
import { nodeFsView } from './fs-view';
import { btrfsOptionsSchema, DEFAULT_BTRFS_OPTIONS, type BtrfsOptions } from './options';

export { BtrfsSnapshotProvider, type BtrfsProviderDeps } from './btrfs-provider';
export type { CommandRunner, CommandResult } from './command-runner';
export type { FsView, MountEntry } from './fs-view';
export type { BtrfsOptions } from './options';

/** The built-in `btrfs` snapshot provider (see docs/snapshots.md). */
export const plugins = [
  declareSnapshotProvider<BtrfsOptions>({
    name: 'btrfs',
    version: '1.0.0',
    apiVersion: '^1.0.0',
    optionsSchema: btrfsOptionsSchema as unknown as Record<string, unknown>,
    create({ options, logger }) {
      // Loads everywhere (so `robocurse plugins` lists it); create() explains a non-btrfs source.
      return new BtrfsSnapshotProvider({ ...DEFAULT_BTRFS_OPTIONS, ...options }, { runner: spawnCommandRunner(), fs: nodeFsView(), logger });
    },
  }),
];
