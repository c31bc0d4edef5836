import { randomBytes } from 'node:crypto';

/** Marks our temp files: `.<name>.robocurse-<hex>.tmp`. */
const TEMP_INFIX = '.robocurse-';
const TEMP_SUFFIX = '.tmp';
/** Leave room for the infix within the 255-byte name limit of common filesystems. */
const MAX_NAME_BYTES_WITH_PREFIX = 220;

/**
 * 12 hex digits: a random 24-bit prefix per thread and a counter. randomBytes(6) per file cost
 * ~10 µs (a call into OpenSSL each): a second of CPU per 100,000 files. Names only need to be
 * unique among the temp files of this thread's in-flight copies (one job writes a directory), and
 * a fresh prefix at each counter wrap keeps them unique far beyond that.
 */
let prefix = '';
let counter = 0x1000000;
function nextTag(): string {
  if (counter >= 0x1000000) { prefix = randomBytes(3).toString('hex'); counter = 0; }
  return prefix + (counter++).toString(16).padStart(6, '0');
}

/**
 * A temp name in the same directory as `name`, so the final rename is atomic (same
 * filesystem) and a killed copy never leaves a truncated file under the real name. Hidden
 * (leading dot) so users browsing a destination mid-run are not confused by it.
 */
export function tempNameFor(name: string): string {
  const tag = nextTag();
  const base = Buffer.byteLength(name) > MAX_NAME_BYTES_WITH_PREFIX ? '' : `.${name}`;
  return `${base}${TEMP_INFIX}${tag}${TEMP_SUFFIX}`;
}

/** True for names made by tempNameFor (left behind only by a process that was SIGKILLed). */
export function isTempName(name: string): boolean {
  return name.endsWith(TEMP_SUFFIX) && /\.robocurse-[0-9a-f]{12}\.tmp$/.test(name);
}
