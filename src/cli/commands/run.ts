import { DEFAULT_RETENTION } from '../../config/defaults';
import { applyRetention } from '../../retention/apply-retention';
import type { ProfileConfig, RobocurseConfig } from '../../config/types';
import { createLogger, type LoggerSetup } from '../../logging/create-logger';
import { LogDirError } from '../../logging/log-file';
import { UnsafePathError } from '../../fs/path-trust';
import { newSessionId } from '../../logging/session-id';
import { ProfileLockedError, StateError, StateStore } from '../../state';
import { composeRun, type ComposedRun } from '../../compose/compose-run';
import { installEmergencyCleanup } from '../emergency-cleanup';
import { startControlPoller } from '../../orchestrator/control-poller';
import { StatusPublisher } from '../../dashboard/live-status';
import { dropSecretEnv } from '../secret-env';
import { EXIT, exitCodeForOutcome, type ExitCode } from '../exit-codes';
import { resolveArg, type CliIo, type CommonArgs } from '../io';
import { ConfigError } from '../../config/problems';
import { loadCliConfig, selectProfiles, UsageError } from '../load-cli-config';
import { JsonLinesView, PlainLinesView } from '../progress/plain-lines-view';
import type { ProgressView } from '../progress/progress-view';
import { holdEventLoop } from '../keep-alive';
import { installSignalControl } from '../signal-control';
import { renderRunSummary } from '../summary';
import { openRunRecords, type RunRecords } from '../run-records';
import { handleCommandError } from './validate';
import { healthFilePath, HealthReporter, RunMetrics } from '../../health';
import { checkMetricsFile } from '../metrics-file';

export interface RunArgs extends CommonArgs {
  maxJobs?: number;
  metricsFile?: string;
  dryRun: boolean;
  resume: boolean;
  allowMassDelete?: boolean;
  dashboard?: boolean;
  dashboardPort?: number;
  /** Redis URL of the worker pool (overrides global.queue). */
  queue?: string;
}

function chooseView(args: RunArgs, io: CliIo): ProgressView {
  if (args.json) return new JsonLinesView(io.stdout);
  if (io.stderr.isTTY) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { TtyBarsView } = require('../progress/tty-bars-view') as typeof import('../progress/tty-bars-view');
    return new TtyBarsView(io.stderr);
  }
  return new PlainLinesView(io.stderr);
}

/** `robocurse run`: replicate the selected profiles; exit code from the outcome. */
export async function runCommand(args: RunArgs, io: CliIo): Promise<ExitCode> {
  let cfg: RobocurseConfig;
  let profiles: ProfileConfig[];
  try {
    cfg = await loadCliConfig(args, io);
    profiles = selectProfiles(cfg, args, false);
    if (args.maxJobs !== undefined && (!Number.isInteger(args.maxJobs) || args.maxJobs < 1)) throw new UsageError(`--max-jobs: expected an integer >= 1, got ${args.maxJobs}`);
    if (args.dashboardPort !== undefined && (!Number.isInteger(args.dashboardPort) || args.dashboardPort < 0 || args.dashboardPort > 65535)) {
      throw new UsageError(`--dashboard-port: expected a port number 0-65535 (0 = any free port), got ${args.dashboardPort}`);
    }
    if (args.metricsFile !== undefined) args.metricsFile = checkMetricsFile(args.metricsFile, (p) => resolveArg(io, p));
    if (args.queue !== undefined) cfg = { ...cfg, global: { ...cfg.global, queue: args.queue } };
    // The per-file listing of a dry run is written by the engine's callbacks, which stay on the worker.
    if (cfg.global.queue && args.dryRun) throw new UsageError('--dry-run runs on this host only: leave out --queue (or global.queue) for a dry run');
  } catch (e) {
    return handleCommandError(e, args, io);
  }
  return executeRun(cfg, profiles, args, io);
}

