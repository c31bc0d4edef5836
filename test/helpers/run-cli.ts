import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { packageRoot } from '../../src/paths';

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** The CLI as users run it: `node bin/robocurse.js ...` in a real child process. */
export function cliPath(): string {
  return path.join(packageRoot(), 'bin', 'robocurse.js');
}

/** Starts the CLI; the caller may signal the child before awaiting `result`. */
export function startCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { child: ChildProcess; result: Promise<CliResult>; stderrSoFar(): string; stdoutSoFar(): string } {
  const child = spawn(process.execPath, [cliPath(), ...args], {
    cwd: opts.cwd ?? packageRoot(), env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = ''; let stderr = '';
  child.stdout!.on('data', (b: Buffer) => { stdout += b.toString('utf8'); });
  child.stderr!.on('data', (b: Buffer) => { stderr += b.toString('utf8'); });
  const result = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, result, stderrSoFar: () => stderr, stdoutSoFar: () => stdout };
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return startCli(args, opts).result;
}
