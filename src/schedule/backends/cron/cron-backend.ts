import * as fs from 'node:fs';
import type { BackendContext, Change, Entry, EntryStatus, InstalledState, Refusal, RenderInput, ScheduleBackend, ScheduleOp } from '../../backend';
import type { ConfigIdentity } from '../../identity';
import { markerText, parseMarker } from '../../identity';
import { firstLine } from '../../runner';
import type { ScheduledCommand } from '../../scheduled-command';
import type { ScheduleModel } from '../../types';
import { beginLine, CrontabEditError, endLine, joinCrontab, lastCronTz, splitCrontab } from './crontab-block';
import { cronFields, cronWord } from './cron-syntax';

/** Vixie cron and its descendants cut commands at 1000 bytes; stay well below. */
const MAX_LINE = 900;

const latin1 = (utf8Text: string): string => Buffer.from(utf8Text, 'utf8').toString('latin1');
const unicode = (latin1Text: string): string => Buffer.from(latin1Text, 'latin1').toString('utf8');

function cronLine(m: ScheduleModel, c: ScheduledCommand): string {
  return `${cronFields(m)} ${[c.executable, ...c.args].map(cronWord).join(' ')}`;
}

const CRON_ENV = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, LC_ALL: 'C' });

/**
 * The user's crontab, edited through `crontab -l` / `crontab -` (the only interface every cron
 * has): one marked block per config; every other line is written back byte for byte.
 */
export class CronBackend implements ScheduleBackend {
  readonly name = 'cron' as const;

  refusals(m: ScheduleModel, input: RenderInput): Refusal[] {
    const key = (k: string): string => `profiles.${m.profile}.schedule.${k}`;
    const out: Refusal[] = [];
    if (m.dayOfMonth === 'last') out.push({ path: key('dayOfMonth'), message: 'cron cannot express "last" (the last day of the month); use a day 1-28, or the systemd backend' });
    if (m.randomDelayMinutes > 0) out.push({ path: key('randomDelayMinutes'), message: 'cron has no random delay; remove it, or use the systemd backend' });
    const entry = input.entries.find((e) => e.model.profile === m.profile);
    if (entry) {
      for (const w of [entry.command.executable, ...entry.command.args]) {
        if (w.includes('\\')) out.push({ path: `profiles.${m.profile}`, message: `cron: the path ${w} contains a backslash, which cron implementations unescape differently; move it, or use the systemd backend` });
      }
      const len = Buffer.byteLength(cronLine(m, entry.command));
      if (len > MAX_LINE) out.push({ path: `profiles.${m.profile}`, message: `cron: the command line is ${len} bytes; cron cuts commands at 1000 bytes (shorten the paths)` });
    }
    return out;
  }

  render(input: RenderInput): Entry[] {
    return input.entries.map((e) => ({
      id: e.model.profile, profile: e.model.profile,
      artifacts: [{ name: 'crontab line', content: `# ${markerText(input.identity, e.model.profile)}\n${cronLine(e.model, e.command)}` }],
    }));
  }

  async installed(ctx: BackendContext, identity: ConfigIdentity): Promise<InstalledState> {
    const r = await ctx.runner.run(['crontab', '-l'], { env: CRON_ENV(ctx.env) });
    let raw: Buffer;
    if (r.code === 0) raw = r.stdout;
    else if (r.code === 1 && /no crontab for/i.test(r.stderr.toString('utf8'))) raw = Buffer.alloc(0);
    else throw new CrontabEditError(`crontab -l failed: ${firstLine(r)}`);
    const parts = splitCrontab(raw.toString('latin1'), identity.hash);
    const entries: Entry[] = [];
    const lines = parts.block === null ? [] : unicode(parts.block).split('\n');
    for (let i = 0; i < lines.length - 1; i++) {
      const mk = lines[i].startsWith('# ') ? parseMarker(lines[i]) : undefined;
      if (!mk || mk.hash !== identity.hash) continue;
      entries.push({ id: mk.profile, profile: mk.profile, artifacts: [{ name: 'crontab line', content: `${lines[i]}\n${lines[i + 1]}` }] });
    }
    return { entries, foreign: new Set(), raw };
  }

  /** The whole block for these entries, as latin1 (bytes of UTF-8 text), or '' for none. */
  private block(desired: Entry[], before: string, identity: ConfigIdentity, zone: string): string {
    if (desired.length === 0) return '';
    // Cronie applies a CRON_TZ line to every line after it: when one precedes our block, name the
    // host's zone for our lines, then put the earlier value back for whatever follows.
    const foreignTz = lastCronTz(before);
    const lines = [
      `${beginLine(identity.hash)} config=${identity.configPath}`,
      '# Written by `robocurse schedule sync`: edits inside this block are overwritten; change the config and sync again.',
      ...(foreignTz !== undefined ? [`CRON_TZ=${zone}`] : []),
      ...desired.map((e) => e.artifacts[0].content),
      ...(foreignTz !== undefined ? [`CRON_TZ=${unicode(foreignTz)}`] : []),
      endLine(identity.hash),
    ];
    return latin1(`${lines.join('\n')}\n`);
  }

  operations(ctx: BackendContext, desired: Entry[], state: InstalledState, identity: ConfigIdentity, _changes: Change[]): ScheduleOp[] {
    const before = state.raw!.toString('latin1');
    const parts = splitCrontab(before, identity.hash);
    const block = this.block(desired, parts.before, identity, ctx.zone);
    const next = joinCrontab(parts, block);
    if (next === before) return [];
    const shown = block === '' ? `(the robocurse block of this config removed; all other lines unchanged)` : `${unicode(block)}(all other lines unchanged)`;
    return [
      // Refuse to overwrite an edit made since we read the crontab.
      { kind: 'exec', argv: ['crontab', '-l'], okCodes: [0, 1], expectStdout: state.raw!, why: 'check that the crontab did not change since it was read' },
      { kind: 'exec', argv: ['crontab', '-'], stdin: Buffer.from(next, 'latin1'), stdinShown: shown, why: 'install the edited crontab' },
    ];
  }

  async status(_ctx: BackendContext, entries: Entry[]): Promise<Map<string, EntryStatus>> {
    const running = cronDaemonRunning();
    return new Map(entries.map((e) => [e.id, {
      source: 'crontab (cron keeps no run record)',
      state: running === false ? 'installed, but no cron daemon is running' : 'installed',
    }]));
  }

  runNow(_ctx: BackendContext, entry: Entry, command: ScheduledCommand): ScheduleOp[] {
    // cron has no "start now": run the entry's own command, detached, as this same user.
    return [{ kind: 'detach', argv: [command.executable, ...command.args], cwd: command.workingDirectory, why: `start profile ${entry.profile} now, as cron would` }];
  }

  async warnings(): Promise<string[]> {
    return cronDaemonRunning() === false ? ['no cron daemon is running on this host: the entries will not run until one is started (e.g. `service cron start`)'] : [];
  }
}

/** Whether a cron daemon runs (Linux: from /proc); undefined where that cannot be told. */
export function cronDaemonRunning(): boolean | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        if (comm === 'cron' || comm === 'crond' || comm === 'busybox-crond') return true;
      } catch { /* exited meanwhile */ }
    }
    return false;
  } catch { return undefined; }
}
