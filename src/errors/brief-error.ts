/**
 * An error as one line for people, `message (CODE)`, never its stack (that goes to the JSON log):
 * the human lines on stderr (create-logger.ts) and the messages that name what failed
 * (state-journal.ts). Not an object: as it is. No message: the object as JSON.
 */
export function briefError(err: unknown): string {
  if (err === null || typeof err !== 'object') return String(err);
  const { message, code } = err as { message?: unknown; code?: unknown };
  const text = typeof message === 'string' && message !== '' ? message : JSON.stringify(err);
  return typeof code === 'string' || typeof code === 'number' ? `${text} (${code})` : text;
}
