import * as path from 'node:path';
import type { CopierRegistry } from '../../engines/copier-registry';
import { createLogger } from '../../logging/create-logger';
import { DEFAULT_LOCK_SETTINGS } from '../../scaleout/lock-settings';
import { DEFAULT_PREFIX } from '../../scaleout/names';
import { parsePathMaps } from '../../scaleout/path-map';
import { parseQueueUrl, probeRedis } from '../../scaleout/redis-url';
import { UsageError } from '../../errors/usage-error';
import { EXIT, type ExitCode } from '../exit-codes';
import { resolveArg, type CliIo, type CommonArgs } from '../io';
import { userStateHome } from '../user-state';
import { handleCommandError } from './validate';

export interface WorkerArgs extends CommonArgs {
  queue: string;
  slots: number;
  engine?: string;
  pathMap?: string[];
  stateDir?: string;
  prefix?: string;
  lockDuration?: number;
  stalledInterval?: number;
}

/**
 * `robocurse worker --queue redis://HOST:PORT --slots N`: copies the chunks a coordinator
 * (`robocurse run --queue …`) puts on the queue, until SIGTERM or SIGINT, which hand the running
 * chunks back (exit 0). Exit 2 for a bad command line, 4 when the queue cannot be reached.
 */
export async function workerCommand(args: WorkerArgs, io: CliIo): Promise<ExitCode> {
  let setup;
  try {
    const address = parseQueueUrl(args.queue, '--queue', io.env);
    const pathMaps = parsePathMaps(args.pathMap ?? []);
    const stateDir = resolveArg(io, args.stateDir ?? path.join(userStateHome(io.env), 'worker'));
    const lockDurationMs = (args.lockDuration ?? DEFAULT_LOCK_SETTINGS.lockDurationMs / 1000) * 1000;
    const stalledIntervalMs = (args.stalledInterval ?? DEFAULT_LOCK_SETTINGS.stalledIntervalMs / 1000) * 1000;
    if (stalledIntervalMs > lockDurationMs) throw new UsageError(`--stalled-interval (${stalledIntervalMs / 1000} s) must not exceed --lock-duration (${lockDurationMs / 1000} s)`);
    const { CopierRegistry: Registry } = await import('../../engines/copier-registry');
    const { builtInCopierFactories } = await import('../../engines/built-in-engines');
    const registry: CopierRegistry = new Registry(builtInCopierFactories());
    if (args.engine && !registry.names().includes(args.engine)) throw new UsageError(`--engine: unknown engine '${args.engine}' (known: ${registry.names().join(', ')})`);
    setup = { address, pathMaps, stateDir, registry, lock: { ...DEFAULT_LOCK_SETTINGS, lockDurationMs, stalledIntervalMs } };
  } catch (e) {
    return handleCommandError(e, args, io);
  }
  const log = createLogger({ level: args.logLevel ?? 'info', stderr: io.stderr });
  try {
    const warning = await probeRedis(setup.address);
    if (warning) log.logger.warn(warning);
  } catch (e) {
    io.stderr.write(`robocurse: ${(e as Error).message}\n`);
    return EXIT.Fatal;
  }
  const { WorkerHost } = await import('../../scaleout/worker-host');
  const host = new WorkerHost({
    address: setup.address, prefix: args.prefix ?? DEFAULT_PREFIX, slots: args.slots, engine: args.engine, pathMaps: setup.pathMaps,
    stateDir: setup.stateDir, logger: log.logger, lock: setup.lock, registry: setup.registry,
  });
  let stopped!: (signal: string) => void;
  const signalled = new Promise<string>((r) => { stopped = r; });
  const onSignal = (s: NodeJS.Signals): void => stopped(s);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await host.start();
    if (args.json) io.stdout.write(`${JSON.stringify({ type: 'worker', id: host.id, queue: setup.address.display, slots: args.slots, pid: process.pid })}\n`);
    const signal = await signalled;
    await host.shutdown(signal);
    if (args.json) io.stdout.write(`${JSON.stringify({ type: 'stopped', id: host.id, signal })}\n`);
    return EXIT.Success;
  } catch (e) {
    log.logger.debug({ err: e }, 'worker failed');
    io.stderr.write(`robocurse: worker: ${(e as Error)?.message ?? String(e)}\n`);
    await host.shutdown('error').catch(() => undefined);
    return EXIT.Fatal;
  } finally {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
    log.flush();
  }
}
