/**
 * One argument for a Windows command line, quoted so that the MSVC runtime (node.exe) and
 * CommandLineToArgvW split it back to exactly this string: backslashes are literal except
 * before a double quote, where each is doubled and the quote escaped.
 */
export function windowsArg(arg: string): string {
  if (arg !== '' && !/[ \t\n\v"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') { backslashes++; continue; }
    if (ch === '"') out += `${'\\'.repeat(backslashes * 2 + 1)}"`;
    else out += `${'\\'.repeat(backslashes)}${ch}`;
    backslashes = 0;
  }
  return `${out}${'\\'.repeat(backslashes * 2)}"`;
}

export function windowsCommandLine(args: readonly string[]): string {
  return args.map(windowsArg).join(' ');
}

/** A PowerShell single-quoted string literal. */
export function psString(s: string): string {
  return `'${s.replace(/'/g, "''").replace(/[\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** argv of a PowerShell script passed as -EncodedCommand (base64 of UTF-16LE): no quoting at all. */
export function powershellArgv(script: string): string[] {
  return ['powershell.exe', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')];
}
