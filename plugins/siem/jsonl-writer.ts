import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeUid, formatTrustProblem, mkdirPrivate, pathTrustProblem, PRIVATE_FILE_MODE } from '../../src/plugin';

/** `<dir>/robocurse-siem-YYYY-MM-DD.jsonl` for the date of an ISO timestamp (in its own offset). */
export function dailyFileName(dir: string, timestamp: string): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(timestamp)?.[0] ?? new Date().toISOString().slice(0, 10);
  return path.join(dir, `robocurse-siem-${day}.jsonl`);
}

// O_NOFOLLOW is POSIX only; on Windows the constant is missing and links are the ACL's business.
const APPEND_FLAGS = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | (fs.constants.O_NOFOLLOW ?? 0);

/**
 * Opens a day's file for appending: created 0600 whatever the umask (events name paths, users
 * and errors), never through a symbolic link planted at its name (which would turn our appends
 * into writes to any file the link names), and never a file that someone other than us or root
 * owns (its owner could rewrite the audit trail).
 */
async function openEventFile(file: string): Promise<fs.promises.FileHandle> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, APPEND_FLAGS, PRIVATE_FILE_MODE);
  } catch (e) {
    // O_NOFOLLOW makes open() fail on a link: ELOOP, or EACCES where the kernel checks a sticky
    // folder's link first. Either way, say what is there.
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ELOOP' || code === 'EACCES') && (await fs.promises.lstat(file).catch(() => undefined))?.isSymbolicLink()) {
      throw new Error(`refusing to append SIEM events to ${file}: it is a symbolic link (planted by someone?); remove it`);
    }
    throw e;
  }
  try {
    const st = await handle.stat();
    const uid = process.geteuid?.();
    if (uid !== undefined) {
      if (!st.isFile()) throw new Error(`refusing to append SIEM events to ${file}: it is not a regular file`);
      if (st.uid !== uid && st.uid !== 0) throw new Error(`refusing to append SIEM events to ${file}: it is owned by ${describeUid(st.uid)}, not by you or root`);
      if (st.uid === uid && (st.mode & 0o777) !== PRIVATE_FILE_MODE) await handle.chmod(PRIVATE_FILE_MODE);
    }
    return handle;
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/**
 * Appends JSON lines to daily files. Each line is one write(2) on a descriptor opened with
 * O_APPEND: the kernel positions every write at the end of the file atomically, so lines from
 * several processes (two runs, or a run and a coordinator) never interleave or overwrite each
 * other. Appends are chained, so lines of this writer keep their order.
 */
export class JsonlWriter {
  private current: { file: string; handle: fs.promises.FileHandle } | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string) {}

  /** Appends `record` as one line to the file for `timestamp`'s day. Rejects on I/O errors. */
  append(timestamp: string, record: unknown): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    const file = dailyFileName(this.dir, timestamp);
    const next = this.chain.then(() => this.write(file, line));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Closes the open file; a later append reopens it. Idempotent. */
  close(): Promise<void> {
    const next = this.chain.then(async () => {
      const open = this.current;
      this.current = undefined;
      await open?.handle.close();
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async write(file: string, line: Buffer): Promise<void> {
    if (this.current?.file !== file) {
      await this.current?.handle.close();
      this.current = undefined;
      mkdirPrivate(this.dir);
      // Files are safe from links and strangers (openEventFile); the folders leading to them must
      // be too, or a swapped folder would take the events elsewhere. A shared sticky event folder
      // itself is fine: no one can replace our file in it.
      const unsafe = pathTrustProblem(this.dir, { strictLeaf: false });
      if (unsafe) throw new Error(`refusing to write SIEM events into ${this.dir}: ${formatTrustProblem(unsafe)}`);
      this.current = { file, handle: await openEventFile(file) };
    }
    const { bytesWritten } = await this.current.handle.write(line, 0, line.length);
    // A short write (disk full) cannot be completed by a second write without risking an
    // interleaved line from another process; report it instead.
    if (bytesWritten !== line.length) throw new Error(`short write to ${file}: ${bytesWritten} of ${line.length} bytes (disk full?)`);
  }
}
