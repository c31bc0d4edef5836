import type { BackendContext, Change, Entry, EntryStatus, InstalledState, Refusal, RenderInput, ScheduleBackend, ScheduleOp } from '../../backend';
import type { ConfigIdentity } from '../../identity';
import { parseMarker } from '../../identity';
import { firstLine } from '../../runner';
import type { ScheduleModel } from '../../types';
import { renderTaskXml, TASK_FOLDER, taskName, type TaskPrincipal } from './render-task-xml';
import { powershellArgv, psString } from './windows-argv';

/** PowerShell answers in JSON (locale-free), unlike schtasks' localized /FO LIST labels. */
const UTF8_OUT = '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8';

function principalOf(ctx: Pick<BackendContext, 'scope' | 'env' | 'runAs'>): TaskPrincipal {
  if (ctx.scope === 'system') return { kind: 'system' };
  const user = ctx.runAs?.user ?? (ctx.env.USERDOMAIN ? `${ctx.env.USERDOMAIN}\\${ctx.env.USERNAME ?? ''}` : ctx.env.USERNAME ?? '');
  // Without a stored password a task that runs while nobody is logged on gets S4U: no network
  // credentials, so UNC paths fail; the docs say to give the password (on stdin) for those.
  return { kind: 'user', user, logonType: ctx.runAs?.password !== undefined ? 'Password' : 'S4U' };
}

/** Windows Task Scheduler: one task per profile in \Robocurse\, registered from task XML. */
export class SchtasksBackend implements ScheduleBackend {
  readonly name = 'schtasks' as const;

  refusals(m: ScheduleModel, input: RenderInput): Refusal[] {
    const e = input.entries.find((x) => x.model.profile === m.profile);
    const words = e ? [e.command.executable, ...e.command.args, e.command.workingDirectory] : [];
    // Task Scheduler expands %NAME% in the action and has no escape for a literal percent sign.
    return words.filter((w) => w.includes('%')).map((w) => ({ path: `profiles.${m.profile}`, message: `Task Scheduler expands %VARIABLES% in the command: the path ${w} cannot be passed safely; rename it` }));
  }

  render(input: RenderInput, ctx: Pick<BackendContext, 'scope' | 'env' | 'runAs'>): Entry[] {
    const who = principalOf(ctx);
    return input.entries.map((e) => {
      const { xml, description } = renderTaskXml(input, e, who);
      return { id: `${TASK_FOLDER}${taskName(e.model.profile, input.identity.short)}`, profile: e.model.profile, artifacts: [{ name: 'task description', content: description }], payload: xml };
    });
  }

  async installed(ctx: BackendContext, identity: ConfigIdentity): Promise<InstalledState> {
    const script = [
      "$ErrorActionPreference = 'Stop'", UTF8_OUT,
      `$tasks = @(Get-ScheduledTask -TaskPath ${psString(TASK_FOLDER)} -ErrorAction SilentlyContinue | ForEach-Object { [pscustomobject]@{ name = $_.TaskName; description = [string]$_.Description } })`,
      'ConvertTo-Json -InputObject $tasks -Compress',
    ].join('\n');
    const r = await ctx.runner.run(powershellArgv(script), { env: ctx.env });
    if (r.code !== 0) throw new Error(`reading the scheduled tasks failed: ${firstLine(r)}`);
    const list = JSON.parse(r.stdout.toString('utf8').trim() || '[]') as { name: string; description: string }[];
    const entries: Entry[] = []; const foreign = new Set<string>();
    for (const t of list) {
      const m = /-([0-9a-f]{8})$/.exec(t.name);
      if (!m || m[1] !== identity.short) continue;
      const mk = parseMarker(t.description ?? '');
      const id = `${TASK_FOLDER}${t.name}`;
      if (!mk || mk.hash !== identity.hash) { foreign.add(id); continue; }
      entries.push({ id, profile: mk.profile, artifacts: [{ name: 'task description', content: t.description }] });
    }
    return { entries, foreign };
  }

