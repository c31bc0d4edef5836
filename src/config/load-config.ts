import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChunkPolicy } from '../api';
import { BUILT_IN_ENGINES, DEFAULT_CHUNKING, DEFAULT_CIRCUIT_BREAKER_FAILURES, DEFAULT_QUEUE_OUTAGE_SECONDS, DEFAULT_RETENTION, DEFAULT_VERIFY_SAMPLE, DEFAULT_MAX_CONCURRENT_JOBS, DEFAULT_RETRY, defaultEngine } from './defaults';
import { dottedPath, parseJsonSource, type JsonSource } from './json-source';
import { isSameOrInside, isWindowsPath, realPathLoose, resolveConfigPath } from './path-checks';
import { ConfigError, type ConfigProblem } from './problems';
import { compileConfigSchema, validateSchema } from './schema-validate';
import { parseSize } from './size';
import { parseMaxDeletes } from './max-deletes';
import { privateDirProblems } from './private-dirs';
import { robocopySwitchProblems } from '../engines/robocopy/switch-policy';
import { buildSchedule, scheduleProblems } from '../schedule/compile';
import { engineProblems } from './engine-checks';
import { parseAge, resolveSizeAge, type SelectionSettings } from './selection';
import { selectionProblems } from './selection-checks';
import type { PluginLocation } from '../plugins/plugin-trust';
import type { GlobalConfig, PluginRef, ProfileConfig, RobocurseConfig } from './types';

/** What the loaded plugins add to the names a config may use. */
export interface PluginNames {
  copiers: string[];
  snapshotProviders: string[];
}

/**
 * Checks `global.plugins` (shape, version, options, where they come from) and reports the names
 * they provide.
 */
export type PluginChecker = (refs: PluginRef[], location: PluginLocation) => Promise<{ problems: ConfigProblem[]; names: PluginNames }>;

export interface LoadConfigOptions {
  /** Required, so no caller can skip the plugin checks by forgetting it. */
  pluginChecker: PluginChecker;
  /** Check that sources exist (off for `validate --no-fs` and unit tests of pure rules). */
  checkFilesystem?: boolean;
  /** The instant ages (maxAge, minAge) are measured from; default now. */
  now?: number;
}

type Raw = Record<string, any>;

function located(src: JsonSource | undefined, file: string, problems: (ConfigProblem & { segments?: (string | number)[] })[]): ConfigProblem[] {
  return problems.map((p) => {
    const at = src && p.segments ? src.locate(p.segments) : undefined;
    return { path: p.path, message: at ? `${p.message} (${path.basename(file)}:${at})` : p.message };
  });
}

function buildGlobal(raw: Raw, configDir: string): GlobalConfig {
  const g: Raw = raw.global ?? {};
  return {
    maxConcurrentJobs: g.maxConcurrentJobs ?? DEFAULT_MAX_CONCURRENT_JOBS,
    engine: g.engine ?? defaultEngine(),
    bandwidthLimitMbps: g.bandwidthLimitMbps ?? 0,
    logDir: resolveConfigPath(configDir, g.logDir ?? 'logs'),
    stateDir: resolveConfigPath(configDir, g.stateDir ?? 'state'),
    pauseTimeoutSeconds: g.pauseTimeoutSeconds ?? 0,
    pauseTimeoutAction: g.pauseTimeoutAction ?? 'resume',
    ...(g.queue !== undefined ? { queue: g.queue } : {}),
    queueOutageSeconds: g.queueOutageSeconds ?? DEFAULT_QUEUE_OUTAGE_SECONDS,
    healthIntervalSeconds: g.healthIntervalSeconds ?? 10,
    circuitBreaker: { consecutiveFailures: g.circuitBreaker?.consecutiveFailures ?? DEFAULT_CIRCUIT_BREAKER_FAILURES },
    preflight: { requireFreeSpace: g.preflight?.requireFreeSpace ?? false },
    retention: { ...DEFAULT_RETENTION, ...(g.retention ?? {}) },
    plugins: (g.plugins ?? []).map((p: Raw, i: number): PluginRef => ({ use: p.use, options: p.options ?? {}, jsonPath: `global.plugins[${i}]` })),
    pluginPaths: (g.pluginPaths ?? []).map((p: string) => resolveConfigPath(configDir, p)),
  };
}

