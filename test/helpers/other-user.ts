import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

/** The unprivileged account the security tests act as. */
export const NOBODY = { name: 'nobody', uid: 65534, gid: 65534 } as const;

/** Why a test that needs root (to act as another user) cannot run here, or undefined. */
export function needsRootReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root: it acts as another user with runuser';
  if (!fs.existsSync('/usr/sbin/runuser') && !fs.existsSync('/sbin/runuser')) return 'needs runuser (util-linux)';
  return undefined;
}

/** Runs argv as `nobody` (runuser, a real process of that user); throws when it fails. */
export function runAsNobody(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { stdout: string; stderr: string } {
  const r = spawnSync('runuser', ['-u', NOBODY.name, '--', ...argv], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`as nobody: ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/**
 * Calls `start` (which must spawn synchronously, as runCli does) with the process umask set to
 * `mask`, so the child inherits it; the test process's umask is restored before anything awaits.
 */
export function withUmask<T>(mask: number, start: () => T): T {
  const old = process.umask(mask);
  try { return start(); } finally { process.umask(old); }
}

/** `0600`-style mode of a path (permission bits only). */
export function modeOf(p: string): string {
  return `0${(fs.lstatSync(p).mode & 0o777).toString(8)}`;
}
