import * as path from 'node:path';
import type { Copier, Logger } from '../api';
import { TOKENS, type Chunker } from '../api';
import { composeRun, type RunOverrides } from '../compose/compose-run';
import { loadConfig, loadConfigText, type PluginChecker } from '../config/load-config';
import { ConfigError, type ConfigProblem } from '../config/problems';
import type { ProfileConfig, RobocurseConfig } from '../config/types';
import { createContainer } from '../di/container';
import type { CopierFactory } from '../engines/copier-registry';
import { UsageError } from '../errors/usage-error';
import { createLogger } from '../logging/create-logger';
import { newSessionId } from '../logging/session-id';
import { planProfile, type ProfilePlan } from '../plan';
import { pluginChecker } from '../plugins/plugin-checker';
import type { WorkerScanner } from '../scan';
import { StatusPublisher } from '../dashboard/live-status';
import { startControlPoller } from '../orchestrator/control-poller';
import { RunSession } from './run-session';

/** A config file's path, or the config itself as an object (the same JSON the file would hold). */
export type ConfigSource = string | Record<string, unknown>;

export interface RobocurseOptions {
  /**
   * Copy engines this program brings, by the name profiles use in `engine`: a Copier object or a
   * factory called once per run. They are known to config validation like a plugin's engines.
   */
  engines?: Record<string, Copier | (() => Copier)>;
  /** Where a config given as an object lives: its relative paths resolve from here (default: the working directory). */
  baseDir?: string;
  /** Receives the run's log lines; default: the session's JSON log file in global.logDir only. */
  logger?: Logger;
  /** Replacements for any part of a run, by token (see TOKENS). */
  overrides?: Omit<RunOverrides, 'copiers'>;
  /** Check that sources exist while validating (default true). */
  checkFilesystem?: boolean;
}

export interface RunRequest {
  /** Profile names to run, in config order; default: every enabled profile. */
  profiles?: string[];
  /** Copy nothing; report what would be copied and removed. */
  dryRun?: boolean;
  /** Aborting it stops the run (running jobs are killed; the outcome is Stopped). */
  signal?: AbortSignal;
  /** Resume an unfinished earlier run of the profiles from the state database (default true). */
  resume?: boolean;
  /** Most copy jobs at once; default global.maxConcurrentJobs. */
  maxJobs?: number;
  /** Turn the mirror safety rails off (as `--allow-mass-delete`). */
  allowMassDelete?: boolean;
}

function factoryOf(engine: Copier | (() => Copier)): CopierFactory {
  return typeof engine === 'function' ? engine : () => engine;
}

/** The plugin checks, with this program's engines added to the names a profile may use. */
function checkerWith(engines: string[]): PluginChecker {
  return async (refs, location) => {
    const checked = await pluginChecker(refs, location);
    return { problems: checked.problems, names: { ...checked.names, copiers: [...checked.names.copiers, ...engines] } };
  };
}

async function load(source: ConfigSource, opts: RobocurseOptions): Promise<RobocurseConfig> {
  const options = { pluginChecker: checkerWith(Object.keys(opts.engines ?? {})), checkFilesystem: opts.checkFilesystem };
  if (typeof source === 'string') return loadConfig(source, options);
  const text = JSON.stringify(source);
  return { ...await loadConfigText(text, path.join(path.resolve(opts.baseDir ?? '.'), '(config object)'), options), sourceText: text };
}

/**
 * robocurse as a library: a validated config, and from it plans and runs with the same
 * semantics, state database and events as the CLI.
 *
 *   const rc = await Robocurse.load('robocurse.json');
 *   const session = await rc.run({ profiles: ['docs'] });
 *   for await (const ev of session) console.log(ev.type);
 *   const summary = await session.done;
 */
export class Robocurse {
  private constructor(readonly config: RobocurseConfig, private readonly options: RobocurseOptions) {}

  /** Loads and validates a config (file or object); throws ConfigError listing every problem. */
  static async load(source: ConfigSource, options: RobocurseOptions = {}): Promise<Robocurse> {
    return new Robocurse(await load(source, options), options);
  }

