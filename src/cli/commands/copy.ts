import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../config/problems';
import type { RobocurseConfig } from '../../config/types';
import { createPrivateFile, mkdirPrivate } from '../../fs/private-files';
import { copyHome, copyProfile, FLAG_OF_KEY, profileNameFor, type CopyArgsLike } from '../copy-profile';
import { EXIT, type ExitCode } from '../exit-codes';
import { resolveArg, type CliIo } from '../io';
import { loadCliConfig, UsageError } from '../load-cli-config';
import { saveProfile } from '../save-profile';
import { executeRun, type RunArgs } from './run';
import { handleCommandError } from './validate';

interface CopyArgs extends RunArgs, CopyArgsLike {
  bwlimit?: number;
  saveProfile?: string;
}

/** A config problem in the words of the command line: `--max-age: expected ...` instead of `profiles.x.maxAge: ...`. */
function asFlags(err: ConfigError): ConfigError {
  return new ConfigError(err.problems.map((p) => {
    const key = /^(?:profiles\.[^.]+|global)\.([A-Za-z]+)/.exec(p.path)?.[1];
    const flag = key ? FLAG_OF_KEY[key] : undefined;
    return flag ? { path: flag, message: p.message.replace(/ \([^()]*:\d+:\d+\)$/, '') } : p;
  }), err.file);
}

/** The implicit config of a one-off copy, written where its state lives (so a repeat finds it). */
function writeImplicitConfig(args: CopyArgs, io: CliIo, name: string, profile: Record<string, unknown>): string {
  const home = copyHome(io.env, String(profile.source), String(profile.destination));
  mkdirPrivate(home);
  const file = path.join(home, 'copy.json');
  const global: Record<string, unknown> = { stateDir: 'state', logDir: 'logs' };
  if (args.maxJobs !== undefined) global.maxConcurrentJobs = args.maxJobs;
  const text = `${JSON.stringify({ version: 1, global, profiles: { [name]: profile } }, null, 2)}\n`;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  createPrivateFile(tmp);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
  return file;
}

/**
 * `robocurse copy SRC DST [--mirror] [...]`: a one-off run without a config file, like
 * `robocopy SRC DST /MIR` or `rsync -a SRC/ DST/`. The flags become an implicit profile that goes
 * through the same validation, engines, safety rails, exit codes and private files as a
 * configured run; its state and logs live in the user's state home under a key of the two paths,
 * so the same copy again resumes. `--save-profile NAME --config F` writes the profile into F
 * (created when missing; a name already there is refused, exit 2) and runs it from there.
 */
export async function copyCommand(args: CopyArgs, io: CliIo): Promise<ExitCode> {
  let cfg: RobocurseConfig;
  let name: string;
  try {
    if (args.maxJobs !== undefined && (!Number.isInteger(args.maxJobs) || args.maxJobs < 1)) throw new UsageError(`--max-jobs: expected an integer >= 1, got ${args.maxJobs}`);
    if (args.bwlimit !== undefined && !(args.bwlimit >= 0)) throw new UsageError(`--bwlimit: expected Mbit/s >= 0 (0 = unlimited), got ${args.bwlimit}`);
    const profile = copyProfile(args, (p) => resolveArg(io, p));
    if (!fs.existsSync(String(profile.source))) throw new UsageError(`<source> ${String(profile.source)}: no such directory`);
    if (args.saveProfile !== undefined) {
      if (!args.config) throw new UsageError('--save-profile NAME needs --config FILE: the config to write the profile into');
      name = args.saveProfile;
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new UsageError(`--save-profile ${JSON.stringify(name)}: a profile name is letters, digits, '.', '_' or '-' (1-64, starting with a letter or digit)`);
      const file = resolveArg(io, args.config);
      const before = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
      const { created } = saveProfile(file, name, profile);
      try {
        cfg = await loadCliConfig({ ...args, config: file }, io);
      } catch (e) {
        // The saved profile made the config invalid: put the file back as it was.
        if (before) fs.writeFileSync(file, before); else fs.rmSync(file, { force: true });
        throw e;
      }
      io.stderr.write(`robocurse: ${created ? 'created' : 'updated'} ${file} with profile '${name}' (run it again with: robocurse run --config ${file} --profile ${name})\n`);
    } else {
      name = profileNameFor(String(profile.source));
      try {
        cfg = await loadCliConfig({ ...args, config: writeImplicitConfig(args, io, name, profile) }, io);
      } catch (e) {
        throw e instanceof ConfigError ? asFlags(e) : e;
      }
    }
  } catch (e) {
    if (e instanceof ConfigError && !args.json && args.saveProfile === undefined) {
      io.stderr.write('robocurse: copy: cannot run with these arguments\n');
      for (const p of e.problems) io.stderr.write(`  ${p.path || '(arguments)'}: ${p.message}\n`);
      return EXIT.UsageOrConfig;
    }
    return handleCommandError(e, args, io);
  }
  const selected = cfg.profiles.filter((p) => p.name === name);
  return executeRun(cfg, selected, { ...args, maxJobs: args.maxJobs }, io);
}