function buildProfile(name: string, p: Raw, global: GlobalConfig, configDir: string, now: number): ProfileConfig {
  const windowsPaths = isWindowsPath(p.source) || isWindowsPath(p.destination);
  const resolve = (s: string): string => (windowsPaths ? s : resolveConfigPath(configDir, s));
  const c: Raw = p.chunking ?? {};
  const chunking: ChunkPolicy = {
    mode: c.mode ?? DEFAULT_CHUNKING.mode,
    maxChunkBytes: c.maxChunkBytes !== undefined ? parseSize(c.maxChunkBytes)! : DEFAULT_CHUNKING.maxChunkBytes,
    maxChunkFiles: c.maxChunkFiles ?? DEFAULT_CHUNKING.maxChunkFiles,
    maxDepth: c.maxDepth ?? DEFAULT_CHUNKING.maxDepth,
  };
  return {
    name,
    source: resolve(p.source),
    destination: resolve(p.destination),
    enabled: p.enabled ?? true,
    mirror: p.mirror ?? false,
    chunking,
    excludeFiles: p.excludeFiles ?? [],
    excludeDirs: p.excludeDirs ?? [],
    snapshot: p.snapshot ? {
      provider: p.snapshot.provider, required: p.snapshot.required ?? true, options: p.snapshot.options ?? {},
      persistent: { keepSource: p.snapshot.persistent?.keepSource ?? 0, keepDestination: p.snapshot.persistent?.keepDestination ?? 0 },
    } : null,
    engine: p.engine ?? global.engine,
    engineOptions: p.engineOptions ?? {},
    preserve: { ...(p.preserve ?? {}) },
    retry: { ...DEFAULT_RETRY, ...(p.retry ?? {}) },
    circuitBreaker: { consecutiveFailures: p.circuitBreaker?.consecutiveFailures ?? global.circuitBreaker?.consecutiveFailures ?? DEFAULT_CIRCUIT_BREAKER_FAILURES },
    preflight: { requireFreeSpace: p.preflight?.requireFreeSpace ?? global.preflight?.requireFreeSpace ?? false },
    bandwidthLimitMbps: p.bandwidthLimitMbps ?? 0,
    windowsPaths,
    ...(p.schedule ? { schedule: buildSchedule(p.schedule) } : {}),
    maxDeletes: p.maxDeletes !== undefined ? parseMaxDeletes(p.maxDeletes)! : null,
    verify: p.verify ?? 'off',
    verifySample: p.verifySample ?? DEFAULT_VERIFY_SAMPLE,
    verifyMismatch: p.verifyMismatch ?? 'fail',
    failedFilesSeverity: p.failedFilesSeverity ?? 'error',
    ...selectionOf(p, now),
  };
}

/** The profile's selection filters: as configured, and resolved at `now` (once per run). */
function selectionOf(p: Raw, now: number): Pick<ProfileConfig, 'includeFiles' | 'selection' | 'sizeAge' | 'excludeAttributes'> {
  const selection: SelectionSettings = {
    ...(p.maxSize !== undefined ? { maxSize: parseSize(p.maxSize)! } : {}),
    ...(p.minSize !== undefined ? { minSize: parseSize(p.minSize)! } : {}),
    ...(p.maxAge !== undefined ? { maxAge: parseAge(p.maxAge)! } : {}),
    ...(p.minAge !== undefined ? { minAge: parseAge(p.minAge)! } : {}),
  };
  const sizeAge = resolveSizeAge(selection, now);
  return {
    includeFiles: p.includeFiles ?? [], selection,
    ...(sizeAge ? { sizeAge } : {}),
    ...(p.excludeAttributes !== undefined ? { excludeAttributes: String(p.excludeAttributes).toUpperCase() } : {}),
  };
}

