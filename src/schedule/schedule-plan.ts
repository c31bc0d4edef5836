import type { RobocurseConfig } from '../config/types';
import { ConfigError, type ConfigProblem } from '../config/problems';
import { diffEntries, type BackendContext, type Change, type Entry, type InstalledState, type RenderInput, type ScheduleBackend, type ScheduleOp } from './backend';
import { compileSchedule } from './compile';
import { dstWarnings } from './dst-warnings';
import { configIdentity, type ConfigIdentity } from './identity';
import { scheduledCommand, type HostPaths } from './scheduled-command';
import { ScheduleConflictError } from '../errors/schedule-errors';

export { ScheduleConflictError };


const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * What this config asks for: every enabled profile with an enabled schedule, limited to
 * `only` when given. `desired: false` (remove) asks for none of them.
 */
export function renderInputOf(cfg: RobocurseConfig, host: HostPaths, ctx: Pick<BackendContext, 'scope' | 'zone'>, only: string[] | undefined, desired = true): { input: RenderInput; identity: ConfigIdentity } {
  const identity = configIdentity(cfg.configPath);
  const entries = !desired ? [] : cfg.profiles
    .filter((p) => p.enabled && p.schedule?.enabled && (!only || only.includes(p.name)))
    .map((p) => {
      const command = scheduledCommand(host, cfg.configPath, cfg.configDir, p.name);
      for (const w of [command.executable, ...command.args]) {
        if (CONTROL.test(w)) throw new ConfigError([{ path: `profiles.${p.name}`, message: `the scheduled command would contain a control character: ${JSON.stringify(w)}` }], cfg.configPath);
      }
      return { model: compileSchedule(p.name, p.schedule!), command, logDir: cfg.global.logDir };
    });
  return { input: { identity, scope: ctx.scope, zone: ctx.zone, entries }, identity };
}

export interface SchedulePlan {
  identity: ConfigIdentity;
  desired: Entry[];
  state: InstalledState;
  changes: Change[];
  ops: ScheduleOp[];
  warnings: string[];
}

/**
 * Everything `sync` would do, computed without changing anything: `plan` prints it and `sync`
 * executes exactly these steps. With `only`, other profiles' entries are left as installed.
 */
export async function computePlan(cfg: RobocurseConfig, backend: ScheduleBackend, ctx: BackendContext, host: HostPaths, only: string[] | undefined, desired = true, nowMs = Date.now()): Promise<SchedulePlan> {
  const { input, identity } = renderInputOf(cfg, host, ctx, only, desired);
  const refusals: ConfigProblem[] = input.entries.flatMap((e) => backend.refusals(e.model, input));
  if (refusals.length > 0) throw new ConfigError(refusals.map((r) => ({ path: r.path, message: `${r.message} (backend ${backend.name})` })), cfg.configPath);
  const mine = backend.render(input, ctx);
  const state = await backend.installed(ctx, identity);
  const clash = mine.filter((e) => state.foreign.has(e.id));
  if (clash.length > 0) {
    throw new ScheduleConflictError(`${clash.map((e) => e.id).join(', ')} already exist${clash.length === 1 ? 's' : ''} but do${clash.length === 1 ? 'es' : ''} not carry this config's marker (another config, or made by hand): robocurse will not overwrite ${clash.length === 1 ? 'it' : 'them'}`);
  }
  const selected = (e: Entry): boolean => !only || only.includes(e.profile);
  const changes = diffEntries(mine, state.entries.filter(selected));
  // Entries of profiles not selected stay exactly as installed.
  const kept = state.entries.filter((e) => !selected(e));
  const order = (e: Entry): number => { const i = cfg.profiles.findIndex((p) => p.name === e.profile); return i < 0 ? cfg.profiles.length : i; };
  const all = [...mine, ...kept].sort((a, b) => order(a) - order(b));
  const ops = backend.operations(ctx, all, state, identity, changes);
  const warnings = [
    ...input.entries.flatMap((e) => dstWarnings(e.model, ctx.zone, nowMs).map((w) => `${w.path}: ${w.message}`)),
    ...(ops.length > 0 && backend.warnings ? await backend.warnings(ctx) : []),
  ];
  return { identity, desired: mine, state, changes, ops, warnings };
}
