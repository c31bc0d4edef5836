import { runCommand } from '../../src/plugin';

/** One PowerShell invocation: the script and the values it reads from its environment. */
export interface PowerShellCall {
  /** Full argv, executable first: [powershell.exe, -NoProfile, -NonInteractive, ..., -EncodedCommand, <base64>]. */
  argv: string[];
  /** Extra environment variables (every path and id the script needs travels here, never in the script text). */
  env: Record<string, string>;
  timeoutMs: number;
}

export interface PowerShellResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The executable could not be started (ENOENT). */
  spawnError?: Error;
  timedOut?: boolean;
}

/** Runs PowerShell; the provider's only way to reach the system, so tests replay transcripts instead. */
export interface PowerShellRunner {
  run(call: PowerShellCall): Promise<PowerShellResult>;
}

/**
 * argv for a script: -EncodedCommand takes the script as base64 of UTF-16LE, so no quoting rule of
 * the Windows command line or of PowerShell's own parser ever applies to it.
 */
export function powershellArgv(executable: string, script: string): string[] {
  return [executable, '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')];
}

/** Decodes the script of an argv made by powershellArgv (for transcripts and tests). */
export function scriptOf(argv: readonly string[]): string {
  const i = argv.indexOf('-EncodedCommand');
  return i < 0 ? '' : Buffer.from(argv[i + 1] ?? '', 'base64').toString('utf16le');
}

/**
 * The real runner: robocurse's own (robocurse/plugin runCommand: argv array, no shell, hidden
 * window, the process tree killed at the time limit).
 */
export function spawnPowerShellRunner(): PowerShellRunner {
  return {
    async run(call) {
      const r = await runCommand(call.argv, { env: { ...process.env, ...call.env }, timeoutMs: call.timeoutMs });
      if (r.spawnError) return { exitCode: null, stdout: '', stderr: '', spawnError: r.spawnError };
      return { exitCode: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), timedOut: r.timedOut };
    },
  };
}
