import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChildLedger, Logger } from '../api';
import { currentOwner, processIdentity } from '../state/process-identity';
import type { LedgerRecord, RecordOwner } from './ledger-records';
import { makeDirsSync } from '../fs/make-dirs';

/** The ledger's directory inside a state directory. */
export function ledgerDir(stateDir: string): string {
  return path.join(stateDir, 'children');
}

/**
 * A ChildLedger kept as one small JSON file per live child or scratch directory in
 * `<stateDir>/children` (0700): written (temp file + rename, so never torn) right after the
 * spawn, removed when the child has exited. What a killed run leaves there is what the next run
 * reaps (reapLeftovers). Files, not database rows: a record must be written in the same tick
 * as the spawn, from any engine, without waiting for the database's write lock.
 *
 * Never throws: a ledger that cannot be written costs the next run its clean-up, not this run
 * its copy; the first failure is logged.
 */
export class FileChildLedger implements ChildLedger {
  private readonly owner: RecordOwner;
  private seq = 0;
  private warned = false;

  constructor(private readonly dir: string, sessionId: string, private readonly logger: Logger) {
    this.owner = { ...currentOwner(), sessionId };
    try { makeDirsSync(dir, 0o700); } catch (err) { this.fail(err); }
  }

  recordChild(pid: number, command: string): () => void {
    return this.write({
      v: 1, kind: 'child', owner: this.owner, pid, identity: processIdentity(pid),
      pgid: process.platform === 'win32' ? null : pid, command, startedAtMs: Date.now(),
    });
  }

  recordScratchDir(dir: string): () => void {
    return this.write({ v: 1, kind: 'scratch', owner: this.owner, dir: path.resolve(dir) });
  }

  private write(record: LedgerRecord): () => void {
    const file = path.join(this.dir, `${this.owner.pid}-${++this.seq}.json`);
    try {
      const tmp = `${file}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
      fs.renameSync(tmp, file);
    } catch (err) {
      this.fail(err);
      return () => undefined;
    }
    return () => {
      try { fs.unlinkSync(file); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.fail(err); }
    };
  }

  private fail(err: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn({ err, dir: this.dir }, `cannot keep the list of running copy processes in ${this.dir}: ${(err as Error)?.message ?? String(err)}; if robocurse is killed, the next run cannot clean up after it`);
  }
}
