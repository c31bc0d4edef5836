import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk, ExitMeaning } from '../../api';
import { packageRoot } from '../../paths';
import { hostFact } from '../../process/host-fact';
import { probeSucceeds, resolveExecutable } from '../../process/parent-death';
import { readRsyncEngineOptions, type RsyncEngineOptions } from './engine-options';

/**
 * What an rsync of a chunk may read besides the trees (native/confine.c's rules): the loader,
 * libraries and the few system files rsync opens. Nothing else of /etc (a source directory
 * swapped for a link to /etc must not copy /etc/shadow into the replica).
 */
const SYSTEM_READ = ['/usr', '/lib', '/lib64', '/lib32', '/libx32', '/bin', '/sbin'];
const SYSTEM_READ_FILES = ['/etc/ld.so.cache', '/etc/ld.so.preload', '/etc/nsswitch.conf', '/etc/passwd', '/etc/group', '/etc/localtime', '/dev/urandom'];
const SYSTEM_WRITE = ['/dev/null'];

/**
 * robocurse-confine (native/confine.c, built with the helper) when this kernel lets it confine a
 * process (Landlock, Linux 5.13+), or why not (hostFact: probed once per process).
 */
const confineProbe = hostFact((): { path?: string; problem?: string } => {
  const file = path.join(packageRoot(), 'native', 'build', 'Release', 'robocurse-confine');
  if (process.platform !== 'linux') return { problem: 'not Linux' };
  if (process.env.ROBOCURSE_CONFINE === 'off') return { problem: 'ROBOCURSE_CONFINE=off' };
  if (!fs.existsSync(file)) return { problem: `robocurse-confine is not built: ${file} is missing; run "node scripts/build-native.js"` };
  if (!probeSucceeds(file, ['--abi'])) return { problem: 'the kernel offers no Landlock (Linux 5.13+ with Landlock enabled)' };
  return { path: file };
});

export function confineProgram(): string | undefined {
  return confineProbe().path;
}

/**
 * `validate`'s warning, once, for the first enabled rsync profile on Linux that asks to be
 * confined when robocurse-confine cannot run here: the run would start rsync unconfined.
 */
export function confineWarnings(profiles: ReadonlyArray<{ name: string; enabled: boolean; engine: string; windowsPaths?: boolean; engineOptions?: Record<string, unknown> }>): string[] {
  if (process.platform !== 'linux') return [];
  // The config is valid here (validate loaded it), so the engine's own reader cannot throw.
  const asks = profiles.find((p) => p.enabled && p.engine === 'rsync' && !p.windowsPaths && readRsyncEngineOptions(p.engineOptions ?? {}).confine);
  if (!asks || confineProgram()) return [];
  return [`profiles.${asks.name}.engine: rsync cannot run confined here (${confineProbe().problem}): an rsync older than 3.4.0 may then follow a directory swapped for a link mid-run outside the source and destination (docs/safety.md)`];
}

/** The root a chunk's path was made from: `chunkPath` less the chunk's relPath ('/'-separated). */
export function rootOf(chunkPath: string, relPath: string): string {
  const abs = path.resolve(chunkPath);
  if (relPath === '') return abs;
  return path.resolve(abs, ...relPath.split('/').filter(Boolean).map(() => '..'));
}

/** What one rsync of `chunk` may touch, as confine's options. */
export function confineRules(chunk: Chunk, rsync: string, readFiles: ReadonlyArray<string | undefined>): string[] {
  const rules: string[] = [];
  for (const p of SYSTEM_READ) rules.push('--read', p);
  for (const f of [...SYSTEM_READ_FILES, rsync, ...readFiles]) if (f !== undefined) rules.push('--read-file', f);
  for (const p of SYSTEM_WRITE) rules.push('--write', p);
  rules.push('--read', rootOf(chunk.sourcePath, chunk.relPath), '--write', rootOf(chunk.destinationPath, chunk.relPath));
  return rules;
}

/**
 * `executable argv` run through robocurse-confine: rsync may read only beneath the profile's
 * source root (and the system files above), and read and write only beneath its destination
 * root. A directory swapped for a link while rsync works in it then leads nowhere: rsync older
 * than 3.4.0 follows such a swap (docs/safety.md). As given when confine cannot run here, or the
 * executable cannot be found (its spawn then fails as before, with rsync's name), or the profile
 * says `confine: false`.
 */
export function confined(chunk: Chunk, engine: Pick<RsyncEngineOptions, 'executable' | 'confine'>, argv: string[], readFiles: ReadonlyArray<string | undefined>): { executable: string; argv: string[]; confined: boolean } {
  const { executable } = engine;
  const program = engine.confine ? confineProgram() : undefined;
  const rsync = program && resolveExecutable(executable, process.env.PATH);
  if (!program || !rsync) return { executable, argv, confined: false };
  return { executable: program, argv: [...confineRules(chunk, rsync, readFiles), '--', rsync, ...argv], confined: true };
}

/** robocurse-confine's own exit status when it could not set its rules (rsync did not run). */
export const CONFINE_FAILED = 125;

/**
 * What an exit of a confined rsync means when it is confine's own failure (its reason is its last
 * stderr line): Fatal, not retried (the next attempt would meet the same host), naming the way out.
 * Undefined for every other exit: rsync's own, read as before.
 */
export function confineExitMeaning(code: number | null, stderrLines: readonly string[]): ExitMeaning | undefined {
  if (code !== CONFINE_FAILED) return undefined;
  const reason = [...stderrLines].reverse().find((l) => l.startsWith('robocurse-confine: '));
  if (reason === undefined) return undefined;
  return {
    severity: 'Fatal', shouldRetry: false,
    message: `${reason}; rsync did not run. robocurse confines rsync with Landlock (docs/safety.md); set engineOptions.rsync.confine to false to run it unconfined`,
  };
}
