import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

/**
 * Loads the CLI bundle (dist/src/cli/cli-bundle.js, written by scripts/bundle-cli.js) the way
 * Node's loader runs a CommonJS file, with one difference: V8's code cache for it is handed to
 * the compiler, so a start does not parse and compile the 1.9 MB of JavaScript again (issue
 * #17). The build writes one cache per kind of start (cli-bundle.<kind>.cache, see CACHE_KINDS),
 * each made by a process that ran that command: V8 reads a whole cache at start, and the one of
 * `run` (1.2 MB) would cost `--help` more than it saves.
 *
 * V8 checks its own version, flags and the source's length before it takes a cache, and
 * compiles from the source when it rejects one; it does not compare the text. So the bundle's
 * first line names its build (a digest of the rest) and the cache starts with the same line: a
 * cache from another build is never offered.
 *
 * Only node: built-ins here: bin/robocurse.js requires this file before anything else.
 */

const ID_LINE = /^\/\/ robocurse-cli-bundle ([0-9a-f]{16,64})\n/;

/** The kinds of start a cache is written for; scripts/train-cli-cache.js runs each one. */
export const CACHE_KINDS = ['help', 'validate', 'run'] as const;
export type CacheKind = typeof CACHE_KINDS[number];

/**
 * Which cache suits a command line: the first word that is not an option names the command (a
 * guess: `--config FILE run` guesses FILE; a wrong guess only costs time). `run` covers every
 * other command best: they share its config, state and plugin code.
 */
export function cacheKindFor(argv: readonly string[]): CacheKind {
  const command = argv.find((a) => !a.startsWith('-'));
  if (command === undefined) return 'help';
  return command === 'validate' ? 'validate' : 'run';
}

/** The cache file of `kind` beside `bundleFile`. */
export function cacheFileFor(bundleFile: string, kind: CacheKind): string {
  return path.join(path.dirname(bundleFile), `cli-bundle.${kind}.cache`);
}

export interface LoadedBundle<T> {
  exports: T;
  /** The compiled script, for writing a new cache (scripts/train-cli-cache.js). */
  script: vm.Script;
  /** True when a cache was offered and V8 used it. */
  cacheUsed: boolean;
}

/** The build id on the bundle's first line, or undefined for a file that has none. */
export function bundleId(source: string): string | undefined {
  return ID_LINE.exec(source)?.[1];
}

/** The first line of a cache file for the bundle of build `id`. */
export function cacheHeader(id: string): Buffer {
  return Buffer.from(`robocurse-cli-cache ${id}\n`, 'latin1');
}

/** The V8 data of `cacheFile` when it was made for build `id`; undefined otherwise. */
function cachedDataFor(cacheFile: string, id: string | undefined): Buffer | undefined {
  if (!id) return undefined;
  let data: Buffer;
  try {
    data = fs.readFileSync(cacheFile);
  } catch {
    return undefined; // no cache (a build without one, or unreadable): compile from the source
  }
  const header = cacheHeader(id);
  return data.subarray(0, header.length).equals(header) ? data.subarray(header.length) : undefined;
}

/** Runs `bundleFile` as a CommonJS module and returns its exports; `cacheFile` may be absent. */
export function loadBundle<T>(bundleFile: string, cacheFile: string): LoadedBundle<T> {
  // The build makes the bundle ASCII only (scripts/bundle-cli.js refuses anything else), so
  // Latin-1 reads the same text, without UTF-8 decoding: ~8 ms less of every start here.
  const source = fs.readFileSync(bundleFile, 'latin1');
  const cachedData = cachedDataFor(cacheFile, bundleId(source));
  const script = new vm.Script(Module.wrap(source), {
    filename: bundleFile,
    ...(cachedData ? { cachedData } : {}),
    // import() inside the bundle resolves as in any CommonJS file (none today; cheap to keep right).
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;
  const mod = { exports: {} as unknown };
  wrapper.call(mod.exports, mod.exports, Module.createRequire(bundleFile), mod, bundleFile, path.dirname(bundleFile));
  return { exports: mod.exports as T, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}
