import pino from 'pino';
import type { Logger, SnapshotInfo, SnapshotProvider } from '../../api';
import type { ProfileConfig, RobocurseConfig } from '../../config/types';
import { newSessionId } from '../../logging/session-id';
import { instantiatePlugins } from '../../plugins/instantiate';
import { loadPlugins } from '../../plugins/loader';
import { pluginLocationOf } from '../../plugins/plugin-trust';
import { ConfigError } from '../../config/problems';
import { StateStore, type SnapshotRecord } from '../../state';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo, CommonArgs } from '../io';
import { loadCliConfig, selectProfiles, UsageError } from '../load-cli-config';
import { dropSecretEnv } from '../secret-env';
import { handleCommandError } from './validate';

export interface SnapshotArgs extends CommonArgs {
  action: 'list' | 'create' | 'delete';
  /** Snapshot id, for delete. */
  id?: string;
  /** Only this provider (list), or the provider of an unrecorded snapshot (delete). */
  provider?: string;
}

/** One row of `snapshot list`. */
interface ListedSnapshot extends SnapshotInfo {
  /** kept | working (session running) | orphan | not recorded | recorded, not found. */
  state: string;
  profile?: string;
  sessionId?: string;
}

/** Builds the snapshot providers the config loads, and nothing else (no notifier opens a socket here). */
async function openProviders(cfg: RobocurseConfig, signal: AbortSignal, logger: Logger): Promise<Map<string, SnapshotProvider>> {
  const { plugins, problems } = await loadPlugins(cfg.global.plugins, { ...pluginLocationOf(cfg), logger, signal });
  if (problems.length > 0) throw new ConfigError(problems, cfg.configPath);
  const instances = await instantiatePlugins(plugins.filter((p) => p.declaration.kind === 'snapshot'), { logger, signal, configDir: cfg.configDir });
  return instances.snapshotProviders;
}

function providerOf(providers: Map<string, SnapshotProvider>, name: string): SnapshotProvider {
  const p = providers.get(name);
  if (!p) throw new UsageError(`snapshot provider '${name}' is not loaded (loaded: ${[...providers.keys()].join(', ') || 'none'}); add {"use": "${name}"} to global.plugins`);
  return p;
}

function stateOf(r: SnapshotRecord, orphans: Set<number>): string {
  if (r.persistent) return 'kept';
  return orphans.has(r.id) ? `orphan (session ${r.sessionId} ended)` : `working (session ${r.sessionId} is running)`;
}

/**
 * `robocurse snapshot list|create|delete`: the snapshots of the configured providers.
 * list: robocurse's snapshots of the selected profiles' sources (and destinations with kept
 * snapshots), each with what the state database knows of it. create: a kept snapshot of each
 * selected profile's source, recorded like the kept ones of `persistent.keepSource` (and counted by
 * its retention). delete: one snapshot by id; a running session's working snapshot is refused, and
 * a snapshot robocurse did not make is never deleted.
 */
export async function snapshotCommand(args: SnapshotArgs, io: CliIo): Promise<ExitCode> {
  const abort = new AbortController();
  let store: StateStore | undefined;
  try {
    const cfg = await loadCliConfig(args, io);
    const providers = await openProviders(cfg, abort.signal, pino({ level: 'silent' }));
    dropSecretEnv(cfg, io.env);
    if (args.provider !== undefined) providerOf(providers, args.provider);
    store = StateStore.open(cfg.global.stateDir);
    switch (args.action) {
      case 'list': return await listSnapshots(cfg, args, io, providers, store);
      case 'create': return await createSnapshots(cfg, args, io, providers, store);
      case 'delete': return await deleteSnapshot(args, io, providers, store);
      default: throw new UsageError(`snapshot: unknown action '${String(args.action)}' (expected list, create or delete)`);
    }
  } catch (e) {
    return handleCommandError(e, args, io);
  } finally {
    abort.abort();
    store?.close();
  }
}

function snapshotProfiles(cfg: RobocurseConfig, args: SnapshotArgs): ProfileConfig[] {
  return selectProfiles(cfg, args, true).filter((p) => p.snapshot && (args.provider === undefined || p.snapshot.provider === args.provider));
}

