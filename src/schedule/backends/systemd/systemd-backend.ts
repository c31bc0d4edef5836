import * as path from 'node:path';
import type { BackendContext, Change, Entry, EntryStatus, InstalledState, RenderInput, ScheduleBackend, ScheduleOp } from '../../backend';
import type { ConfigIdentity } from '../../identity';
import { firstLine } from '../../runner';
import { readMarkedFiles } from '../../unit-files';
import { renderService, renderTimer, unitBaseName } from './render-units';

/** Where units go: the user's own unit directory, or /etc/systemd/system. */
export function systemdUnitDir(scope: 'user' | 'system', env: NodeJS.ProcessEnv): string {
  if (scope === 'system') return '/etc/systemd/system';
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME ?? '', '.config');
  return path.join(base, 'systemd', 'user');
}

const UNIT = /^(robocurse-[A-Za-z0-9._-]+-([0-9a-f]{8}))\.(service|timer)$/;

function systemctl(ctx: Pick<BackendContext, 'scope'>, ...args: string[]): string[] {
  return ctx.scope === 'user' ? ['systemctl', '--user', ...args] : ['systemctl', ...args];
}

/** systemd timers: a oneshot .service with the exact run command and a .timer per profile. */
export class SystemdBackend implements ScheduleBackend {
  readonly name = 'systemd' as const;

  constructor(private readonly unitDirOverride?: string) {}

  private dir(ctx: Pick<BackendContext, 'scope' | 'env'>): string {
    return this.unitDirOverride ?? systemdUnitDir(ctx.scope, ctx.env);
  }

  refusals(): [] { return []; }

  render(input: RenderInput, ctx: Pick<BackendContext, 'scope' | 'env'>): Entry[] {
    const dir = this.dir(ctx);
    return input.entries.map((e) => {
      const id = unitBaseName(e.model.profile, input.identity.short);
      return {
        id, profile: e.model.profile,
        artifacts: [
          { name: path.join(dir, `${id}.service`), content: renderService(input, e) },
          { name: path.join(dir, `${id}.timer`), content: renderTimer(input, e) },
        ],
      };
    });
  }

  async installed(ctx: BackendContext, identity: ConfigIdentity): Promise<InstalledState> {
    return readMarkedFiles(this.dir(ctx), UNIT, identity);
  }

  operations(ctx: BackendContext, _desired: Entry[], _state: InstalledState, _identity: ConfigIdentity, changes: Change[]): ScheduleOp[] {
    const ops: ScheduleOp[] = [];
    let filesChanged = false;
    for (const c of changes.filter((x) => x.action === 'remove')) {
      // An already stopped or unknown timer is what we want; the files go either way.
      ops.push({ kind: 'exec', argv: systemctl(ctx, 'disable', '--now', `${c.id}.timer`), okCodes: [0, 1, 5], why: `stop and disable the timer of profile ${c.profile}` });
      for (const a of c.installed!.artifacts) ops.push({ kind: 'delete', path: a.name });
      filesChanged = true;
    }
    for (const c of changes.filter((x) => x.action === 'add' || x.action === 'update')) {
      for (const a of c.desired!.artifacts) {
        const old = c.installed?.artifacts.find((i) => i.name === a.name);
        if (old?.content !== a.content) ops.push({ kind: 'write', path: a.name, content: a.content });
      }
      filesChanged = true;
    }
    if (filesChanged) ops.push({ kind: 'exec', argv: systemctl(ctx, 'daemon-reload'), why: 'make systemd read the changed units' });
    for (const c of changes) {
      if (c.action === 'add') ops.push({ kind: 'exec', argv: systemctl(ctx, 'enable', '--now', `${c.id}.timer`), why: `enable and start the timer of profile ${c.profile}` });
      if (c.action === 'update') {
        ops.push({ kind: 'exec', argv: systemctl(ctx, 'enable', `${c.id}.timer`), why: `keep the timer of profile ${c.profile} enabled` });
        ops.push({ kind: 'exec', argv: systemctl(ctx, 'restart', `${c.id}.timer`), why: `re-arm the timer of profile ${c.profile} with its new schedule` });
      }
    }
    return ops;
  }

  async status(ctx: BackendContext, entries: Entry[]): Promise<Map<string, EntryStatus>> {
    const out = new Map<string, EntryStatus>();
    if (entries.length === 0) return out;
    const units = entries.flatMap((e) => [`${e.id}.timer`, `${e.id}.service`]);
    const r = await ctx.runner.run(systemctl(ctx, 'show', ...units,
      '--property=Id,ActiveState,SubState,NextElapseUSecRealtime,LastTriggerUSec,Result,ExecMainStatus,ExecMainExitTimestamp'), { env: { ...ctx.env, LC_ALL: 'C' } });
    if (r.code !== 0) {
      for (const e of entries) out.set(e.id, { source: 'systemctl show', state: `unknown (${firstLine(r)})` });
      return out;
    }
    const props = new Map<string, Record<string, string>>();
    for (const block of r.stdout.toString('utf8').split(/\n\s*\n/)) {
      const p: Record<string, string> = {};
      for (const line of block.split('\n')) { const i = line.indexOf('='); if (i > 0) p[line.slice(0, i)] = line.slice(i + 1); }
      if (p.Id) props.set(p.Id, p);
    }
    const value = (v: string | undefined): string | undefined => (v && v !== 'n/a' && v !== '0' ? v : undefined);
    for (const e of entries) {
      const t = props.get(`${e.id}.timer`) ?? {}; const s = props.get(`${e.id}.service`) ?? {};
      const ran = value(s.ExecMainExitTimestamp);
      out.set(e.id, {
        source: 'systemctl show',
        state: t.ActiveState ? `timer ${t.ActiveState}${t.SubState ? ` (${t.SubState})` : ''}, service ${s.ActiveState ?? '?'}` : undefined,
        nextRun: value(t.NextElapseUSecRealtime),
        lastRun: value(t.LastTriggerUSec),
        lastResult: ran ? `exit code ${s.ExecMainStatus} (${s.Result}) at ${ran}` : undefined,
      });
    }
    return out;
  }

  runNow(ctx: BackendContext, entry: Entry): ScheduleOp[] {
    // --no-block: the run may take days; its outcome is in `schedule status` and `history`.
    return [{ kind: 'exec', argv: systemctl(ctx, 'start', '--no-block', `${entry.id}.service`), why: `start the service of profile ${entry.profile} now` }];
  }

  async warnings(ctx: BackendContext): Promise<string[]> {
    if (ctx.scope !== 'user') return [];
    const r = await ctx.runner.run(['loginctl', 'show-user', String(ctx.uid), '--property=Linger'], { env: { ...ctx.env, LC_ALL: 'C' } });
    const linger = /^Linger=(\w+)/m.exec(r.stdout.toString('utf8'))?.[1];
    if (r.code === 0 && linger === 'yes') return [];
    if (r.code === 0 && linger === 'no') {
      return [`user units run only while user ${ctx.uid} is logged in; to run them at night without a login: loginctl enable-linger (or use --system as root)`];
    }
    return [`could not check whether user ${ctx.uid} lingers (loginctl: ${firstLine(r)}); without lingering, user units run only while the user is logged in`];
  }
}
