import { renderHistoryJson, renderHistoryText, renderStatusJson, renderStatusText, StateStore } from '../../state';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo, CommonArgs } from '../io';
import { loadCliConfig } from '../load-cli-config';
import { handleCommandError } from './validate';
import { healthText, readHealth, withHealthJson, type StatusArgs } from './status-health';

async function withStore<T>(args: CommonArgs, io: CliIo, f: (store: StateStore, stateDir: string) => T): Promise<T> {
  const cfg = await loadCliConfig(args, io);
  const store = StateStore.open(cfg.global.stateDir);
  try { return f(store, cfg.global.stateDir); } finally { store.close(); }
}

/** `robocurse history`: recent sessions and their outcomes. */
export async function historyCommand(args: CommonArgs & { limit: number }, io: CliIo): Promise<ExitCode> {
  try {
    const out = await withStore(args, io, (s) => {
      const entries = s.history(args.limit);
      return args.json ? renderHistoryJson(entries) : renderHistoryText(entries);
    });
    io.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    return EXIT.Success;
  } catch (e) {
    return handleCommandError(e, args, io);
  }
}

/** `robocurse status`: the state of the running (or last) session, readable from any terminal. */
export async function statusCommand(args: StatusArgs, io: CliIo): Promise<ExitCode> {
  if (args.check || args.idle) return (await import('./status-check')).statusCheckCommand(args, io);
  try {
    const out = await withStore(args, io, (s, stateDir) => {
      const st = s.status(args.session);
      const live = st?.state === 'running' ? readHealth(stateDir, st.run.sessionId) : undefined;
      return args.json ? withHealthJson(renderStatusJson(st), live) : `${renderStatusText(st)}${live ? healthText(live) : ''}`;
    });
    io.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    return EXIT.Success;
  } catch (e) {
    return handleCommandError(e, args, io);
  }
}
