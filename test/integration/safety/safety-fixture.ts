import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { processesMentioning, waitForNoProcesses } from '../../helpers/cli-child';

/** A run's directory: source, destination, victim outside both, config, state and logs. */
export interface SafetyDirs {
  root: string;
  src: string;
  dst: string;
  victim: string;
  cfg: string;
}

export interface ProfileOver {
  engine: 'native' | 'rsync';
  mirror: boolean;
  /** flat chunking depth (1: every top-level directory is its own chunk). */
  depth?: number;
  bandwidthLimitMbps?: number;
  maxAttempts?: number;
}

/** Writes the config of one profile `p` (src → dst) with prompt retries and one job at a time. */
export function writeSafetyConfig(d: SafetyDirs, o: ProfileOver): void {
  fs.writeFileSync(d.cfg, JSON.stringify({
    version: 1,
    global: { logDir: path.join(d.root, 'logs'), stateDir: path.join(d.root, 'state'), maxConcurrentJobs: 1 },
    profiles: {
      p: {
        source: d.src, destination: d.dst, engine: o.engine, mirror: o.mirror,
        chunking: { mode: 'flat', maxDepth: o.depth ?? 1 },
        retry: { maxAttempts: o.maxAttempts ?? 2, backoffSeconds: 0, maxBackoffSeconds: 0, engineRetries: 0, engineWaitSeconds: 0 },
        ...(o.bandwidthLimitMbps ? { bandwidthLimitMbps: o.bandwidthLimitMbps } : {}),
      },
    },
  }, null, 2));
}

/** Every byte under `dir` as one buffer (to look for a secret's content anywhere in a tree). */
export function allContent(dir: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (p: string): void => {
    for (const name of fs.readdirSync(p)) {
      const abs = path.join(p, name);
      const st = fs.lstatSync(abs);
      if (st.isDirectory()) walk(abs); else if (st.isFile()) parts.push(fs.readFileSync(abs));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return Buffer.concat(parts);
}

/** Polls `cond` every 10 ms until true; fails after `ms` (generous: the machine is shared). */
export async function until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Names in `dir` that look like a temp copy of `name` (native `.name.robocurse-…tmp`, rsync `.name.XXXXXX`). */
export function tempOf(dir: string, name: string): boolean {
  const has = (d: string, prefixes: string[]): boolean => {
    try {
      return fs.readdirSync(d).some((n) => prefixes.some((p) => n.startsWith(p)));
    } catch {
      return false; // not there (yet)
    }
  };
  if (has(dir, [`.${name}.`])) return true;
  // rsync jobs keep their temp files (`name.XXXXXX`, no leading dot with --temp-dir) in a scratch
  // directory (.robocurse-tmp-*) directly inside the chunk's destination: `dir` or a parent.
  for (let d = dir, i = 0; i < 3; i++, d = path.dirname(d)) {
    let scratch: string[] = [];
    try { scratch = fs.readdirSync(d).filter((n) => n.startsWith('.robocurse-tmp-')); } catch { /* not there (yet) */ }
    if (scratch.some((s) => has(path.join(d, s), [`${name}.`, `.${name}.`]))) return true;
  }
  return false;
}

/** No copier (rsync, worker) left behind that mentions the test's directory. */
export async function expectNoCopierLeft(root: string): Promise<void> {
  const left = await waitForNoProcesses(root, 10_000);
  expect(left.map((p) => p.cmdline.join(' ')), 'processes left behind').to.deep.equal([]);
  expect(processesMentioning(root)).to.deep.equal([]);
}

/** Swaps directory `p` for a symbolic link to `target`, keeping the directory beside it. */
export function swapForLink(p: string, target: string): void {
  fs.renameSync(p, `${p}.moved`);
  fs.symlinkSync(target, p);
}
