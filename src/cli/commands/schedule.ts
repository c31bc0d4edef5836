import type { RobocurseConfig } from '../../config/types';
import { BACKEND_NAMES, type BackendContext, type BackendName, type ScheduleBackend, type Scope } from '../../schedule/backend';
import { CrontabEditError } from '../../schedule/backends/cron/crontab-block';
import { createBackend, detectBackend, NoBackendError } from '../../schedule/choose-backend';
import { compileSchedule, describeSchedule } from '../../schedule/compile';
import { executeOps, ScheduleOpError } from '../../schedule/execute-ops';
import { opJson, renderPlanText } from '../../schedule/render-plan';
import { SpawnCommandRunner, type CommandRunner } from '../../schedule/runner';
import { currentHostPaths, scheduledCommand, type HostPaths } from '../../schedule/scheduled-command';
import { computePlan, ScheduleConflictError, type SchedulePlan } from '../../schedule/schedule-plan';
import { addStatus, renderRows, scheduleRows } from '../../schedule/schedule-status';
import { hostZone } from '../../schedule/zone';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo, CommonArgs } from '../io';
import { loadCliConfig, UsageError } from '../load-cli-config';
import { handleCommandError } from './validate';

export type ScheduleAction = 'plan' | 'sync' | 'list' | 'status' | 'remove' | 'run-now';

export interface ScheduleArgs extends CommonArgs {
  action: ScheduleAction;
  backend?: BackendName;
  user?: boolean;
  system?: boolean;
  runAs?: string;
  passwordStdin?: boolean;
}

/** What the command needs from the outside world; tests replace the runner and paths. */
export interface ScheduleDeps {
  runner: CommandRunner;
  host: HostPaths;
  platform: NodeJS.Platform;
  uid: number;
  readStdin: () => Promise<string>;
}

function readProcessStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (b: Buffer) => chunks.push(b));
    process.stdin.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.once('error', reject);
  });
}

export function processScheduleDeps(): ScheduleDeps {
  return { runner: new SpawnCommandRunner(), host: currentHostPaths(), platform: process.platform, uid: process.getuid?.() ?? 0, readStdin: readProcessStdin };
}

async function backendContext(args: ScheduleArgs, io: CliIo, deps: ScheduleDeps, scope: Scope): Promise<BackendContext> {
  const ctx: BackendContext = { runner: deps.runner, scope, env: io.env, zone: hostZone(), uid: deps.uid };
  if (args.runAs !== undefined || args.passwordStdin) {
    if (args.backend !== 'schtasks' && deps.platform !== 'win32') throw new UsageError('--run-as and --password-stdin are for Task Scheduler (--backend schtasks)');
    if (scope !== 'user') throw new UsageError('--run-as and --password-stdin go with --user (a --system task runs as SYSTEM)');
    let password: string | undefined;
    if (args.passwordStdin) {
      password = (await deps.readStdin()).replace(/\r?\n$/, '');
      if (password === '' || /[\r\n\u0000]/.test(password)) throw new UsageError('--password-stdin: expected one line holding the password on stdin');
    }
    const user = args.runAs ?? (io.env.USERDOMAIN ? `${io.env.USERDOMAIN}\\${io.env.USERNAME ?? ''}` : io.env.USERNAME ?? '');
    if (!user || /[\u0000-\u001f]/.test(user)) throw new UsageError('--run-as: expected an account name such as DOMAIN\\user');
    ctx.runAs = { user, password };
  }
  return ctx;
}

function header(io: CliIo, backend: ScheduleBackend, reason: string, ctx: BackendContext, plan: SchedulePlan): void {
  io.stderr.write(`schedule: backend ${backend.name} (${reason}), --${ctx.scope}, zone ${ctx.zone}, config ${plan.identity.configPath} (config-hash ${plan.identity.hash})\n`);
}

