/** How a time-limited call ended. */
export type TimedOutcome =
  | { status: 'ok' }
  | { status: 'failed'; error: unknown }
  | { status: 'timeout'; pending: Promise<unknown> };

/**
 * Runs `fn` and waits at most `timeoutMs` for it. A call that throws synchronously or rejects is
 * 'failed'; one still running at the deadline is 'timeout' and goes on in the background: its
 * later rejection is swallowed (the caller already logged the timeout), and `pending` lets the
 * caller know when it finally settles.
 */
export async function callWithTimeLimit(fn: () => unknown, timeoutMs: number): Promise<TimedOutcome> {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    return { status: 'failed', error };
  }
  if (!(result instanceof Promise) && typeof (result as { then?: unknown } | undefined)?.then !== 'function') return { status: 'ok' };
  const pending = Promise.resolve(result).then(() => undefined, (error: unknown) => ({ error }));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
  try {
    const settled = await Promise.race([pending, timeout]);
    if (settled === 'timeout') return { status: 'timeout', pending };
    return settled ? { status: 'failed', error: settled.error } : { status: 'ok' };
  } finally {
    clearTimeout(timer);
  }
}
