import { spawn } from 'node:child_process';

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

/** The real runner: spawns with an argv array (no shell), hidden window, killed at the time limit. */
export function spawnPowerShellRunner(): PowerShellRunner {
  return {
    run(call) {
      return new Promise((resolve) => {
        const child = spawn(call.argv[0], call.argv.slice(1), {
          shell: false, windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...call.env },
        });
        const out: Buffer[] = []; const err: Buffer[] = [];
        let timedOut = false;
        const timer = setTimeout(() => { timedOut = true; child.kill(); }, call.timeoutMs);
        child.stdout.on('data', (b: Buffer) => out.push(b));
        child.stderr.on('data', (b: Buffer) => err.push(b));
        child.once('error', (e) => { clearTimeout(timer); resolve({ exitCode: null, stdout: '', stderr: '', spawnError: e }); });
        child.once('close', (code) => {
          clearTimeout(timer);
          resolve({ exitCode: code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
        });
      });
    },
  };
}
