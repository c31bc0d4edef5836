/** Characters that need no quoting in an ExecStart word. */
const PLAIN = /^[A-Za-z0-9_./:@+=,-]+$/;

/**
 * One ExecStart word. systemd expands specifiers (`%`) over the whole line first, then splits
 * words honouring double quotes with C escapes, and at start replaces `$NAME`/`${NAME}` in the
 * arguments (not in the executable path) — so `%` becomes `%%`, `\` and `"` are escaped inside
 * quotes, and `$` becomes `$$` in arguments. Control characters never get here (refused earlier).
 */
export function execStartWord(word: string, isExecutable: boolean): string {
  const spec = word.replace(/%/g, '%%');
  const env = isExecutable ? spec : spec.replace(/\$/g, '$$$$');
  if (PLAIN.test(word)) return env;
  return `"${env.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The ExecStart= value for an argv (no shell anywhere). */
export function execStartLine(executable: string, args: readonly string[]): string {
  return [execStartWord(executable, true), ...args.map((a) => execStartWord(a, false))].join(' ');
}

/** A free-text setting (Description=): only specifiers are special. */
export function unitText(text: string): string {
  return text.replace(/%/g, '%%');
}
