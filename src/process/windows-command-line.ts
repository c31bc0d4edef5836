/**
 * The command line Node hands to CreateProcess for `spawn(file, args)` on Windows (shell off,
 * windowsVerbatimArguments off): argv[0] is `file`, and libuv's make_program_args quotes each
 * element with quote_cmd_arg and joins them with single spaces (deps/uv/src/win/process.c).
 * robocopy and PowerShell split it again by the MSVCRT rules, which these quotes are made for.
 *
 * A Windows program receives one string, not an argv: this is what robocopy actually reads, so
 * tests can check that `R&D`, spaces, quotes and trailing backslashes reach it intact.
 */
export function windowsCommandLine(argv: readonly string[]): string {
  return argv.map(quoteCmdArg).join(' ');
}

/**
 * libuv's quote_cmd_arg:
 * - empty → `""`;
 * - no space, tab or `"` → as is (so `R&D`, `50%` and `a^b` stay bare: only cmd.exe would care,
 *   and none is involved);
 * - no `"` and no `\` → wrapped in quotes;
 * - otherwise wrapped in quotes, every `"` preceded by a backslash, and every run of backslashes
 *   that precedes a `"` or the closing quote doubled (MSVCRT reads 2n backslashes before a quote
 *   as n literal ones, and 2n+1 as n plus a literal quote).
 */
export function quoteCmdArg(arg: string): string {
  if (arg === '') return '""';
  if (!/[ \t"]/.test(arg)) return arg;
  if (!/["\\]/.test(arg)) return `"${arg}"`;
  // libuv walks the string backwards: backslashes are doubled while they run up to a quote
  // (or the end); any other character ends the run.
  let out = '';
  let quoteHit = true;
  for (let i = arg.length - 1; i >= 0; i--) {
    const c = arg[i];
    out = c + out;
    if (quoteHit && c === '\\') {
      out = `\\${out}`;
    } else if (c === '"') {
      quoteHit = true;
      out = `\\${out}`;
    } else {
      quoteHit = false;
    }
  }
  return `"${out}"`;
}
