import * as path from 'node:path';
import { assertNotSwitchLike, assertSafeArgument, normaliseDirArgument } from '../engines/robocopy/arg-safety';
import { RobocopyArgumentError } from '../engines/robocopy/errors';
import { readRsyncEngineOptions } from '../engines/rsync/engine-options';
import { RsyncArgumentError } from '../engines/rsync/errors';
import type { GlobalConfig, ProfileConfig } from './types';

/** A problem found by an engine's own rules, at the config key (as path segments) it comes from. */
export interface EngineProblem {
  segments: (string | number)[];
  message: string;
}

function robocopyProblem(err: unknown, segments: (string | number)[]): EngineProblem {
  if (!(err instanceof RobocopyArgumentError)) throw err;
  return { segments, message: err.toProblem().message };
}

/**
 * What the robocopy engine would refuse when it builds a command line, checked before anything
 * runs: the profile's source and destination roots, every exclude pattern (characters robocopy
 * cannot be given, and anything starting with `/` or `-`, which robocopy would read as a switch),
 * the log directory (it becomes `/UNILOG:<dir>/...`) and the executable.
 */
function robocopyProblems(prof: ProfileConfig, global: GlobalConfig): EngineProblem[] {
  const base = ['profiles', prof.name];
  const out: EngineProblem[] = [];
  const attempt = (segments: (string | number)[], check: () => void): void => {
    try { check(); } catch (err) { out.push(robocopyProblem(err, segments)); }
  };
  for (const key of ['source', 'destination'] as const) attempt([...base, key], () => normaliseDirArgument(prof[key], `profiles.${prof.name}.${key}`));
  for (const key of ['excludeFiles', 'excludeDirs', 'includeFiles'] as const) {
    (prof[key] ?? []).forEach((pattern, i) => attempt([...base, key, i], () => {
      assertSafeArgument(pattern, `profiles.${prof.name}.${key}[${i}]`);
      assertNotSwitchLike(pattern, `profiles.${prof.name}.${key}[${i}]`);
    }));
  }
  attempt(['global', 'logDir'], () => assertSafeArgument(global.logDir, 'global.logDir'));
  const exe = prof.engineOptions.robocopy?.executable;
  if (typeof exe === 'string') {
    const key = `profiles.${prof.name}.engineOptions.robocopy.executable`;
    attempt([...base, 'engineOptions', 'robocopy', 'executable'], () => {
      assertSafeArgument(exe, key);
      // A bare name would be found through the current directory and PATH: hijackable.
      if (!path.win32.isAbsolute(exe) || !/^(?:[A-Za-z]:|[\\/])/.test(exe)) {
        throw new RobocopyArgumentError('ROBOCOPY_RELATIVE_PATH', exe, key, 'is not an absolute path (e.g. C:\\Windows\\System32\\Robocopy.exe); a bare name would be looked up on PATH');
      }
    });
  }
  return out;
}

/** What the rsync engine's option reader would refuse at start (unknown keys, link-following flags, ...). */
function rsyncProblems(prof: ProfileConfig): EngineProblem[] {
  try {
    readRsyncEngineOptions(prof.engineOptions);
    return [];
  } catch (err) {
    if (!(err instanceof RsyncArgumentError)) throw err;
    const segments = ['profiles', prof.name, 'engineOptions', 'rsync', ...(err.field ? [err.field] : [])];
    return [{ segments, message: err.message.replace(/^engineOptions\.rsync\.[\w]*: /, '') }];
  }
}

/**
 * Every refusal an engine would make at run time for this profile, so `validate` and `run` refuse
 * it before anything starts (exit 2, naming the key) instead of every chunk failing three times.
 * Values that only appear at run time (names inside the tree) stay the engines' to check.
 */
export function engineProblems(prof: ProfileConfig, global: GlobalConfig): EngineProblem[] {
  const out: EngineProblem[] = [];
  if (prof.engine === 'robocopy') out.push(...robocopyProblems(prof, global));
  if (prof.engine === 'rsync' || prof.engineOptions.rsync !== undefined) out.push(...rsyncProblems(prof));
  return out;
}
