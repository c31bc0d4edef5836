import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../src/paths';
import { cliPath, runCli, type CliResult, type CliStartOptions } from './run-cli';

/**
 * The CLI the way cron and systemd run it: stdin closed, stdout and stderr pipes (not a
 * terminal), an environment without TERM. `--json` runs give the parsed lines as well.
 */
export interface CronResult extends CliResult {
  /** stdout parsed as JSON lines (only for --json runs; non-JSON lines are an error). */
  lines: Array<Record<string, unknown>>;
  /** The `{type:"summary"}` object of a --json run, if one was printed. */
  summary?: Record<string, unknown>;
}

export async function runCliLikeCron(args: string[], opts: CliStartOptions = {}): Promise<CronResult> {
  const env = { ...opts.env, TERM: 'dumb', FORCE_COLOR: '0' };
  const r = await runCli(args, { ...opts, env });
  const lines: Array<Record<string, unknown>> = [];
  if (args.includes('--json')) {
    for (const l of r.stdout.split('\n')) {
      if (!l.trim()) continue;
      try { lines.push(JSON.parse(l) as Record<string, unknown>); } catch { throw new Error(`--json printed a line that is not JSON: ${l}\nstderr: ${r.stderr}`); }
    }
  }
  return { ...r, lines, summary: lines.find((l) => l.type === 'summary') };
}

/**
 * The CLI on a pseudo-terminal (stdout and stderr are a TTY), through python3's pty module so the
 * argv stays an array. Output is the terminal's (stdout and stderr interleaved, CR/LF).
 */
export function runCliOnPty(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number | null; output: string }> {
  const py = 'import os,pty,sys\nst=pty.spawn(sys.argv[1:])\nsys.exit(os.waitstatus_to_exitcode(st) if st>=0 else 1)';
  const child = spawn('python3', ['-c', py, process.execPath, cliPath(), ...args], {
    cwd: opts.cwd ?? packageRoot(), env: { ...process.env, TERM: 'xterm', COLUMNS: '120', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (b: Buffer) => { output += b.toString('utf8'); });
  child.stderr.on('data', (b: Buffer) => { output += b.toString('utf8'); });
  const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
  return new Promise((resolve) => child.on('close', (code) => { if (timer) clearTimeout(timer); resolve({ code, output }); }));
}

/**
 * A digest of everything under `dir` (names as bytes, types, modes, sizes, mtimes, contents, link
 * targets): equal digests before and after mean nothing there was written, chmod'ed, touched or
 * deleted. Missing `dir` hashes as such.
 */
export function hashTree(dir: string): string {
  const h = createHash('sha256');
  const walk = (abs: Buffer, rel: string): void => {
    const names = fs.readdirSync(abs, { encoding: 'buffer' }).sort(Buffer.compare);
    for (const name of names) {
      const p = Buffer.concat([abs, Buffer.from('/'), name]);
      const r = `${rel}/${name.toString('hex')}`;
      const st = fs.lstatSync(p, { bigint: true });
      h.update(`${r}\0${st.mode}\0${st.uid}:${st.gid}\0${st.size}\0${st.mtimeNs}\0`);
      if (st.isSymbolicLink()) h.update(fs.readlinkSync(p, { encoding: 'buffer' }));
      else if (st.isFile()) h.update(fs.readFileSync(p));
      else if (st.isDirectory()) walk(p, r);
    }
  };
  if (!fs.existsSync(dir)) return 'missing';
  const st = fs.lstatSync(dir, { bigint: true });
  h.update(`.\0${st.mode}\0${st.uid}:${st.gid}\0${st.mtimeNs}\0`);
  if (st.isDirectory()) walk(Buffer.from(dir), '');
  return h.digest('hex');
}

export interface ProcessInfo { pid: number; ppid: number; cmdline: string[] }

/** Live processes (from /proc) whose argv mentions `marker`, e.g. a test's temp directory. */
export function processesMentioning(marker: string): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const ent of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(ent) || Number(ent) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${ent}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (!cmdline.some((a) => a.includes(marker))) continue;
      const stat = fs.readFileSync(`/proc/${ent}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state[0] === 'Z') continue; // a zombie has exited; its parent just has not reaped it
      out.push({ pid: Number(ent), ppid: Number(state[1]), cmdline });
    } catch { /* it exited while we looked */ }
  }
  return out;
}

/** Waits until no process mentions `marker` (or the time is up) and returns what is left. */
export async function waitForNoProcesses(marker: string, timeoutMs = 5000): Promise<ProcessInfo[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const left = processesMentioning(marker);
    if (left.length === 0 || Date.now() > until) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether `rsync -rcn --itemize-changes` (the oracle) sees any difference between two trees. */
export function rsyncDifferences(src: string, dst: string, extra: string[] = []): string[] {
  const r = spawnSync('rsync', ['-rlcn', '--itemize-changes', '--delete', ...extra, `${src}/`, `${dst}/`], { encoding: 'buffer' });
  if (r.status !== 0) throw new Error(`rsync oracle failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout.toString('latin1').split('\n').filter((l) => l.trim() !== '');
}

/** Absolute path helper for fixtures named relative to the package. */
export const fromPackage = (...p: string[]): string => path.join(packageRoot(), ...p);
