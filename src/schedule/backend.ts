import type { ConfigProblem } from '../config/problems';
import type { ConfigIdentity } from './identity';
import type { CommandRunner } from './runner';
import type { ScheduledCommand } from './scheduled-command';
import type { ScheduleModel } from './types';

export type BackendName = 'systemd' | 'cron' | 'schtasks' | 'launchd';
export const BACKEND_NAMES: readonly BackendName[] = ['systemd', 'cron', 'schtasks', 'launchd'];
export type Scope = 'user' | 'system';

/** One profile's wish: its model and the command its entry runs. */
export interface ScheduleEntryInput {
  model: ScheduleModel;
  command: ScheduledCommand;
  /** The config's log directory (launchd writes the job's output there). */
  logDir: string;
}

/** Everything a renderer needs; pure data, so golden files are reproducible anywhere. */
export interface RenderInput {
  identity: ConfigIdentity;
  scope: Scope;
  /** IANA zone the schedule's times are in (the host's). */
  zone: string;
  entries: ScheduleEntryInput[];
}

/** A file or text an entry consists of. */
export interface Artifact {
  /** A file path, or a label such as "crontab line". */
  name: string;
  content: string;
}

/** One generated entry (a unit pair, a task, a plist, a crontab line). */
export interface Entry {
  /** Unit name, task path, launchd label, or the profile for cron. */
  id: string;
  profile: string;
  artifacts: Artifact[];
  /** Backend data that is not compared, e.g. the full task XML behind a task's marker. */
  payload?: string;
}

/** A step of `sync`. `plan` prints the same list, which is why it is exactly what sync does. */
export type ScheduleOp =
  | { kind: 'write'; path: string; content: string }
  | { kind: 'delete'; path: string }
  | {
    kind: 'exec'; argv: string[];
    /** Bytes for stdin. */
    stdin?: Buffer;
    /** Shown instead of stdin by plan and in errors (a password is never shown). */
    stdinShown?: string;
    /** A file written to a fresh private temp directory first; `{payload}` in argv names it. */
    payload?: { name: string; content: Buffer };
    /** Exit codes that count as done (default [0]). */
    okCodes?: number[];
    /** When set, the command's stdout must equal this (e.g. the crontab read before editing). */
    expectStdout?: Buffer;
    why: string;
  }
  /** Starts a command that outlives robocurse (run-now where the scheduler has no "start"). */
  | { kind: 'detach'; argv: string[]; cwd: string; why: string };

/** Runtime facts a backend can read back for `status`. */
export interface EntryStatus {
  /** e.g. "active (waiting)", "Ready", "not loaded" */
  state?: string;
  nextRun?: string;
  lastRun?: string;
  lastResult?: string;
  /** Where the figures came from, e.g. "systemctl show". */
  source: string;
}

export interface BackendContext {
  runner: CommandRunner;
  scope: Scope;
  env: NodeJS.ProcessEnv;
  /** IANA zone the schedule's times are in (the host's). */
  zone: string;
  /** Numeric uid on POSIX (launchd domains, systemd lingering). */
  uid: number;
  /** Windows account for --user tasks, and whether a password comes on stdin. */
  runAs?: { user: string; password?: string };
}

/** A problem with a config key, found while rendering for one backend: exit 2. */
export type Refusal = ConfigProblem;

/** The entries that are installed now, plus whatever the backend needs to edit them later. */
export interface InstalledState {
  entries: Entry[];
  /** Entries that carry our name pattern but another config's marker, by id (never touched). */
  foreign: Set<string>;
  /** Backend-specific data read with the entries (the crontab bytes). */
  raw?: Buffer;
}

export interface ScheduleBackend {
  readonly name: BackendName;
  /** Keys of a model this backend cannot express (refused with exit 2, nothing installed). */
  refusals(model: ScheduleModel, input: RenderInput): Refusal[];
  /** The entries this config should have. Pure. */
  render(input: RenderInput, ctx: Pick<BackendContext, 'env' | 'uid' | 'scope' | 'runAs'>): Entry[];
  /** What is installed for this config now. Read-only. */
  installed(ctx: BackendContext, identity: ConfigIdentity): Promise<InstalledState>;
  /** The steps that turn `state` into `desired`; [] when nothing changes. */
  operations(ctx: BackendContext, desired: Entry[], state: InstalledState, identity: ConfigIdentity, changes: Change[]): ScheduleOp[];
  /** Runtime facts of installed entries. */
  status(ctx: BackendContext, entries: Entry[]): Promise<Map<string, EntryStatus>>;
  /** Steps that start an installed entry now, under its own identity. */
  runNow(ctx: BackendContext, entry: Entry, command: ScheduledCommand): ScheduleOp[];
  /** Warnings worth printing before sync (e.g. systemd lingering). */
  warnings?(ctx: BackendContext): Promise<string[]>;
}

export type ChangeAction = 'add' | 'update' | 'remove' | 'keep';

export interface Change {
  action: ChangeAction;
  id: string;
  profile: string;
  desired?: Entry;
  installed?: Entry;
}

/** Same artifacts (names and contents) = nothing to do. */
export function sameEntry(a: Entry, b: Entry): boolean {
  if (a.artifacts.length !== b.artifacts.length) return false;
  return a.artifacts.every((x, i) => x.name === b.artifacts[i].name && x.content === b.artifacts[i].content);
}

/** Desired against installed, by id: what sync adds, updates, removes and keeps. */
export function diffEntries(desired: Entry[], installed: Entry[]): Change[] {
  const out: Change[] = [];
  const byId = new Map(installed.map((e) => [e.id, e]));
  for (const d of desired) {
    const i = byId.get(d.id);
    out.push(i ? { action: sameEntry(d, i) ? 'keep' : 'update', id: d.id, profile: d.profile, desired: d, installed: i } : { action: 'add', id: d.id, profile: d.profile, desired: d });
    byId.delete(d.id);
  }
  for (const i of byId.values()) out.push({ action: 'remove', id: i.id, profile: i.profile, installed: i });
  return out;
}