/** `robocurse retry-failed --profile X`: runs only the chunks that failed in the profile's last run. */
export async function retryFailedCommand(args: RunArgs, io: CliIo): Promise<ExitCode> {
  let cfg: RobocurseConfig;
  let profiles: ProfileConfig[];
  const onlyChunks = new Map<string, Set<string>>();
  try {
    if (!args.profile?.length) throw new UsageError('retry-failed: name the profile(s) with --profile NAME');
    cfg = await loadCliConfig(args, io);
    profiles = selectProfiles(cfg, args, false);
    const store = StateStore.open(cfg.global.stateDir);
    try {
      for (const p of profiles) onlyChunks.set(p.name, new Set(store.failedChunksOfLastRun(p.name).map((c) => c.chunkId)));
    } finally { store.close(); }
  } catch (e) {
    return handleCommandError(e, args, io);
  }
  profiles = profiles.filter((p) => (onlyChunks.get(p.name)?.size ?? 0) > 0);
  if (profiles.length === 0) {
    io.stdout.write('retry-failed: the last run of the named profile(s) has no failed chunks; nothing to do\n');
    return EXIT.Success;
  }
  return executeRun(cfg, profiles, { ...args, resume: false }, io, onlyChunks);
}

export async function executeRun(cfg: RobocurseConfig, profiles: ProfileConfig[], args: RunArgs, io: CliIo, onlyChunks?: Map<string, Set<string>>): Promise<ExitCode> {
  // The run owns the event loop until its summary is out, its notifiers flushed and its locks released.
  const release = holdEventLoop();
  try {
    return await executeHeldRun(cfg, profiles, args, io, onlyChunks);
  } finally {
    release();
  }
}

/** A refusal before the run started (exit 4): one line for humans, a JSON line for --json. */
function refuse(e: Error, args: RunArgs, io: CliIo): ExitCode {
  io.stderr.write(`robocurse: ${e.message}\n`);
  if (args.json) io.stdout.write(`${JSON.stringify({ type: 'error', exitCode: EXIT.Fatal, message: e.message })}\n`);
  return EXIT.Fatal;
}