/** `robocurse schedule plan|sync|list|status|remove|run-now`. */
export async function scheduleCommand(args: ScheduleArgs, io: CliIo, deps: ScheduleDeps = processScheduleDeps()): Promise<ExitCode> {
  let cfg: RobocurseConfig;
  try {
    if (args.user && args.system) throw new UsageError('give either --user or --system, not both');
    if (args.backend !== undefined && !BACKEND_NAMES.includes(args.backend)) throw new UsageError(`--backend: expected one of ${BACKEND_NAMES.join(', ')}`);
    if (args.all) throw new UsageError('schedule acts on every scheduled profile by default; --all is not needed');
    cfg = await loadCliConfig(args, io);
    for (const n of args.profile ?? []) {
      if (!cfg.profiles.some((p) => p.name === n)) throw new UsageError(`--profile ${n}: no such profile in ${cfg.configPath} (configured: ${cfg.profiles.map((p) => p.name).join(', ')})`);
    }
    if (args.action === 'run-now' && !args.profile?.length) throw new UsageError('schedule run-now: name the profile(s) with --profile NAME');
    const scope: Scope = args.system ? 'system' : 'user';
    const chosen = args.backend ? { name: args.backend, reason: 'chosen with --backend' } : await detectBackend(deps.runner, scope, deps.platform, io.env);
    const backend = createBackend(chosen.name);
    const ctx = await backendContext(args, io, deps, scope);
    const only = args.profile?.length ? args.profile : undefined;
    const plan = await computePlan(cfg, backend, ctx, deps.host, only, args.action !== 'remove');
    header(io, backend, chosen.reason, ctx, plan);
    switch (args.action) {
      case 'plan': case 'sync': case 'remove': return await planOrSync(args, io, cfg, backend, ctx, plan);
      case 'list': case 'status': return await listOrStatus(args, io, cfg, backend, ctx, plan);
      case 'run-now': return await runNow(args, io, cfg, backend, ctx, plan, deps.host);
    }
  } catch (e) {
    if (e instanceof NoBackendError) { io.stderr.write(`robocurse: schedule: ${e.message}\n`); return EXIT.UsageOrConfig; }
    if (e instanceof ScheduleConflictError || e instanceof CrontabEditError) { io.stderr.write(`robocurse: schedule: ${e.message}\n`); return EXIT.Fatal; }
    return handleCommandError(e, args, io);
  }
}

const describeFor = (cfg: RobocurseConfig) => (profile: string): string => {
  const p = cfg.profiles.find((x) => x.name === profile);
  return p?.schedule ? describeSchedule(compileSchedule(p.name, p.schedule)) : '';
};

async function planOrSync(args: ScheduleArgs, io: CliIo, cfg: RobocurseConfig, backend: ScheduleBackend, ctx: BackendContext, plan: SchedulePlan): Promise<ExitCode> {
  const changes = plan.changes.map((c) => ({ action: c.action, profile: c.profile, id: c.id }));
  if (args.json) {
    io.stdout.write(`${JSON.stringify({ type: 'schedule-plan', backend: backend.name, scope: ctx.scope, zone: ctx.zone, config: plan.identity.configPath, configHash: plan.identity.hash, changes, operations: plan.ops.map(opJson), warnings: plan.warnings })}\n`);
  } else {
    io.stdout.write(renderPlanText(plan, describeFor(cfg)));
  }
  if (args.action === 'plan' || plan.ops.length === 0) return EXIT.Success;
  try {
    const done = await executeOps(plan.ops, ctx.runner, ctx.env);
    if (args.json) io.stdout.write(`${JSON.stringify({ type: 'schedule-sync', done })}\n`);
    else io.stdout.write(`${args.action === 'remove' ? 'removed' : 'synced'}: ${done.length} step(s) done.\n`);
    return EXIT.Success;
  } catch (e) {
    if (!(e instanceof ScheduleOpError)) throw e;
    io.stderr.write(`robocurse: schedule ${args.action} stopped: ${e.message}\nThe steps before it were applied; fix the cause and run it again (it only does what is still missing).\n`);
    return EXIT.Fatal;
  }
}

async function listOrStatus(args: ScheduleArgs, io: CliIo, cfg: RobocurseConfig, backend: ScheduleBackend, ctx: BackendContext, plan: SchedulePlan): Promise<ExitCode> {
  const rows = scheduleRows(cfg, plan);
  if (args.action === 'status') await addStatus(rows, cfg, plan, backend, ctx);
  if (args.json) io.stdout.write(`${JSON.stringify({ type: `schedule-${args.action}`, backend: backend.name, scope: ctx.scope, config: plan.identity.configPath, configHash: plan.identity.hash, entries: rows })}\n`);
  else io.stdout.write(renderRows(rows, args.action === 'status'));
  return EXIT.Success;
}

async function runNow(args: ScheduleArgs, io: CliIo, cfg: RobocurseConfig, backend: ScheduleBackend, ctx: BackendContext, plan: SchedulePlan, host: HostPaths): Promise<ExitCode> {
  const started: string[] = [];
  for (const name of args.profile!) {
    const entry = plan.state.entries.find((e) => e.profile === name);
    if (!entry) throw new UsageError(`schedule run-now: profile ${name} has no installed ${backend.name} entry for this config; run \`robocurse schedule sync\` first`);
    try {
      started.push(...await executeOps(backend.runNow(ctx, entry, scheduledCommand(host, cfg.configPath, cfg.configDir, name)), ctx.runner, ctx.env));
    } catch (e) {
      if (!(e instanceof ScheduleOpError)) throw e;
      io.stderr.write(`robocurse: schedule run-now: ${e.message}\n`);
      return EXIT.Fatal;
    }
  }
  if (args.json) io.stdout.write(`${JSON.stringify({ type: 'schedule-run-now', started })}\n`);
  else io.stdout.write(`${started.join('\n')}\nFollow it with \`robocurse status\` or \`robocurse schedule status\`.\n`);
  return EXIT.Success;
}