  operations(ctx: BackendContext, _desired: Entry[], _state: InstalledState, _identity: ConfigIdentity, changes: Change[]): ScheduleOp[] {
    const ops: ScheduleOp[] = [];
    for (const c of changes) {
      if (c.action === 'remove') ops.push({ kind: 'exec', argv: ['schtasks', '/Delete', '/TN', c.id, '/F'], why: `delete the task of profile ${c.profile}` });
      if (c.action !== 'add' && c.action !== 'update') continue;
      const xml = c.desired!.payload!;
      const password = ctx.scope === 'user' ? ctx.runAs?.password : undefined;
      if (password === undefined) {
        // Task Scheduler reads task XML files as UTF-16 with a byte order mark.
        const content = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
        ops.push({ kind: 'exec', argv: ['schtasks', '/Create', '/TN', c.id, '/XML', '{payload}', '/F'], payload: { name: 'task.xml', content }, why: `register the task of profile ${c.profile}` });
        continue;
      }
      // schtasks takes a password only in argv (/RP), where every user of the host can read it;
      // PowerShell registers the same XML with the password read from stdin instead.
      const principal = principalOf(ctx);
      const script = [
        "$ErrorActionPreference = 'Stop'",
        '[Console]::InputEncoding = [System.Text.Encoding]::UTF8',
        '$password = [Console]::In.ReadLine()',
        '$xml = [Console]::In.ReadToEnd()',
        `Register-ScheduledTask -TaskPath ${psString(TASK_FOLDER)} -TaskName ${psString(c.id.slice(TASK_FOLDER.length))} -Xml $xml -User ${psString(principal.kind === 'user' ? principal.user : '')} -Password $password -Force | Out-Null`,
      ].join('\n');
      ops.push({
        kind: 'exec', argv: powershellArgv(script), stdin: Buffer.from(`${password}\n${xml}`, 'utf8'),
        stdinShown: '(the password, then the task XML shown above)', why: `register the task of profile ${c.profile} with its password`,
      });
    }
    return ops;
  }

  async status(ctx: BackendContext, entries: Entry[]): Promise<Map<string, EntryStatus>> {
    const out = new Map<string, EntryStatus>();
    if (entries.length === 0) return out;
    const names = entries.map((e) => psString(e.id.slice(TASK_FOLDER.length))).join(', ');
    const iso = (v: string): string => `$(if ($i.${v} -and $i.${v}.Year -gt 1999) { $i.${v}.ToString('o') } else { $null })`;
    const script = [
      "$ErrorActionPreference = 'Stop'", UTF8_OUT,
      `$out = @(foreach ($n in @(${names})) { $t = Get-ScheduledTask -TaskPath ${psString(TASK_FOLDER)} -TaskName $n -ErrorAction SilentlyContinue; if ($t) { $i = $t | Get-ScheduledTaskInfo; [pscustomobject]@{ name = $n; state = [string]$t.State; lastRun = ${iso('LastRunTime')}; nextRun = ${iso('NextRunTime')}; lastResult = $i.LastTaskResult; missed = $i.NumberOfMissedRuns } } })`,
      'ConvertTo-Json -InputObject $out -Compress',
    ].join('\n');
    const r = await ctx.runner.run(powershellArgv(script), { env: ctx.env });
    if (r.code !== 0) {
      for (const e of entries) out.set(e.id, { source: 'Get-ScheduledTaskInfo', state: `unknown (${firstLine(r)})` });
      return out;
    }
    const rows = JSON.parse(r.stdout.toString('utf8').trim() || '[]') as { name: string; state: string; lastRun: string | null; nextRun: string | null; lastResult: number; missed: number }[];
    for (const e of entries) {
      const row = rows.find((x) => `${TASK_FOLDER}${x.name}` === e.id);
      out.set(e.id, row ? {
        source: 'Get-ScheduledTaskInfo', state: row.state, nextRun: row.nextRun ?? undefined, lastRun: row.lastRun ?? undefined,
        // 267011 (0x41303): the task has not run yet.
        lastResult: row.lastRun ? `0x${(row.lastResult >>> 0).toString(16)}${row.missed ? `, ${row.missed} missed` : ''}` : undefined,
      } : { source: 'Get-ScheduledTaskInfo', state: 'not registered' });
    }
    return out;
  }

  runNow(_ctx: BackendContext, entry: Entry): ScheduleOp[] {
    return [{ kind: 'exec', argv: ['schtasks', '/Run', '/TN', entry.id], why: `start the task of profile ${entry.profile} now` }];
  }
}