async function executeHeldRun(cfg: RobocurseConfig, profiles: ProfileConfig[], args: RunArgs, io: CliIo, onlyChunks?: Map<string, Set<string>>): Promise<ExitCode> {
  const sessionId = newSessionId();
  // Progress bars and JSON status lines own the terminal: only warnings interrupt them by default.
  const level = args.logLevel ?? (args.json || io.stderr.isTTY ? 'warn' : 'info');
  let log: LoggerSetup;
  try {
    log = createLogger({ sessionId, logDir: cfg.global.logDir, level, stderr: io.stderr });
  } catch (e) {
    // An unusable log directory, or one another user could change: one line, exit 4.
    if (e instanceof LogDirError || e instanceof UnsafePathError) return refuse(e, args, io);
    throw e;
  }
  // Before the locks are taken, removed after they are released (see installSignalControl).
  const signals = installSignalControl((m) => io.stderr.write(`\n${m}\n`));
  let stopPolling = (): void => undefined;
  let removeEmergency = (): void => undefined;
  let stopStatus = (): void => undefined;
  let dashboard: { close(): Promise<void> } | undefined;
  let run: ComposedRun | undefined;
  let records: RunRecords | undefined;
  let health: HealthReporter | undefined;
  try {
    run = await composeRun(cfg, profiles, { sessionId, logger: log.logger, dryRun: args.dryRun, afterPlugins: () => dropSecretEnv(cfg, io.env), earlyScan: true });
    const { orchestrator: orch, bus, snapshots, version } = run;
    const { store } = run.services;
    // Old logs and events go before this run adds its own; never a running session's (src/retention).
    if (!args.dryRun) {
      await applyRetention({ logDir: cfg.global.logDir, store, policy: cfg.global.retention ?? DEFAULT_RETENTION, currentSession: sessionId, logger: log.logger })
        .catch((err: unknown) => log.logger.warn({ err }, `retention could not be applied: ${(err as Error)?.message ?? String(err)}`));
    }
    // An uncaught error deletes this session's working snapshots (bounded), then exits 4.
    removeEmergency = installEmergencyCleanup(snapshots, log.logger, {
      // A bug, not a refusal: one line for scripts too, where the summary would have been.
      onFatal: (what) => {
        if (args.json) io.stdout.write(`${JSON.stringify({ type: 'error', exitCode: EXIT.Fatal, message: `internal error: ${what}${log.logFile ? ` (details in ${log.logFile})` : ''}` })}\n`);
      },
    });
    health = new HealthReporter({
      healthFile: healthFilePath(cfg.global.stateDir, sessionId), metricsFile: args.metricsFile,
      metrics: args.metricsFile ? new RunMetrics(version) : undefined,
      intervalMs: (cfg.global.healthIntervalSeconds ?? 10) * 1000, sessionId, profiles: profiles.map((p) => p.name),
      status: () => orch.getStatus(), logger: log.logger,
    });
    const reporter = health;
    bus.subscribe((ev) => reporter.observe(ev));
    health.start();
    const view = chooseView(args, io);
    signals.attach(orch);
    stopPolling = startControlPoller(store, orch, sessionId, profiles.map((p) => p.name), log.logger);
    // Once a second into the state database, for `robocurse dashboard` in any other process.
    const publisher = new StatusPublisher(orch, (st) => store.writeRunStatus(sessionId, JSON.stringify(st)), log.logger).start();
    stopStatus = () => { publisher.publish(); publisher.stop(); };
    if (args.dashboard) {
      const { startRunDashboard } = await import('../../dashboard/run-dashboard');
      const { listenProblem } = await import('../../dashboard/listen-error');
      const port = args.dashboardPort ?? 0;
      const started = await startRunDashboard({
        store, orch, bus, sessionId, publisher, port, logger: log.logger, version,
      }).catch((err: unknown) => { throw new UsageError(`--dashboard-port ${port}: ${listenProblem(err, '127.0.0.1', port) ?? (err as Error).message}`); });
      dashboard = started.server;
      io.stderr.write(`dashboard: ${started.url}\n`);
      if (args.json) io.stdout.write(`${JSON.stringify({ type: 'dashboard', url: started.url })}\n`);
    }
    records = openRunRecords(cfg, sessionId, args, io, log.logger);
    log.logger.info({ profiles: profiles.map((p) => p.name), logFile: log.logFile, filesLog: records.filesLog }, `session ${sessionId} starting`);
    const summary = await orch.startReplicationRun(profiles, {
      maxConcurrentJobs: args.maxJobs ?? cfg.global.maxConcurrentJobs,
      dryRun: args.dryRun, resume: args.resume, onlyChunks, allowMassDelete: args.allowMassDelete,
      onProgress: (s) => view.update(s), ...records.callbacks,
    });
    signals.detach();
    view.finish(orch.getStatus());
    await records.close();
    const exitCode = exitCodeForOutcome(summary.outcome);
    await health.finish(summary.outcome, exitCode);
    if (args.json) io.stdout.write(`${JSON.stringify({ type: 'summary', exitCode, ...summary })}\n`);
    else io.stdout.write(renderRunSummary(summary, exitCode, log.logFile, records.filesLog));
    return exitCode;
  } catch (e) {
    signals.detach();
    if (e instanceof ConfigError || e instanceof UsageError) {
      const code = handleCommandError(e, args, io);
      await health?.finish('Error', code);
      return code;
    }
    // The full error (with its stack) goes to the log file only; the user gets one line.
    log.logger.debug({ err: e }, 'run refused or failed');
    const expected = e instanceof ProfileLockedError || e instanceof StateError || e instanceof UnsafePathError;
    const message = (e as Error)?.message ?? String(e);
    await health?.finish('Error', EXIT.Fatal);
    return refuse(new Error(expected ? message : `fatal: ${message}${log.logFile ? ` (details in ${log.logFile})` : ''}`), args, io);
  } finally {
    stopPolling();
    try { stopStatus(); } catch (err) { log.logger.warn({ err }, 'cannot publish the final live status'); }
    await dashboard?.close();
    await records?.close();
    removeEmergency();
    // Notifiers are flushed (bounded by the hub's time limit) before the process may exit.
    await run?.close();
    signals.remove();
    log.flush();
  }
}
