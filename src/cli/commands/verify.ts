import { TOKENS, type Chunk, type Chunker } from '../../api';
import type { ProfileConfig } from '../../config/types';
import { createContainer } from '../../di/container';
import { displayName } from '../../fs/byte-names';
import { displayNames } from '../../fs/display-names';
import { newSessionId } from '../../logging/session-id';
import { formatBytes, formatCount, formatDuration, planProfile } from '../../plan';
import { profileExcludes } from '../../plan/profile-excludes';
import type { WorkerScanner } from '../../scan';
import type { WorkerPools } from '../../workers';
import { ProfileLockedError, StateStore, type ProfileLock } from '../../state';
import { preservedAttributes, verifyChunk, VerifyPool, type ChunkVerification, type VerifyFinding, type VerifyLevel } from '../../verify';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo, CommonArgs } from '../io';
import { loadCliConfig, selectProfiles, UsageError } from '../load-cli-config';
import { handleCommandError } from './validate';

interface VerifyArgs extends CommonArgs {
  mode?: VerifyLevel;
  sample?: number;
}

/** Chunks verified at once (each spreads its hashing over the pool's threads). */
const PARALLEL_CHUNKS = 2;

interface ProfileVerification {
  profile: string;
  mode: VerifyLevel;
  chunks: number;
  filesChecked: number;
  filesHashed: number;
  bytesHashed: number;
  mismatches: number;
  changedInSource: number;
  durationMs: number;
}

function findingLine(profile: string, f: VerifyFinding): string {
  return `${f.kind === 'changed-in-source' ? 'CHANGED IN SOURCE' : `MISMATCH (${f.kind})`} [${profile}] ${displayName(f.path || '.')}: ${f.detail}`;
}

async function verifyProfile(p: ProfileConfig, args: VerifyArgs, deps: { scanner: WorkerScanner; chunker: Chunker; pool: VerifyPool; store: StateStore; seed: string }, io: CliIo): Promise<ProfileVerification> {
  const started = performance.now();
  const plan = await planProfile(p, { scanner: deps.scanner, chunker: deps.chunker });
  const last = deps.store.lastRealProfileRun(p.name);
  const mode = args.mode ?? 'full';
  const total: ProfileVerification = { profile: p.name, mode, chunks: plan.chunks.length, filesChecked: 0, filesHashed: 0, bytesHashed: 0, mismatches: 0, changedInSource: 0, durationMs: 0 };
  const queue: Chunk[] = [...plan.chunks];
  const worker = async (): Promise<void> => {
    for (let chunk = queue.shift(); chunk; chunk = queue.shift()) {
      const v: ChunkVerification = await verifyChunk({
        chunk, mode, samplePercent: args.sample ?? p.verifySample ?? 10, excludes: profileExcludes(p), preserved: preservedAttributes(p),
        seed: deps.seed, copiedAt: last ? Date.parse(last.startedAt) : undefined,
      }, deps.pool);
      total.filesChecked += v.filesChecked; total.filesHashed += v.filesHashed; total.bytesHashed += v.bytesHashed;
      total.mismatches += v.mismatches; total.changedInSource += v.changedInSource;
      for (const f of v.findings) {
        io.stdout.write(args.json ? `${JSON.stringify(displayNames({ type: 'finding', profile: p.name, chunkId: chunk.id, ...f }))}\n` : `${findingLine(p.name, f)}\n`);
      }
      const unlisted = v.mismatches + v.changedInSource - v.findings.length;
      if (unlisted > 0 && !args.json) io.stdout.write(`... and ${formatCount(unlisted)} more in chunk ${displayName(chunk.relPath || '.')}\n`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_CHUNKS }, worker));
  total.durationMs = Math.round(performance.now() - started);
  return total;
}

/**
 * `robocurse verify --profile X`: compares the whole destination of each profile with its source,
 * chunk by chunk, and copies nothing. Exit 0 when every copy matches (files changed in the source
 * since they were copied are listed, not counted), 1 when one does not.
 */
export async function verifyCommand(args: VerifyArgs, io: CliIo): Promise<ExitCode> {
  let profiles: ProfileConfig[];
  let stateDir: string;
  try {
    if (!args.profile?.length && !args.all) throw new UsageError('verify: name the profile(s) with --profile NAME (repeatable) or --all');
    if (args.sample !== undefined && !(args.sample > 0 && args.sample <= 100)) throw new UsageError(`--sample: expected a percentage above 0 and at most 100, got ${args.sample}`);
    if (args.sample !== undefined && args.mode !== 'sample') throw new UsageError('--sample goes with --mode sample');
    const cfg = await loadCliConfig(args, io);
    profiles = selectProfiles(cfg, args, false);
    stateDir = cfg.global.stateDir;
  } catch (e) {
    return handleCommandError(e, args, io);
  }
  const c = createContainer();
  const scanner = c.resolve<WorkerScanner>(TOKENS.Scanner);
  const pools = c.resolve<WorkerPools>(TOKENS.WorkerPools);
  const pool = new VerifyPool(undefined, undefined, pools);
  let store: StateStore | undefined;
  const locks: ProfileLock[] = [];
  try {
    store = StateStore.open(stateDir);
    // A run writing the destination meanwhile would show up as mismatches: verify holds the lock.
    for (const p of profiles) locks.push(store.acquireProfileLock(p.name));
    const deps = { scanner, chunker: c.resolve<Chunker>(TOKENS.Chunker), pool, store, seed: newSessionId() };
    const results: ProfileVerification[] = [];
    for (const p of profiles) results.push(await verifyProfile(p, args, deps, io));
    const exitCode = results.some((r) => r.mismatches > 0) ? EXIT.FailedChunks : EXIT.Success;
    if (args.json) io.stdout.write(`${JSON.stringify({ type: 'summary', exitCode, profiles: results })}\n`);
    else {
      for (const r of results) {
        io.stdout.write(`verify ${r.profile} (${r.mode}): ${r.mismatches === 0 ? 'OK' : 'MISMATCHES'}; ${formatCount(r.chunks)} chunks, ${formatCount(r.filesChecked)} files checked, ` +
          `${formatCount(r.filesHashed)} hashed (${formatBytes(r.bytesHashed)} read) in ${formatDuration(r.durationMs)}; ${formatCount(r.mismatches)} mismatch(es), ${formatCount(r.changedInSource)} changed in the source\n`);
      }
    }
    return exitCode;
  } catch (e) {
    if (e instanceof ProfileLockedError) {
      io.stderr.write(`robocurse: ${e.message}\n`);
      return EXIT.Fatal;
    }
    const code = (e as NodeJS.ErrnoException)?.code;
    // A source that cannot be listed: the sentence is enough, no stack trace for users.
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      io.stderr.write(`robocurse: verify: ${(e as Error).message}\n`);
      return EXIT.Fatal;
    }
    return handleCommandError(e, args, io);
  } finally {
    for (const l of locks) l.release();
    store?.close();
    await pools.closeAll();
  }
}
