import { judgeHealth, type HealthState } from '../../health';
import { StateStore } from '../../state';
import { sessionState } from '../../state/status-query';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { loadCliConfig, UsageError } from '../load-cli-config';
import { readHealth, type StatusArgs } from './status-health';
import { handleCommandError } from './validate';

const CODE: Record<HealthState, ExitCode> = { healthy: EXIT.Success, failed: EXIT.FailedChunks, stale: EXIT.Stale, locked: EXIT.Locked };
const WORD: Record<HealthState, string> = { healthy: 'OK', failed: 'FAILED', stale: 'STALE', locked: 'LOCKED' };

/** "26h", "90m", "45s", "2d" or plain seconds, in ms. */
export function parseMaxAge(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/i.exec(text.trim());
  if (!m) throw new UsageError(`--max-age: expected a duration like 26h, 90m, 2d or seconds, got '${text}'`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2].toLowerCase() as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit * 1000;
}

/**
 * `robocurse status --check [--profile X]`: one line and an exit code for a monitor (Nagios,
 * systemd ExecCondition): 0 healthy, 1 failed, 5 stale, 6 locked (see judge-health.ts).
 */
export async function statusCheckCommand(args: StatusArgs, io: CliIo): Promise<ExitCode> {
  let verdict;
  try {
    if ((args.profile?.length ?? 0) > 1) throw new UsageError('status --check: name one profile (or none for the newest session)');
    if (args.staleAfter !== undefined && !(args.staleAfter > 0)) throw new UsageError(`--stale-after: expected seconds > 0, got ${args.staleAfter}`);
    const maxAgeMs = args.maxAge !== undefined ? parseMaxAge(args.maxAge) : undefined;
    const cfg = await loadCliConfig(args, io);
    const profile = args.profile?.[0];
    if (profile && !cfg.profiles.some((p) => p.name === profile)) throw new UsageError(`--profile ${profile}: no such profile in ${cfg.configPath}`);
    const store = StateStore.open(cfg.global.stateDir);
    try {
      const run = args.session ? store.getRun(args.session) : store.lastRun(profile);
      const runState = run ? sessionState(run) : undefined;
      verdict = judgeHealth({
        profile, run, runState, health: run && runState === 'running' ? readHealth(cfg.global.stateDir, run.sessionId) : undefined,
        locks: store.listProfileLocks().filter((l) => !profile || l.profile === profile),
        now: Date.now(), staleAfterMs: args.staleAfter !== undefined ? args.staleAfter * 1000 : undefined, maxAgeMs, idle: Boolean(args.idle),
      });
    } finally {
      store.close();
    }
  } catch (e) {
    return handleCommandError(e, args, io);
  }
  const exitCode = CODE[verdict.state];
  io.stdout.write(args.json
    ? `${JSON.stringify({ type: 'check', state: verdict.state, exitCode, reason: verdict.reason, sessionId: verdict.sessionId ?? null })}\n`
    : `ROBOCURSE ${WORD[verdict.state]} - ${verdict.reason}\n`);
  return exitCode;
}
