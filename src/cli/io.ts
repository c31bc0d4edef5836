import { guardOutput } from './output-guard';

/** Where a command writes; injected so tests can run main() in-process and capture output. */
export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  // A closed terminal (ssh dropped, `| head`) or a full disk under a redirect: a long run must go
  // on (its log file and state database still record everything), not die on an output error.
  guardOutput();
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
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
