/**
 * Holds the event loop open until the returned function is called. A run owns one from before it
 * takes its locks to after its notifiers are flushed and its locks released: whatever it awaits
 * in between (a retry's backoff, a pause, a slow mail server behind an unref()'d timer), the
 * process cannot end by the loop running dry with the run half done. Idempotent release.
 */
export function holdEventLoop(): () => void {
  // An interval with nothing to do: the cheapest ref'd handle Node offers (one timer, ~25 days).
  const handle = setInterval(() => undefined, 0x7fffffff);
  return () => clearInterval(handle);
}
