import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleId } from './bundle-loader';
import { EXIT } from './exit-codes';
import { readerGone } from './output-guard';

/**
 * `robocurse --help`, `robocurse CMD --help` and `robocurse --version` print text the build
 * wrote (scripts/write-cli-help.js: the same main() run with each of those command lines), so
 * they start no yargs and load no bundle: issue #17's `--help` ≤ 1.3× `node -e 0`.
 *
 * The text is the one yargs prints at 100 columns (main.ts wraps at min(100, columns)), so it is
 * taken only when stdout is not a terminal or one at least 100 columns wide; and only when the
 * file names the build of the bundle beside it (its first line), so a bundle rebuilt without it
 * never prints another build's help. Any doubt and the launcher goes the normal way.
 *
 * Only node: built-ins (and bundle-loader.ts, exit-codes.ts and output-guard.ts, likewise) here:
 * bin/robocurse.js requires this file before anything else.
 */

/** The file beside the bundle: `{ "bundle": <build id>, "texts": { <key>: <text> } }`. */
export const HELP_FILE = 'cli-help.json';

/** The column help is wrapped at (main.ts) when stdout has no width or a wider one. */
export const HELP_COLUMNS = 100;

const COMMAND_WORD = /^[a-z][a-z-]*$/;

/** Whether `arg` asks for help (`--help`, `-h`): here and in main.ts's typo check. */
export function isHelpFlag(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h';
}

/**
 * The key of a command line whose whole output is static, else undefined: '' for `--help`,
 * the command's name for `CMD --help`, '--version' for `--version`. Only these exact shapes:
 * anything more (a config, another flag) goes through the parser as before.
 */
export function staticHelpKey(argv: readonly string[]): string | undefined {
  if (argv.length === 1) {
    if (isHelpFlag(argv[0])) return '';
    if (argv[0] === '--version') return '--version';
    return undefined;
  }
  if (argv.length === 2 && isHelpFlag(argv[1]) && COMMAND_WORD.test(argv[0])) return argv[0];
  return undefined;
}

/** What a text may be written to: process.stdout, or a test's stand-in. */
export interface HelpOut {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
  on?(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
}

/** The build id on the bundle's first line (bundle-loader.ts writes it), read without the rest. */
function bundleIdOf(bundleFile: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(bundleFile, 'r');
    const head = Buffer.alloc(128);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return bundleId(head.toString('latin1', 0, n));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Where a failed write is told: one line on stderr and the exit code, no stack trace. */
export interface HelpFailure {
  (message: string, exitCode: number): void;
}

/** The process's own: stderr and process.exitCode. */
export const processFailure: HelpFailure = (message, exitCode) => {
  process.stderr.write(message);
  process.exitCode = exitCode;
};

/**
 * Writes the stored output of `argv` to `out` and returns true; returns false (writing nothing)
 * when there is none, when the file is missing, unreadable or of another build, or when `out`
 * is a terminal narrower than HELP_COLUMNS. A write that fails (a full disk) is told through
 * `failed` with exit code 4; a reader that went away (EPIPE, EIO) is not an error of ours.
 */
export function printStaticHelp(argv: readonly string[], cliDir: string, out: HelpOut, failed: HelpFailure = processFailure): boolean {
  const key = staticHelpKey(argv);
  if (key === undefined) return false;
  if (out.isTTY && (out.columns ?? 0) < HELP_COLUMNS) return false;
  let stored: { bundle?: unknown; texts?: Record<string, unknown> };
  try {
    stored = JSON.parse(fs.readFileSync(path.join(cliDir, HELP_FILE), 'utf8')) as typeof stored;
  } catch {
    return false; // not written (an old build) or unreadable: the parser prints it
  }
  const text = stored.texts && Object.prototype.hasOwnProperty.call(stored.texts, key) ? stored.texts[key] : undefined;
  if (typeof text !== 'string' || typeof stored.bundle !== 'string') return false;
  if (stored.bundle !== bundleIdOf(path.join(cliDir, 'cli-bundle.js'))) return false;
  const onError = (err: NodeJS.ErrnoException): void => {
    // `robocurse --help | head -1`: a closed pipe is not an error of ours (as for every command).
    if (readerGone(err)) return;
    failed(`robocurse: cannot write to stdout: ${err.message}\n`, EXIT.Fatal);
  };
  // A pipe reports a failed write as an event; a file (SyncWriteStream) throws it.
  out.on?.('error', onError);
  try {
    out.write(text);
  } catch (err) {
    onError(err as NodeJS.ErrnoException);
  }
  return true;
}
