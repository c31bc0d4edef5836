import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeName, hasEscapedBytes } from '../../fs/byte-names';
import { mkdirPrivate, openPrivateAppend } from '../../fs/private-files';

/** Written at the latest this long after its first line is buffered (or at the job's end). */
const FLUSH_DELAY_MS = 200;
/** A buffer this large is written at once. */
const FLUSH_BYTES = 65_536;

/**
 * A chunk's rsync log: the command as run, then each line rsync printed (a name that is not UTF-8
 * as its own bytes). Private (0600 in a 0700 folder, never through a planted link). Lines gather
 * into writes of up to 64 KiB, a fifth of a second at most: written one at a time, a 1 % changed
 * re-run of 100k files spent ~0.15 s of the main thread on ~10,000 writes and their callbacks
 * (docs/benchmarks.md, "Session 21"). A log that cannot be written never fails the copy: `onError`
 * hears of it once, and the lines after it are dropped.
 */
export class JobLog {
  private stream: fs.WriteStream | undefined;
  /** Lines not written yet: plain text, and before it the lines that carry raw bytes. */
  private text = '';
  private parts: Buffer[] = [];
  private bytes = 0;
  private timer?: NodeJS.Timeout;
  private closing?: Promise<void>;

  /** Throws when the log cannot be created (the job goes on without one). */
  constructor(file: string, header: string, private readonly onError: (e: NodeJS.ErrnoException) => void) {
    mkdirPrivate(path.dirname(file));
    this.stream = fs.createWriteStream(file, { fd: openPrivateAppend(file) });
    this.stream.on('error', (e: NodeJS.ErrnoException) => {
      this.stream = undefined;
      this.dropBuffered();
      this.onError(e);
    });
    this.stream.write(`${header}\n`);
  }

  line(s: string): void {
    if (!this.stream || this.closing) return;
    if (hasEscapedBytes(s)) {
      this.moveText();
      this.parts.push(encodeName(s), Buffer.from('\n'));
      this.bytes += s.length + 1;
    } else {
      this.text += `${s}\n`;
      this.bytes += s.length + 1;
    }
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
