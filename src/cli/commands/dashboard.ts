import * as fs from 'node:fs';
import { StateError, StateStore } from '../../state';
import { BindRefusedError, checkBind } from '../../dashboard/bind-policy';
import { TableCommandSink } from '../../dashboard/command-sink';
import { DashboardData } from '../../dashboard/dashboard-data';
import { listenProblem } from '../../dashboard/listen-error';
import { createDashboardServer } from '../../dashboard/server';
import { createLogger } from '../../logging/create-logger';
import { newSessionId } from '../../logging/session-id';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo, CommonArgs } from '../io';
import { loadCliConfig, UsageError } from '../load-cli-config';
import { handleCommandError } from './validate';

interface DashboardArgs extends CommonArgs {
  host: string;
  port: number;
  readOnly: boolean;
  tlsCert?: string;
  tlsKey?: string;
  unsafeNoTls: boolean;
  allowHost?: string[];
}

function readPem(flag: string, file: string): Buffer {
  try { return fs.readFileSync(file); } catch (err) {
    throw new UsageError(`${flag} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function checkArgs(args: DashboardArgs): { tls?: { cert: Buffer; key: Buffer }; warning?: string } {
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new UsageError(`--port: expected a port number 0-65535 (0 = any free port), got ${args.port}`);
  if (!args.host || /[\s/\\?#@]/.test(args.host)) throw new UsageError(`--host: not an address or host name: ${JSON.stringify(args.host)}`);
  if ((args.tlsCert === undefined) !== (args.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together: give both or neither');
  for (const h of args.allowHost ?? []) {
    if (!/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(h)) throw new UsageError(`--allow-host: not a host name or host:port: ${JSON.stringify(h)}`);
  }
  let warning: string | undefined;
  try {
    warning = checkBind({ host: args.host, tls: args.tlsCert !== undefined, unsafeNoTls: args.unsafeNoTls });
  } catch (err) {
    if (err instanceof BindRefusedError) throw new UsageError(err.message);
    throw err;
  }
  const tls = args.tlsCert !== undefined ? { cert: readPem('--tls-cert', args.tlsCert), key: readPem('--tls-key', args.tlsKey!) } : undefined;
  return { tls, warning };
}

/** Resolves on the first SIGINT or SIGTERM: the dashboard runs until the operator ends it. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => { process.off('SIGINT', on); process.off('SIGTERM', on); resolve(sig); };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * `robocurse dashboard`: serves the page for every session of the config's state database (a
 * run started by hand, by a scheduler, or still to come), following each through the events
 * table and steering it through the commands table. Runs until SIGINT or SIGTERM (exit 0).
 */
export async function dashboardCommand(args: DashboardArgs, io: CliIo): Promise<ExitCode> {
  let store: StateStore | undefined;
  let checked: ReturnType<typeof checkArgs>;
  let stateDir: string;
  let logDir: string;
  try {
    checked = checkArgs(args);
    const cfg = await loadCliConfig(args, io);
    stateDir = cfg.global.stateDir;
    logDir = cfg.global.logDir;
  } catch (e) {
    return handleCommandError(e, args, io);
  }
  if (checked.warning) io.stderr.write(`robocurse: ${checked.warning}\n`);
  const log = createLogger({ sessionId: `dashboard-${newSessionId()}`, logDir, level: args.logLevel ?? 'warn', stderr: io.stderr });
  try {
    // Read-only opens the database read-only as well: this process cannot write it at all.
    store = StateStore.open(stateDir, { readonly: args.readOnly });
    const data = new DashboardData(store, args.readOnly ? undefined : new TableCommandSink(store));
    const server = createDashboardServer({
      data, host: args.host, port: args.port, tls: checked.tls, allowHosts: args.allowHost, logger: log.logger,
      version: require('../../../../package.json').version as string,
    });
    let url: string;
    try { url = await server.listen(); } catch (err) {
      const problem = listenProblem(err, args.host, args.port);
      if (problem) { io.stderr.write(`robocurse: --host/--port: ${problem}\n`); return EXIT.UsageOrConfig; }
      throw err;
    }
    if (args.json) io.stdout.write(`${JSON.stringify({ type: 'dashboard', url, readOnly: args.readOnly })}\n`);
    else io.stdout.write(`robocurse dashboard${args.readOnly ? ' (read-only)' : ''}: open ${url}\n(the token after #t= is the key to this dashboard; Ctrl-C ends it)\n`);
    const sig = await untilSignal();
    log.logger.info({ signal: sig }, 'dashboard ending');
    await server.close();
    return EXIT.Success;
  } catch (e) {
    if (e instanceof StateError) {
      io.stderr.write(`robocurse: ${e.message}\n`);
      return EXIT.Fatal;
    }
    log.logger.error({ err: e }, 'dashboard failed');
    return handleCommandError(e, args, io);
  } finally {
    store?.close();
    log.flush();
  }
}
