/**
 * `profiles.<name>.maxDeletes`: how many destination entries one chunk of a mirror may delete.
 * A count (`500`) or a percentage of the destination entries in the chunk's scope (`"5%"`).
 */
export type MaxDeletes = { count: number } | { percent: number };

const PERCENT = /^\s*(\d{1,3}(?:\.\d+)?)\s*%\s*$/;

/** Parses a config value; undefined when it is neither a whole count >= 0 nor a percentage 0-100. */
export function parseMaxDeletes(value: unknown): MaxDeletes | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? { count: value } : undefined;
  if (typeof value !== 'string') return undefined;
  const m = PERCENT.exec(value);
  if (!m) return undefined;
  const percent = Number(m[1]);
  return percent <= 100 ? { percent } : undefined;
}

/**
 * The count a percentage allows for `entries` destination entries: rounded down, because the
 * limit is a promise ("never more than 5%"), so a chunk of 10 entries may delete none at 5%.
 */
export function deleteLimitFor(limit: MaxDeletes, entries: number): number {
  return 'count' in limit ? limit.count : Math.floor((limit.percent * entries) / 100);
}

/** As the user wrote it, for messages: `500` or `"5%"`. */
export function describeMaxDeletes(limit: MaxDeletes): string {
  return 'count' in limit ? String(limit.count) : `"${limit.percent}%"`;
}