  /** Every problem of a config (file or object); empty when it is valid. */
  static async validate(source: ConfigSource, options: RobocurseOptions = {}): Promise<ConfigProblem[]> {
    try {
      await load(source, options);
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
  }

  /** The named profiles (all enabled ones by default); UsageError for an unknown or disabled name. */
  profiles(names?: string[]): ProfileConfig[] {
    const all = this.config.profiles;
    if (!names?.length) return all.filter((p) => p.enabled);
    for (const n of names) {
      const p = all.find((q) => q.name === n);
      if (!p) throw new UsageError(`profile '${n}': no such profile (configured: ${all.map((q) => q.name).join(', ')})`);
      if (!p.enabled) throw new UsageError(`profile '${n}': the profile is disabled (profiles.${n}.enabled is false)`);
    }
    return all.filter((p) => names.includes(p.name));
  }

  /** Scans and chunks the profiles; writes nothing. */
  async plan(profileNames?: string[], signal?: AbortSignal): Promise<ProfilePlan[]> {
    const profiles = this.profiles(profileNames);
    const c = createContainer(this.options.overrides?.container);
    const scanner = c.resolve<WorkerScanner>(TOKENS.Scanner);
    try {
      const plans: ProfilePlan[] = [];
      for (const p of profiles) plans.push(await planProfile(p, { scanner, chunker: c.resolve<Chunker>(TOKENS.Chunker) }, { signal }));
      return plans;
    } finally {
      await scanner.close();
    }
  }

  /**
   * Starts a run: takes the profiles' locks, loads the plugins, and returns its session once it
   * is under way. Rejects (ProfileLockedError, StateError, ConfigError, UsageError...) when the
   * run cannot start, with nothing left open.
   */
  async run(request: RunRequest = {}): Promise<RunSession> {
    const profiles = this.profiles(request.profiles);
    if (profiles.length === 0) throw new UsageError(`no enabled profiles in ${this.config.configPath}`);
    if (request.maxJobs !== undefined && (!Number.isInteger(request.maxJobs) || request.maxJobs < 1)) throw new UsageError(`maxJobs: expected an integer >= 1, got ${request.maxJobs}`);
    const sessionId = newSessionId();
    const dryRun = Boolean(request.dryRun);
    const logSetup = this.options.logger ? undefined : createLogger({ sessionId, logDir: this.config.global.logDir, level: 'silent', stderr: process.stderr });
    const logger = this.options.logger ?? logSetup!.logger;
    // Until the summary is out and the locks released, the run holds the event loop: a program
    // awaiting `done` must not end because every timer of a paused run is unref()'d.
    const hold = setInterval(() => undefined, 0x7fffffff);
    const copiers = Object.fromEntries(Object.entries(this.options.engines ?? {}).map(([n, e]) => [n, factoryOf(e)]));
    let run;
    try {
      run = await composeRun(this.config, profiles, { sessionId, logger, dryRun, overrides: { ...this.options.overrides, copiers }, earlyScan: true });
    } catch (e) {
      clearInterval(hold);
      logSetup?.flush();
      throw e;
    }
    const composed = run;
    const orch = composed.orchestrator;
    const onAbort = (): void => orch.requestStop('aborted');
    const { store } = composed.services;
    return new RunSession(orch, composed.bus, async () => {
      if (request.signal?.aborted) queueMicrotask(onAbort);
      request.signal?.addEventListener('abort', onAbort, { once: true });
      // As for a CLI run: `robocurse pause/stop --profile X` and `robocurse dashboard` reach it through the state database.
      const stopPolling = startControlPoller(store, orch, sessionId, profiles.map((p) => p.name), logger);
      const publisher = new StatusPublisher(orch, (st) => store.writeRunStatus(sessionId, JSON.stringify(st)), logger).start();
      try {
        return await orch.startReplicationRun(profiles, {
          maxConcurrentJobs: request.maxJobs ?? this.config.global.maxConcurrentJobs,
          dryRun, resume: request.resume ?? true, allowMassDelete: request.allowMassDelete,
        });
      } finally {
        stopPolling();
        try { publisher.publish(); publisher.stop(); } catch (err) { logger.warn({ err }, 'cannot publish the final live status'); }
        request.signal?.removeEventListener('abort', onAbort);
        await composed.close();
        clearInterval(hold);
        logSetup?.flush();
      }
    });
  }
}