/** Rules that need the whole config or the filesystem: paths, names, engines, providers. */
function semanticProblems(cfg: RobocurseConfig, rawProfiles: Raw, names: PluginNames, checkFs: boolean): (ConfigProblem & { segments: (string | number)[] })[] {
  const out: (ConfigProblem & { segments: (string | number)[] })[] = [];
  const add = (segments: (string | number)[], message: string): void => { out.push({ segments, path: dottedPath(segments), message }); };
  const engines = new Set<string>([...BUILT_IN_ENGINES, ...names.copiers]);
  const providers = new Set(names.snapshotProviders);
  if (!engines.has(cfg.global.engine)) add(['global', 'engine'], `unknown engine '${cfg.global.engine}' (expected one of: ${[...engines].join(', ')})`);
  const lowerNames = new Map<string, string>();
  for (const prof of cfg.profiles) {
    const base = ['profiles', prof.name];
    const other = lowerNames.get(prof.name.toLowerCase());
    if (other) add(base, `profile name '${prof.name}' differs from '${other}' only by case; names must be unique ignoring case (they name logs and state)`);
    lowerNames.set(prof.name.toLowerCase(), prof.name);
    if (rawProfiles[prof.name].engine !== undefined && !engines.has(prof.engine)) add([...base, 'engine'], `unknown engine '${prof.engine}' (expected one of: ${[...engines].join(', ')})`);
    if (prof.snapshot && !providers.has(prof.snapshot.provider)) {
      add([...base, 'snapshot', 'provider'], `unknown snapshot provider '${prof.snapshot.provider}'${providers.size ? ` (loaded: ${[...providers].join(', ')})` : ''}; load it with {"use": "${prof.snapshot.provider}"} in global.plugins`);
    }
    out.push(...scheduleProblems(rawProfiles[prof.name].schedule, [...base, 'schedule']));
    for (const sp of selectionProblems(prof)) add([...base, ...sp.segments], sp.message);
    const switches = prof.engineOptions.robocopy?.switches;
    if (Array.isArray(switches)) {
      for (const sp of robocopySwitchProblems(switches, `profiles.${prof.name}.engineOptions.robocopy.switches`)) {
        const idx = Number(/\[(\d+)\]$/.exec(sp.path)?.[1]);
        add([...base, 'engineOptions', 'robocopy', 'switches', idx], sp.message);
      }
    }
    for (const ep of engineProblems(prof, cfg.global)) {
      if (!out.some((q) => q.path === dottedPath(ep.segments) && q.message === ep.message)) add(ep.segments, ep.message);
    }
    // Only a drive or UNC path is foreign, and only off Windows: relative paths (and '/x', a
    // drive-relative path) mean something on every host.
    if (process.platform !== 'win32') {
      for (const key of ['source', 'destination'] as const) {
        if (isWindowsPath(rawProfiles[prof.name][key])) add([...base, key], `'${rawProfiles[prof.name][key]}' is a Windows path, but this host is ${process.platform}`);
      }
    }
    if (out.some((p) => p.path.startsWith(dottedPath([...base, 'source'])) || p.path.startsWith(dottedPath([...base, 'destination'])))) continue;
    const src = prof.windowsPaths ? prof.source : realPathLoose(prof.source);
    const dst = prof.windowsPaths ? prof.destination : realPathLoose(prof.destination);
    if (isSameOrInside(src, dst) && isSameOrInside(dst, src)) add([...base, 'destination'], `destination is the same directory as the source (${prof.source})`);
    else if (isSameOrInside(src, dst)) add([...base, 'destination'], `destination ${prof.destination} is inside the source ${prof.source}: the copy would copy itself`);
    else if (isSameOrInside(dst, src)) add([...base, 'destination'], `destination ${prof.destination} contains the source ${prof.source}${prof.mirror ? ': mirroring would delete the source' : ''}`);
    if (checkFs && prof.enabled && !prof.windowsPaths) {
      let st: fs.Stats | undefined;
      try { st = fs.statSync(prof.source); } catch (e) {
        add([...base, 'source'], `source directory does not exist or cannot be read: ${prof.source} (${(e as NodeJS.ErrnoException).code})`);
      }
      if (st && !st.isDirectory()) add([...base, 'source'], `source is not a directory: ${prof.source}`);
      if (fs.existsSync(prof.destination) && !fs.statSync(prof.destination).isDirectory()) add([...base, 'destination'], `destination exists and is not a directory: ${prof.destination}`);
    }
  }
  return out;
}

/**
 * Reads and validates a config file. Every problem is collected (not just the first) and thrown
 * as one ConfigError; there is no fallback to defaults for a file that is wrong.
 */
export async function loadConfig(file: string, options: LoadConfigOptions): Promise<RobocurseConfig> {
  const configPath = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(configPath, 'utf8');
  } catch (e) {
    throw new ConfigError([{ path: '', message: `cannot read config file ${configPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }], configPath);
  }
  return loadConfigText(text, configPath, options);
}

/**
 * Validates config text as if read from `configPath` (relative paths resolve from its directory;
 * problems name it). The library's way to check a config given as an object.
 */
export async function loadConfigText(text: string, file: string, options: LoadConfigOptions): Promise<RobocurseConfig> {
  const configPath = path.resolve(file);
  const configDir = path.dirname(configPath);
  const parsed = parseJsonSource(text.replace(/^\uFEFF/, ''));
  if (!parsed.source) throw new ConfigError(parsed.problems, configPath);
  const src = parsed.source;
  const schemaProblems = validateSchema(compileConfigSchema(), src.value);
  const problems = [...parsed.problems, ...located(src, configPath, schemaProblems)];
  if (problems.length > 0) throw new ConfigError(problems, configPath);

  const raw = src.value as Raw;
  const global = buildGlobal(raw, configDir);
  const now = options.now ?? Date.now();
  const profiles = Object.entries(raw.profiles as Raw).map(([name, p]) => buildProfile(name, p as Raw, global, configDir, now));
  const cfg: RobocurseConfig = { version: 1, configPath, configDir, global, profiles };

  const checked = await options.pluginChecker(global.plugins, { configDir, configFile: configPath, pluginPaths: global.pluginPaths });
  const names: PluginNames = checked.names;
  problems.push(...checked.problems);
  problems.push(...located(src, configPath, semanticProblems(cfg, raw.profiles as Raw, names, options.checkFilesystem ?? true)));
  problems.push(...located(src, configPath, privateDirProblems(cfg)));
  if (problems.length > 0) throw new ConfigError(problems, configPath);
  return cfg;
}
