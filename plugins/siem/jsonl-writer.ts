import * as fs from 'node:fs';
import * as path from 'node:path';

/** `<dir>/robocurse-siem-YYYY-MM-DD.jsonl` for the date of an ISO timestamp (in its own offset). */
export function dailyFileName(dir: string, timestamp: string): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(timestamp)?.[0] ?? new Date().toISOString().slice(0, 10);
  return path.join(dir, `robocurse-siem-${day}.jsonl`);
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
      await fs.promises.mkdir(this.dir, { recursive: true });
      this.current = { file, handle: await fs.promises.open(file, 'a', 0o640) };
    }
    const { bytesWritten } = await this.current.handle.write(line, 0, line.length);
    // A short write (disk full) cannot be completed by a second write without risking an
    // interleaved line from another process; report it instead.
    if (bytesWritten !== line.length) throw new Error(`short write to ${file}: ${bytesWritten} of ${line.length} bytes (disk full?)`);
  }
}
