import { randomBytes } from 'node:crypto';

/** Marks our temp files: `.<name>.robocurse-<hex>.tmp`. */
const TEMP_INFIX = '.robocurse-';
const TEMP_SUFFIX = '.tmp';
/** Leave room for the infix within the 255-byte name limit of common filesystems. */
const MAX_NAME_BYTES_WITH_PREFIX = 220;

/** The 12-hex-digit tag of consecutive number `n` under `prefix` (6 hex digits). */
export function tagOf(prefix: string, n: number): string {
  return prefix + n.toString(16).padStart(6, '0');
}

/**
 * Temp-name tags of one job: a random 24-bit prefix and a counter. randomBytes(6) per file cost
 * ~10 µs (a call into OpenSSL each), a second of CPU per 100,000 files. Tags only need to be
 * unique among the temp files of one job (one job writes a directory); a fresh prefix at each
 * counter wrap keeps them unique far beyond that. Batches reserve a block of consecutive tags,
 * so a copy worker can name its files without shared state.
 */
export class TempTags {
  private prefix = randomBytes(3).toString('hex');
  private counter = 0;

  /** Reserves `n` consecutive tags: tagOf(prefix, first + i) for i < n. */
  reserve(n: number): { prefix: string; first: number } {
    if (this.counter + n > 0x1000000) { this.prefix = randomBytes(3).toString('hex'); this.counter = 0; }
    const first = this.counter;
    this.counter += n;
    return { prefix: this.prefix, first };
  }

  next(): string {
    const r = this.reserve(1);
    return tagOf(r.prefix, r.first);
  }
}

/**
 * A temp name in the same directory as `name`, so the final rename is atomic (same
 * filesystem) and a killed copy never leaves a truncated file under the real name. Hidden
 * (leading dot) so users browsing a destination mid-run are not confused by it.
 */
export function tempNameFor(name: string, tag: string): string {
  const base = Buffer.byteLength(name) > MAX_NAME_BYTES_WITH_PREFIX ? '' : `.${name}`;
  return `${base}${TEMP_INFIX}${tag}${TEMP_SUFFIX}`;
}

/** True for names made by tempNameFor (left behind only by a process that was SIGKILLed). */
export function isTempName(name: string): boolean {
  return name.endsWith(TEMP_SUFFIX) && /\.robocurse-[0-9a-f]{12}\.tmp$/.test(name);
}

/** A temp name without the entry's own name: plain ASCII, for a path handed to mkfifo or mknod. */
export function bareTempName(tag: string): string {
  return `${TEMP_INFIX}${tag}${TEMP_SUFFIX}`;
}
