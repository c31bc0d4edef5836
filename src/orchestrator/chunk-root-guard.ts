import { lstatSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { Chunk, CopyJob, CopyOptions, CopyProgress, CopyResult, Copier, Severity } from '../api';
import { emptyStats } from '../api';
import { mapRelPath } from '../chunk/dest-paths';
import { displayName, fsPath } from '../fs/byte-names';
import { inTheWayMessage, lstatChain, type Replaced } from '../fs/dir-chain';
import { refOf, type DirRef } from '../fs/dir-ref';
import { KILLED_EXIT_CODE, killedExitMeaning } from '../engines/exit-meaning';

/** Where the profile's chunks are cut from and copied to. */
export interface ChunkRoots {
  /** The source root the chunks were planned on (the snapshot path when there is one). */
  sourceRoot: string;
  destinationRoot: string;
  windowsPaths: boolean;
}

type Refusal = { ok: false; path: string; code: string; message: string };

export type GuardOutcome = {
  ok: true;
  replaced: Replaced[];
  /** The chunk's source directory as checked: it must still be that one after the copy. */
  source?: DirRef;
  /** The chunk's destination directory when it already existed: it must still be that one after the copy. */
  existing?: DirRef;
} | Refusal;

const blocked = (p: string, code: string, message: string): Refusal => ({ ok: false, path: p, code, message });

/**
 * Checks, just before a chunk is handed to its engine, every component of the chunk's source
 * directory below the source root and of its destination directory below the destination root
 * (the roots are the admin's choice and may be links). Components are checked one by one, each
 * with one lstat, never followed (lstatChain in dir-chain.ts: the guard is a check before and
 * after the engine, which keeps its own guarantees while it runs). A source component that is no longer a real directory fails
 * the chunk: the tree changed since the scan, and an engine would read through the link. A
 * destination component that is a link or file is replaced under mirror (the entry removed, its
 * target never touched) and fails the chunk otherwise, naming the path. Missing destination
 * parents are created (not the chunk's own directory: the engine makes it), so an engine that
 * creates parents itself by path (rsync's job does) finds nothing left to create.
 */
export async function checkChunkRoots(chunk: Chunk, roots: ChunkRoots, o: Pick<CopyOptions, 'mirror' | 'dryRun'>): Promise<GuardOutcome> {
  const parts = chunk.relPath.split('/').filter((s) => s !== '');
  // Drive-letter paths cannot be reached from a POSIX host (as in finalize-split-dirs.ts).
  if (parts.length === 0 || (roots.windowsPaths && process.platform !== 'win32')) return { ok: true, replaced: [] };
  const src = mapRelPath(roots.sourceRoot, chunk.relPath, roots.windowsPaths);
  const dst = mapRelPath(roots.destinationRoot, chunk.relPath, roots.windowsPaths);
  if (src !== chunk.sourcePath || dst !== chunk.destinationPath) {
    return blocked(chunk.sourcePath, 'EINVAL', `chunk ${chunk.id} does not lie under the profile's roots (${displayName(roots.sourceRoot)} → ${displayName(roots.destinationRoot)}); not copied`);
  }
  const s = await lstatChain(roots.sourceRoot, parts, { create: false, replace: false });
  if (s.status === 'missing') {
    return blocked(s.path, 'ENOENT', `source directory ${displayName(s.path)} no longer exists: the source changed since the scan; chunk not copied`);
  }
  if (s.status === 'blocked') {
    return blocked(s.path, s.kind === 'symbolic link' ? 'ELOOP' : 'ENOTDIR',
      `${inTheWayMessage(s.path, s.kind, s.target)}: the source changed since the scan; chunk not copied, nothing read through it`);
  }
  const source = refOf(src, s.last);
  const replace = o.mirror && !o.dryRun;
  const replaced: Replaced[] = [];
  const parents = parts.slice(0, -1);
  if (parents.length > 0) {
    const d = await lstatChain(roots.destinationRoot, parents, { create: !o.dryRun, replace });
    if (d.status === 'missing') return { ok: true, replaced: d.replaced, source };
    if (d.status === 'blocked') {
      if (o.mirror) return { ok: true, replaced: d.replaced, source }; // dry run: the real run replaces it
      return refusedDestination(d.path, d.kind, d.target);
    }
    replaced.push(...d.replaced);
  }
  // The chunk's own directory: checked, replaced when it is not a directory, never created here.
  const last = await lstatChain(path.dirname(dst), parts.slice(-1), { create: false, replace });
  if (last.status === 'blocked' && !o.mirror) return refusedDestination(last.path, last.kind, last.target);
  replaced.push(...last.replaced);
  if (last.status !== 'ok') return { ok: true, replaced, source };
  return { ok: true, replaced, source, existing: refOf(dst, last.last) };
}

/**
 * After the engine: are the chunk's source directory, and its destination directory, still real
 * directories, and the same ones as before (device and inode; a swap anywhere above them shows as
 * another inode)? A directory swapped for a link (or another directory) while the engine ran means
 * what was copied came from, or went to, a directory that was moved away: the chunk must run
 * again (and then meets the check above). Engines never read or write through such a swap
 * (docs/safety.md); this keeps the run from reporting a replica it does not have. One lstat per
 * side. Returns the problem, or undefined.
 */
export async function recheckChunkRoots(chunk: Chunk, roots: ChunkRoots, before: { source?: DirRef; existing?: DirRef }): Promise<string | undefined> {
  if (chunk.relPath === '' || (roots.windowsPaths && process.platform !== 'win32')) return undefined;
  const sides: Array<['source' | 'destination', string, DirRef | undefined]> = [
    ['source', chunk.sourcePath, before.source], ['destination', chunk.destinationPath, before.existing],
  ];
  const problems = await Promise.all(sides.map(async ([side, p, was]) => {
    // Synchronous, like lstatChain: one metadata call per side and chunk.
    let st: Stats | undefined;
    try {
      st = lstatSync(fsPath(p));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ELOOP') throw err;
    }
    // Missing is fine for what was not there before (an engine that writes nothing, like the
    // simulated one, never makes the destination).
    if (st === undefined) return was ? `${side} directory ${displayName(p)} disappeared (or a directory above it was swapped) while the chunk ran; the chunk runs again` : undefined;
    if (!st.isDirectory()) {
      const what = st.isSymbolicLink() ? 'a symbolic link' : 'not a directory';
      return `${side} ${displayName(p)} is ${what} after the copy: it changed while the chunk ran (nothing was read or written through it); the chunk runs again`;
    }
    if (was && (st.dev !== was.dev || st.ino !== was.ino)) {
      return `${side} directory ${displayName(p)} was replaced (by another directory, or one above it by a link) while the chunk ran; the chunk runs again`;
    }
    return undefined;
  }));
  return problems.find((x) => x !== undefined);
}

function refusedDestination(p: string, kind: Replaced['kind'], target?: string): Refusal {
  return blocked(p, kind === 'symbolic link' ? 'ELOOP' : 'ENOTDIR',
    `destination ${inTheWayMessage(p, kind, target)}: robocurse never writes through it; remove it, or use mirror to have it replaced; chunk not copied`);
}

const WORSE: Record<Severity, number> = { Success: 0, Warning: 1, Error: 2, Fatal: 3 };

/** The chunk's result, telling what the guard replaced (a Warning at least: someone put it there). */
function withReplacements(r: CopyResult, replaced: Replaced[]): CopyResult {
  if (replaced.length === 0) return r;
  const what = replaced.map((x) => `${inTheWayMessage(x.path, x.kind, x.target)}: replaced by a directory (mirror), its target not touched`).join('; ');
  const severity = WORSE[r.exitMeaning.severity] >= WORSE.Warning ? r.exitMeaning.severity : 'Warning';
  return {
    ...r,
    stats: { ...r.stats, extrasRemoved: r.stats.extrasRemoved + replaced.length },
    exitMeaning: { ...r.exitMeaning, severity, message: `${r.exitMeaning.message}; ${what}` },
  };
}

function refusedResult(g: Refusal, startedAt: Date): CopyResult {
  return {
    exitCode: -1,
    // Not retried: the same tree gives the same refusal; the admin has to look at it.
    exitMeaning: { severity: 'Fatal', shouldRetry: false, message: g.message },
    stats: emptyStats(), errors: [{ path: displayName(g.path), code: g.code, message: g.message }],
    durationMs: Date.now() - startedAt.getTime(), killed: false,
  };
}

/**
 * A CopyJob that runs the chunk-root check first and starts the engine only when it passes, so
 * the orchestrator keeps one job object per attempt (kill, suspend, progress and bandwidth work
 * before the engine has started, and are handed on once it has).
 */
class GuardedJob implements CopyJob {
  readonly startedAt = new Date();
  readonly done: Promise<CopyResult>;
  private inner: CopyJob | undefined;
  private readonly listeners = new Map<(p: CopyProgress) => void, (() => void) | undefined>();
  private killed = false;
  private suspended = false;
  private bandwidth: number | undefined;

  constructor(readonly chunk: Chunk, private readonly copier: Copier, private readonly options: CopyOptions, roots: ChunkRoots,
    private readonly startFailure: (err: unknown) => CopyResult) {
    this.done = this.run(roots);
  }

  get pid(): number | undefined {
    return this.inner?.pid;
  }

  private async run(roots: ChunkRoots): Promise<CopyResult> {
    let g: GuardOutcome;
    try {
      g = await checkChunkRoots(this.chunk, roots, this.options);
    } catch (err) {
      if (this.killed) return this.killedBeforeStart();
      // An I/O error (EACCES, EIO) may pass: retried, unlike a refusal.
      const e = err as NodeJS.ErrnoException;
      const message = `cannot check the chunk's directories: ${e?.message ?? String(err)}`;
      const r = refusedResult(blocked(this.chunk.destinationPath, typeof e?.code === 'string' ? e.code : 'UNKNOWN', message), this.startedAt);
      return { ...r, exitMeaning: { severity: 'Error', shouldRetry: true, message } };
    }
    if (this.killed) return this.killedBeforeStart();
    if (!g.ok) {
      this.options.logger.warn({ chunkId: this.chunk.id, path: displayName(g.path), code: g.code }, g.message);
      return refusedResult(g, this.startedAt);
    }
    for (const r of g.replaced) {
      this.options.logger.warn({ chunkId: this.chunk.id, path: displayName(r.path), kind: r.kind, target: r.target }, `${inTheWayMessage(r.path, r.kind, r.target)}: replaced by a directory (mirror); its target was not touched`);
    }
    let job: CopyJob;
    try {
      job = this.copier.start(this.chunk, this.options);
    } catch (err) {
      this.options.logger.warn({ chunkId: this.chunk.id, err }, `chunk ${this.chunk.id} failed to start`);
      return this.startFailure(err);
    }
    this.inner = job;
    for (const l of this.listeners.keys()) this.listeners.set(l, job.onProgress(l));
    if (this.bandwidth !== undefined) job.setBandwidth?.(this.bandwidth);
    if (this.suspended) job.suspend?.();
    const result = withReplacements(await job.done, g.replaced);
    if (result.killed || this.options.dryRun || WORSE[result.exitMeaning.severity] >= WORSE.Error) return result;
    const changed = await recheckChunkRoots(this.chunk, roots, g).catch((err: unknown) => `cannot check the chunk's directories after the copy: ${(err as Error)?.message ?? String(err)}`);
    if (changed === undefined) return result;
    this.options.logger.warn({ chunkId: this.chunk.id }, changed);
    return { ...result, exitMeaning: { severity: 'Error', shouldRetry: true, message: `${result.exitMeaning.message}; ${changed}` } };
  }

  private killedBeforeStart(): CopyResult {
    return { exitCode: KILLED_EXIT_CODE, exitMeaning: killedExitMeaning(), stats: emptyStats(), errors: [], durationMs: Date.now() - this.startedAt.getTime(), killed: true };
  }

  progress(): CopyProgress {
    return this.inner?.progress() ?? { bytesCopied: 0, filesCopied: 0 };
  }

  onProgress(listener: (p: CopyProgress) => void): () => void {
    this.listeners.set(listener, this.inner?.onProgress(listener));
    return () => {
      this.listeners.get(listener)?.();
      this.listeners.delete(listener);
    };
  }

  async kill(): Promise<void> {
    this.killed = true;
    await this.inner?.kill();
    await this.done;
  }

  suspend(): void {
    this.suspended = true;
    this.inner?.suspend?.();
  }

  resume(): void {
    this.suspended = false;
    this.inner?.resume?.();
  }

  setBandwidth(bytesPerSec: number): void {
    this.bandwidth = bytesPerSec;
    this.inner?.setBandwidth?.(bytesPerSec);
  }
}

/**
 * Starts `chunk` on `copier`: behind the chunk-root check when `roots` is given, else directly
 * (tests that drive the orchestrator with made-up paths). A copier that throws on start gives
 * the result `startFailure` makes, either way.
 */
export function startChunk(copier: Copier, chunk: Chunk, options: CopyOptions, roots: ChunkRoots | undefined, startFailure: (err: unknown) => CopyResult): CopyJob {
  if (!roots) return copier.start(chunk, options);
  return new GuardedJob(chunk, copier, options, roots, startFailure);
}
