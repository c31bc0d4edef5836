import { BatchedAppendFile } from '../../fs/batched-append-file';
import { encodeName, hasEscapedBytes } from '../../fs/byte-names';

/**
 * A chunk's rsync log: the command as run, then each line rsync printed (a name that is not UTF-8
 * as its own bytes), in a private file written in batches (BatchedAppendFile): written one at a
 * time, a 1 % changed re-run of 100k files spent ~0.15 s of the main thread on ~10,000 writes and
 * their callbacks (docs/benchmarks.md, "Session 21"). A log that cannot be written never fails the
 * copy: `onError` hears of it once, and the lines after it are dropped.
 */
export class JobLog {
  private readonly out: BatchedAppendFile;

  /** Throws when the log cannot be created (the job goes on without one). */
  constructor(file: string, header: string, onError: (e: NodeJS.ErrnoException) => void) {
    this.out = new BatchedAppendFile(file, `${header}\n`, onError);
  }

  line(s: string): void {
    if (hasEscapedBytes(s)) this.out.add(Buffer.concat([encodeName(s), Buffer.from('\n')]));
    else this.out.add(`${s}\n`);
  }

  /** Writes what is buffered and closes the file; settles also after a write error. Idempotent. */
  close(): Promise<void> {
    return this.out.close();
  }
}
