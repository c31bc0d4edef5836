import * as fs from 'node:fs';
import * as path from 'node:path';
import { mkdirPrivate, openPrivateAppend } from './private-files';

/** Written at the latest this long after the first text is buffered (or at close). */
const FLUSH_DELAY_MS = 200;
/** A buffer this large is written at once. */
const FLUSH_BYTES = 65_536;

/**
 * A private log file (0600 in a 0700 folder, never opened through a planted link) that a run
 * appends to many times a second: text gathers into writes of up to 64 KiB, a fifth of a second
 * at most, instead of one write and callback per line (files.log of a 100k-file copy, an rsync
 * chunk log: docs/benchmarks.md, sessions 6 and 21). A file that cannot be written never fails
 * the run: `onError` hears of it once, and what comes after is dropped.
 */
export class BatchedAppendFile {
  private stream: fs.WriteStream | undefined;
  /** Not written yet: the plain text, and before it the parts that carry raw bytes. */
  private text = '';
  private parts: Buffer[] = [];
  private bytes = 0;
  private timer?: NodeJS.Timeout;
  private closing?: Promise<void>;

  /** Throws when the file cannot be created. `header` is written at once. */
  constructor(readonly file: string, header: string, private readonly onError: (e: NodeJS.ErrnoException) => void) {
    mkdirPrivate(path.dirname(file));
    this.stream = fs.createWriteStream(file, { fd: openPrivateAppend(file) });
    this.stream.on('error', (e: NodeJS.ErrnoException) => {
      this.stream = undefined;
      this.dropBuffered();
      this.onError(e);
    });
    this.stream.write(header);
  }

  /** Whether what is added still reaches the file (not failed, not closing). */
  get open(): boolean {
    return this.stream !== undefined && this.closing === undefined;
  }

  /** Text as it is, or bytes (a name that is not UTF-8). */
  add(chunk: string | Buffer): void {
    if (!this.open) return;
    if (typeof chunk === 'string') this.text += chunk;
    else {
      this.moveText();
      this.parts.push(chunk);
    }
    this.bytes += chunk.length;
    if (this.bytes >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS).unref();
  }

  /** Writes what is buffered and closes the file; settles also after a write error. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      this.flush();
      const stream = this.stream;
      this.stream = undefined;
      if (!stream || stream.closed || stream.destroyed) { resolve(); return; }
      // 'close' follows both a normal end and a write error (autoDestroy).
      stream.once('close', () => resolve());
      stream.end();
    });
    return this.closing;
  }

  private moveText(): void {
    if (!this.text) return;
    this.parts.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }

  private flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (!this.stream || this.bytes === 0) return;
    if (this.parts.length === 0) this.stream.write(this.text);
    else {
      this.moveText();
      this.stream.write(Buffer.concat(this.parts));
    }
    this.dropBuffered();
  }

  private dropBuffered(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    this.text = '';
    this.parts = [];
    this.bytes = 0;
  }
}
