import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ScheduleOp } from './backend';
import { firstLine, type CommandRunner } from './runner';
import { ScheduleOpError } from '../errors/schedule-errors';
import { makeDirsSync } from '../fs/make-dirs';

export { ScheduleOpError };


/** A file under its final name is always complete: temp name in the same directory, then rename. */
function writeAtomic(file: string, content: string): void {
  makeDirsSync(path.dirname(file));
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { mode: 0o644, flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export function argvText(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./:@%+=,\\-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** Runs the steps in order and stops at the first that fails. */
export async function executeOps(ops: readonly ScheduleOp[], runner: CommandRunner, env: NodeJS.ProcessEnv): Promise<string[]> {
  const done: string[] = [];
  for (const op of ops) {
    // A file or start that fails (EACCES without root, ENOENT) is a failed step like any other.
    const failed = (what: string, e: unknown): ScheduleOpError => new ScheduleOpError(op, `${what}: ${(e as NodeJS.ErrnoException).code ?? ''} ${(e as Error).message}`.trim());
    if (op.kind === 'write') {
      try { writeAtomic(op.path, op.content); } catch (e) { throw failed(`cannot write ${op.path}`, e); }
      done.push(`wrote ${op.path}`);
      continue;
    }
    if (op.kind === 'delete') {
      try { fs.rmSync(op.path, { force: true }); } catch (e) { throw failed(`cannot remove ${op.path}`, e); }
      done.push(`removed ${op.path}`);
      continue;
    }
    if (op.kind === 'detach') {
      let pid: number;
      try { pid = await runner.startDetached(op.argv, op.cwd); } catch (e) { throw failed(`cannot start ${argvText(op.argv)}`, e); }
      done.push(`started pid ${pid}: ${argvText(op.argv)}`);
      continue;
    }
    let tmpDir: string | undefined;
    let argv = op.argv;
    try {
      if (op.payload) {
        // A private directory: another local user cannot swap the file between write and read.
        tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-schedule-'));
        const file = path.join(tmpDir, op.payload.name);
        fs.writeFileSync(file, op.payload.content, { mode: 0o600 });
        argv = argv.map((a) => (a === '{payload}' ? file : a));
      }
      const r = await runner.run(argv, { stdin: op.stdin, env: { ...env, LC_ALL: 'C' } });
      if (!(op.okCodes ?? [0]).includes(r.code ?? -1)) throw new ScheduleOpError(op, `${argvText(op.argv)} failed (${op.why}): ${firstLine(r)}`);
      if (op.expectStdout && !r.stdout.equals(op.expectStdout)) {
        throw new ScheduleOpError(op, `${argvText(op.argv)}: changed since it was read (${op.why}); nothing was written: run the command again`);
      }
      done.push(`ran ${argvText(op.argv)}`);
    } finally {
      if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
    }
  }
  return done;
}
