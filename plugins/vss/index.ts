import { declareSnapshotProvider } from '../../src/plugin';
import { DEFAULT_VSS_OPTIONS, vssOptionsSchema, type VssOptions } from './options';
import { spawnPowerShellRunner } from './powershell-runner';
import { VssSnapshotProvider } from './vss-provider';

export { VssSnapshotProvider, type VssProviderDeps } from './vss-provider';
export type { PowerShellCall, PowerShellResult, PowerShellRunner } from './powershell-runner';
export type { VssOptions } from './options';

/** The built-in `vss` snapshot provider (see docs/snapshots.md). */
export const plugins = [
  declareSnapshotProvider<VssOptions>({
    name: 'vss',
    version: '1.0.0',
    apiVersion: '^1.0.0',
    optionsSchema: vssOptionsSchema as unknown as Record<string, unknown>,
    create({ options, logger }) {
      // Loads on every system so `robocurse plugins` lists it; its calls explain that VSS needs Windows.
      return new VssSnapshotProvider({ ...DEFAULT_VSS_OPTIONS, ...options }, { runner: spawnPowerShellRunner(), logger });
    },
  }),
];
