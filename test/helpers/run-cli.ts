import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { packageRoot } from '../../src/paths';

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** The CLI as users run it: `node bin/robocurse.js ...` in a real child process. */
export function cliPath(): string {
  return path.join(packageRoot(), 'bin', 'robocurse.js');
}

/** How to start the CLI: `user` runs it as that user through runuser(1) (the test runs as root). */
export interface CliStartOptions { cwd?: string; env?: NodeJS.ProcessEnv; user?: string }

/** Starts the CLI; the caller may signal the child before awaiting `result`. */
export function startCli(args: string[], opts: CliStartOptions = {}): { child: ChildProcess; result: Promise<CliResult>; stderrSoFar(): string; stdoutSoFar(): string } {
  const argv = [cliPath(), ...args];
  const [command, commandArgs] = opts.user ? ['runuser', ['-u', opts.user, '--', process.execPath, ...argv]] : [process.execPath, argv];
  const child = spawn(command, commandArgs, {
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

export function runCli(args: string[], opts: CliStartOptions = {}): Promise<CliResult> {
  return startCli(args, opts).result;
}