async function listSnapshots(cfg: RobocurseConfig, args: SnapshotArgs, io: CliIo, providers: Map<string, SnapshotProvider>, store: StateStore): Promise<ExitCode> {
  const records = store.listLiveSnapshots();
  const orphans = new Set(store.listOrphanSnapshots().map((r) => r.id));
  const found = new Map<string, ListedSnapshot>();
  let failed = false;
  const look = async (provider: SnapshotProvider, where?: string): Promise<void> => {
    try {
      for (const s of await provider.list(where)) if (!found.has(`${s.provider}:${s.id}`)) found.set(`${s.provider}:${s.id}`, { ...s, state: 'not recorded' });
    } catch (err) {
      failed = true;
      io.stderr.write(`robocurse: cannot list ${provider.name} snapshots${where ? ` of ${where}` : ''}: ${(err as Error).message}\n`);
    }
  };
  const profiles = snapshotProfiles(cfg, args);
  if (profiles.length === 0 && args.provider !== undefined) await look(providerOf(providers, args.provider));
  for (const p of profiles) {
    const provider = providerOf(providers, p.snapshot!.provider);
    await look(provider, p.source);
    if ((p.snapshot!.persistent?.keepDestination ?? 0) > 0) await look(provider, p.destination);
  }
  const wanted = new Set([...profiles.map((p) => p.snapshot!.provider), ...(args.provider ? [args.provider] : [])]);
  for (const r of records.filter((x) => wanted.has(x.provider))) {
    const key = `${r.provider}:${r.snapshotId}`;
    const listed = found.get(key);
    const base = listed ?? { id: r.snapshotId, provider: r.provider, sourcePath: r.sourcePath, snapshotPath: r.snapshotPath, createdAt: r.createdAt, state: '' };
    found.set(key, { ...base, sourcePath: r.sourcePath, state: listed ? stateOf(r, orphans) : `${stateOf(r, orphans)}, recorded but not found`, profile: r.profile, sessionId: r.sessionId });
  }
  const rows = [...found.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  if (args.json) io.stdout.write(`${JSON.stringify(rows)}\n`);
  else if (rows.length === 0) io.stdout.write('no robocurse snapshots\n');
  else {
    for (const r of rows) {
      io.stdout.write(`${r.createdAt}  ${r.provider}  ${r.id}\n    ${r.state}${r.profile ? `, profile ${r.profile}` : ''}; ${r.sourcePath} -> ${r.snapshotPath}\n`);
    }
  }
  return failed ? EXIT.Fatal : EXIT.Success;
}

async function createSnapshots(cfg: RobocurseConfig, args: SnapshotArgs, io: CliIo, providers: Map<string, SnapshotProvider>, store: StateStore): Promise<ExitCode> {
  if (!args.profile?.length && !args.all) throw new UsageError('snapshot create: name the profile(s) with --profile NAME or --all');
  const profiles = snapshotProfiles(cfg, args);
  if (profiles.length === 0) throw new UsageError('snapshot create: none of the selected profiles has a snapshot section');
  const sessionId = `cli-${newSessionId()}`;
  let failed = false;
  for (const p of profiles) {
    const provider = providerOf(providers, p.snapshot!.provider);
    try {
      const made = await provider.create(p.source, { sessionId, label: `robocurse:${p.name}:manual` });
      const info = { ...made, sourcePath: p.source };
      // Kept: never an orphan, and counted (and in time pruned) by the profile's keepSource retention.
      store.recordSnapshot(sessionId, p.name, info, true);
      if (args.json) io.stdout.write(`${JSON.stringify({ profile: p.name, ...info })}\n`);
      else io.stdout.write(`${p.name}: ${provider.name} snapshot ${info.id}\n    ${info.sourcePath} -> ${info.snapshotPath}\n`);
    } catch (err) {
      failed = true;
      io.stderr.write(`robocurse: cannot create a ${provider.name} snapshot of ${p.source} (profile ${p.name}): ${(err as Error).message}\n`);
    }
  }
  return failed ? EXIT.Fatal : EXIT.Success;
}

async function deleteSnapshot(args: SnapshotArgs, io: CliIo, providers: Map<string, SnapshotProvider>, store: StateStore): Promise<ExitCode> {
  if (!args.id) throw new UsageError('snapshot delete: give the snapshot id (see robocurse snapshot list)');
  const records = store.listLiveSnapshots().filter((r) => r.snapshotId === args.id && (args.provider === undefined || r.provider === args.provider));
  if (records.length > 1) throw new UsageError(`snapshot delete: ${args.id} is recorded for several providers (${records.map((r) => r.provider).join(', ')}); add --provider`);
  const record = records[0];
  if (record) {
    const orphan = store.listOrphanSnapshots().some((r) => r.id === record.id);
    if (!record.persistent && !orphan) {
      throw new UsageError(`snapshot delete: ${args.id} is the working snapshot of running session ${record.sessionId} (profile ${record.profile}); that run deletes it when the profile ends`);
    }
    if (!(await deleteReporting(providerOf(providers, record.provider), record.snapshotId, io))) return EXIT.Fatal;
    store.markSnapshotDeleted(record.provider, record.snapshotId);
  } else {
    if (args.provider === undefined) throw new UsageError(`snapshot delete: ${args.id} is not recorded in the state database; if robocurse made it (see snapshot list), name its provider with --provider`);
    const provider = providerOf(providers, args.provider);
    // Only what the provider recognises as robocurse's own: never a snapshot made by someone else.
    const ours = (await provider.list()).some((s) => s.id === args.id);
    if (!ours) throw new UsageError(`snapshot delete: ${args.id} is not a ${provider.name} snapshot robocurse made; robocurse deletes only its own snapshots`);
    if (!(await deleteReporting(provider, args.id, io))) return EXIT.Fatal;
  }
  io.stdout.write(args.json ? `${JSON.stringify({ deleted: args.id })}\n` : `deleted ${args.id}\n`);
  return EXIT.Success;
}

async function deleteReporting(provider: SnapshotProvider, id: string, io: CliIo): Promise<boolean> {
  try {
    await provider.delete(id);
    return true;
  } catch (err) {
    io.stderr.write(`robocurse: cannot delete ${provider.name} snapshot ${id}: ${(err as Error).message}\n`);
    return false;
  }
}
