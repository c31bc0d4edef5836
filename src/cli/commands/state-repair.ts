import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { StateError, StateStore, STATE_DB_FILE } from '../../state';
import { EXIT, type ExitCode } from '../exit-codes';
import { resolveArg, type CliIo } from '../io';
import { loadCliConfig, UsageError } from '../load-cli-config';
import type { StateDirArgs } from '../locate-state';
import { handleCommandError } from './validate';

interface StateArgs extends StateDirArgs {
  action: 'repair';
}

/** Why the database at `file` cannot be used, or undefined when it is healthy. */
function damage(stateDir: string, file: string): string | undefined {
  try {
    StateStore.open(stateDir).close();
  } catch (err) {
    if (err instanceof StateError && err.code === 'STATE_CORRUPT') return err.message;
    throw err; // not ours to repair (a permission, a lock, a newer schema): the message says what to do
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const bad = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    return bad.length > 0 ? `integrity check: ${bad.slice(0, 3).join('; ')}` : undefined;
  } finally {
    db.close();
  }
}

/**
 * `robocurse state repair`: a state database that SQLite cannot use is moved aside (with its
 * -wal and -shm, renamed with the time, never deleted: the history in it may still be rescued)
 * and a new, empty one is started. A healthy database is left alone.
 */
export async function stateCommand(args: StateArgs, io: CliIo): Promise<ExitCode> {
  try {
    if (args.action !== 'repair') throw new UsageError(`state ${String(args.action)}: unknown action (state repair)`);
    const stateDir = args.stateDir !== undefined ? resolveArg(io, args.stateDir) : (await loadCliConfig(args, io)).global.stateDir;
    const file = path.join(stateDir, STATE_DB_FILE);
    if (!fs.existsSync(file)) {
      io.stdout.write(`state repair: there is no state database at ${file}; the next run starts one\n`);
      return EXIT.Success;
    }
    const why = damage(stateDir, file);
    if (!why) {
      io.stdout.write(`state repair: ${file} is healthy; nothing to do\n`);
      return EXIT.Success;
    }
    const suffix = `.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const moved: string[] = [];
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      if (!fs.existsSync(f)) continue;
      fs.renameSync(f, `${f}${suffix}`);
      moved.push(`${f}${suffix}`);
    }
    StateStore.open(stateDir).close();
    io.stdout.write(`state repair: ${file} was unusable (${why})\n`);
    io.stdout.write(`  moved aside, not deleted: ${moved.join(', ')}\n`);
    io.stdout.write(`  a new, empty state database was started at ${file}; earlier runs' history and resume points stay in the old file\n`);
    return EXIT.Success;
  } catch (e) {
    return handleCommandError(e, args, io);
  }
}
