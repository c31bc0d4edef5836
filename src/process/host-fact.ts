/**
 * A fact about the host and the build (a program that works here, a kernel feature), found on
 * first use and then kept for the life of the process: it does not change while we run, and
 * finding it may start a probe process. One cache per fact, in the closure, not in module state
 * a caller could reset.
 */
export function hostFact<T>(find: () => T): () => T {
  let found: { value: T } | undefined;
  return () => (found ??= { value: find() }).value;
}
