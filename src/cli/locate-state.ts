import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RobocurseConfig } from '../config/types';
import { inWorkingDirectory, resolveArg, type CliIo, type CommonArgs } from './io';
import { STATE_DB_FILE } from '../state/open-database';
import { loadCliConfig, UsageError } from './load-cli-config';
import { readLastUsed } from './user-state';

/** Where a command that reads or steers runs finds the state database. */
export interface StateLocation {
  stateDir: string;
  /** The config it came from, when one was read (profile names can be checked against it). */
  cfg?: RobocurseConfig;
  /** How it was chosen, for the note on stderr. */
  how: '--state-dir' | 'config' | 'last-used';
}

export interface StateDirArgs extends CommonArgs {
  stateDir?: string;
}

/**
 * The state database of `--state-dir`, else of `--config`, else of ./robocurse.json, else of the
 * last run this user started (recorded in its state home, user-state.ts), else of the bundled
 * example config. So `robocurse status` from another terminal and any directory finds the run
 * that is going on, instead of an empty example database.
 */
export async function locateState(args: StateDirArgs, io: CliIo): Promise<StateLocation> {
  if (args.stateDir !== undefined) {
    const stateDir = resolveArg(io, args.stateDir);
    if (!fs.existsSync(path.join(stateDir, STATE_DB_FILE))) throw new UsageError(`--state-dir ${stateDir}: there is no state database (${STATE_DB_FILE}) in that folder`);
    return { stateDir, how: '--state-dir' };
  }
  if (args.config === undefined && !inWorkingDirectory(io, 'robocurse.json')) {
    const last = readLastUsed(io.env);
    if (last) {
      io.stderr.write(`robocurse: no --config given: using the state folder of your last run, ${last.stateDir}${last.configPath ? ` (config ${last.configPath})` : ''}\n`);
      return { stateDir: last.stateDir, how: 'last-used' };
    }
  }
  const cfg = await loadCliConfig(args, io);
  return { stateDir: cfg.global.stateDir, cfg, how: 'config' };
}
