/**
 * The MSVCRT (CommandLineToArgvW) reading of a command line, for tests that check a command
 * line round-trips: whitespace separates arguments outside quotes; 2n backslashes before `"` give
 * n backslashes and the quote toggles quoting; 2n+1 give n backslashes and a literal `"`;
 * backslashes elsewhere are literal; `""` inside quotes gives a literal `"` (post-2008 rule).
 */
export function parseWindowsCommandLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    for (; i < line.length; i++) {
      const c = line[i];
      if (!quoted && (c === ' ' || c === '\t')) break;
      if (c === '\\') {
        let n = 0;
        while (line[i] === '\\') { n++; i++; }
        if (line[i] === '"') {
          arg += '\\'.repeat(Math.floor(n / 2));
          if (n % 2 === 1) { arg += '"'; continue; }
          i--;
          continue;
        }
        arg += '\\'.repeat(n);
        i--;
        continue;
      }
      if (c === '"') {
        if (quoted && line[i + 1] === '"') { arg += '"'; i++; continue; }
        quoted = !quoted;
        continue;
      }
      arg += c;
    }
    out.push(arg);
  }
  return out;
}
