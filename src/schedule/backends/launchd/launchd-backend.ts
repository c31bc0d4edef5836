import * as path from 'node:path';
import type { BackendContext, Change, Entry, EntryStatus, InstalledState, Refusal, RenderInput, ScheduleBackend, ScheduleOp } from '../../backend';
import type { ConfigIdentity } from '../../identity';
import { firstLine } from '../../runner';
import type { ScheduleModel } from '../../types';
import { readMarkedFiles } from '../../unit-files';
import { launchdLabel, renderPlist } from './render-plist';

export function launchdDir(scope: 'user' | 'system', env: NodeJS.ProcessEnv): string {
  return scope === 'system' ? '/Library/LaunchDaemons' : path.join(env.HOME ?? '', 'Library', 'LaunchAgents');
}

const PLIST = /^(com\.robocurse\.[A-Za-z0-9._-]+\.([0-9a-f]{8}))\.plist$/;

/** macOS launchd: a LaunchAgent (user) or LaunchDaemon (system) plist per profile. */
export class LaunchdBackend implements ScheduleBackend {
  readonly name = 'launchd' as const;

  constructor(private readonly dirOverride?: string) {}

  private dir(ctx: Pick<BackendContext, 'scope' | 'env'>): string { return this.dirOverride ?? launchdDir(ctx.scope, ctx.env); }

  private domain(ctx: Pick<BackendContext, 'scope' | 'uid'>): string { return ctx.scope === 'system' ? 'system' : `gui/${ctx.uid}`; }

  refusals(m: ScheduleModel): Refusal[] {
    const key = (k: string): string => `profiles.${m.profile}.schedule.${k}`;
    const out: Refusal[] = [];
    if (m.dayOfMonth === 'last') out.push({ path: key('dayOfMonth'), message: 'launchd cannot express "last" (the last day of the month); use a day 1-28' });
    if (m.randomDelayMinutes > 0) out.push({ path: key('randomDelayMinutes'), message: 'launchd has no random delay; remove it' });
    return out;
  }

  render(input: RenderInput, ctx: Pick<BackendContext, 'scope' | 'env'>): Entry[] {
    return input.entries.map((e) => {
      const id = launchdLabel(e.model.profile, input.identity.short);
      return { id, profile: e.model.profile, artifacts: [{ name: path.join(this.dir(ctx), `${id}.plist`), content: renderPlist(input, e) }] };
    });
  }

  async installed(ctx: BackendContext, identity: ConfigIdentity): Promise<InstalledState> {
    return readMarkedFiles(this.dir(ctx), PLIST, identity);
  }

  operations(ctx: BackendContext, _desired: Entry[], _state: InstalledState, _identity: ConfigIdentity, changes: Change[]): ScheduleOp[] {
    const ops: ScheduleOp[] = [];
    const domain = this.domain(ctx);
    // bootout of a job that is not loaded answers 3 ("No such process") or 113 ("Could not find service").
    const bootout = (c: Change): ScheduleOp => ({ kind: 'exec', argv: ['launchctl', 'bootout', `${domain}/${c.id}`], okCodes: [0, 3, 113], why: `unload the job of profile ${c.profile}` });
    for (const c of changes) {
      if (c.action === 'remove') {
        ops.push(bootout(c));
        for (const a of c.installed!.artifacts) ops.push({ kind: 'delete', path: a.name });
      }
      if (c.action === 'update') ops.push(bootout(c));
      if (c.action === 'add' || c.action === 'update') {
        const a = c.desired!.artifacts[0];
        ops.push({ kind: 'write', path: a.name, content: a.content });
        ops.push({ kind: 'exec', argv: ['launchctl', 'bootstrap', domain, a.name], why: `load the job of profile ${c.profile}` });
      }
    }
    return ops;
  }

  async status(ctx: BackendContext, entries: Entry[]): Promise<Map<string, EntryStatus>> {
    const out = new Map<string, EntryStatus>();
    for (const e of entries) {
      const r = await ctx.runner.run(['launchctl', 'print', `${this.domain(ctx)}/${e.id}`], { env: ctx.env });
      if (r.code !== 0) { out.set(e.id, { source: 'launchctl print', state: `not loaded (${firstLine(r)})` }); continue; }
      const text = r.stdout.toString('utf8');
      const field = (name: string): string | undefined => new RegExp(`^\\s*${name} = (.*)$`, 'm').exec(text)?.[1]?.trim();
      const runs = field('runs');
      const exit = field('last exit code');
      out.set(e.id, { source: 'launchctl print', state: field('state'), lastResult: exit !== undefined ? `last exit code ${exit}${runs ? `, ${runs} runs` : ''}` : undefined });
    }
    return out;
  }

  runNow(ctx: BackendContext, entry: Entry): ScheduleOp[] {
    return [{ kind: 'exec', argv: ['launchctl', 'kickstart', `${this.domain(ctx)}/${entry.id}`], why: `start the job of profile ${entry.profile} now` }];
  }
}
