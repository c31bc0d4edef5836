/**
 * Checks for option values, run by yargs while it parses (as `coerce` functions): a throw here is
 * a usage error (exit 2) before any command starts, so `--max-jobs abc` or `--config` given twice
 * never reaches a handler that reads a config or copies a byte.
 */

/** A single value: yargs turns a repeated option into an array, which no single-valued option means. */
function single(label: string, v: unknown): unknown {
  if (Array.isArray(v)) throw new Error(`${label} given ${v.length} times; give it once`);
  return v;
}

/**
 * A number option (`label` as the user typed it: `--max-jobs`, `<value>`): finite, at least
 * `min`, whole when `integer`. yargs hands over NaN for `abc`, so the original text is not known.
 */
export function numberArg(label: string, opts: { min: number; integer: boolean }): (v: unknown) => number {
  return (raw) => {
    const v = single(label, raw);
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) throw new Error(`${label}: expected ${opts.integer ? `a whole number >= ${opts.min}` : 'a number'}`);
    if (opts.integer && !Number.isInteger(n)) throw new Error(`${label}: expected a whole number, got ${n}`);
    if (n < opts.min) throw new Error(`${label}: expected a number >= ${opts.min}, got ${n}`);
    return n;
  };
}

/** A string option given once, with a non-empty value. */
export function stringArg(label: string): (v: unknown) => string {
  return (raw) => {
    const v = single(label, raw);
    if (typeof v !== 'string' || v === '') throw new Error(`${label}: expected a value`);
    return v;
  };
}

/** A code page iconv-lite can decode: `850`, `cp932`, `1252` → `cp850`, `cp932`, `cp1252`. */
export function codePageArg(label: string): (v: unknown) => string {
  return (raw) => {
    const v = single(label, raw);
    try {
      // Loaded only when the option is given: iconv-lite's tables cost every other command's start-up.
      const { codePageName } = require('../engines/robocopy/log/encoding') as typeof import('../engines/robocopy/log/encoding');
      return codePageName(String(v));
    } catch {
      throw new Error(`${label}: expected a code page number such as 850, 932 or 1252, got ${String(v)}`);
    }
  };
}
