import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors/usage-error';
import { guardOutput } from './output-guard';

/** Where a command writes; injected so tests can run main() in-process and capture output. */
export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** The working directory; reading it throws a UsageError when it is gone (see processIo). */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  // A closed terminal (ssh dropped, `| head`) or a full disk under a redirect: a long run must go
  // on (its log file and state database still record everything), not die on an output error.
  guardOutput();
  const cwd = workingDirectory();
  return { stdout: process.stdout, stderr: process.stderr, get cwd() { return cwd(); }, env: process.env };
}

/**
 * The working directory, for the paths that need it. A shell can sit in a directory that was
 * removed or unmounted since (the old share after a migration): process.cwd() then throws, and so
 * does every worker thread Node starts (it asks for the directory when it boots). So the process
 * moves to the file system's root, as a daemon does, and what needs the old directory (a relative
 * path, the default ./robocurse.json) gets a usage error saying so (exit 2) instead of a path
 * resolved against the root: a command with absolute paths works from there.
 */
function workingDirectory(): () => string {
  try {
    const cwd = process.cwd();
    return () => cwd;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    try { process.chdir(fileSystemRoot()); } catch { /* nowhere better to go: threads will fail as before */ }
    return () => {
      throw new UsageError(`the current directory cannot be reached (${code}: removed or unmounted?), and a relative path or the default ./robocurse.json needs it: cd to a directory that exists, or give absolute paths`);
    };
  }
}

/** The root of the file system robocurse runs from (`/`, or the drive of node.exe): always there. */
export function fileSystemRoot(): string {
  return path.parse(process.execPath).root;
}

/** `p` made absolute: against the working directory only when it is relative (see workingDirectory). */
export function resolveArg(io: Pick<CliIo, 'cwd'>, p: string): string {
  return path.isAbsolute(p) ? path.resolve(p) : path.resolve(io.cwd, p);
}

/** Whether the working directory holds `name`; false when the directory itself is gone. */
export function inWorkingDirectory(io: Pick<CliIo, 'cwd'>, name: string): boolean {
  let cwd: string;
  try { cwd = io.cwd; } catch { return false; }
  return fs.existsSync(path.join(cwd, name));
}

/** Options every command shares. */
export interface CommonArgs {
  config?: string;
  profile?: string[];
  all?: boolean;
  json?: boolean;
  /** Undefined when not given: each command picks its own default. */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
}
