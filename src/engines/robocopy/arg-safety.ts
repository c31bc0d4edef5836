import { RobocopyArgumentError } from './errors';

/**
 * Characters refused in anything handed to robocopy. robocopy is started with an argv array,
 * never through cmd.exe, so `& % ^` are ordinary characters (a folder named `R&D` is common and
 * must copy); Node turns the argv into one CreateProcess command line by the MSVCRT quoting rules
 * (see windows-command-line.ts), which robocopy reads back unchanged. What stays refused cannot
 * be in a Windows file name anyway and would only make a value mean something else: `"` (the
 * quoting character itself), `| < >`, and control characters (they also corrupt robocopy's log and
 * our parsing of it). C0/C1 controls, DEL and the Unicode line/paragraph separators count as
 * control characters.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029"|<>]/u;

/** Wildcards are fine in /XF /XD patterns but never in a source or destination path. */
const WILDCARD = /[*?]/;

function describe(ch: string): string {
  const cp = ch.codePointAt(0)!;
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029
    ? `control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
    : `character ${JSON.stringify(ch)}`;
}

/** Throws RobocopyArgumentError when `value` holds a character robocurse never passes on. */
export function assertSafeArgument(value: string, configKey: string): void {
  const m = UNSAFE.exec(value);
  if (m) throw new RobocopyArgumentError('ROBOCOPY_UNSAFE_ARGUMENT', value, configKey, `contains a forbidden ${describe(m[0])}`);
}

/**
 * Throws when `value` would read as a switch: robocopy takes every argument that starts with `/`
 * as one (and `-` is refused too, as the other switch prefix of Windows tools), wherever it
 * stands, so an exclude pattern `/MOVE` after `/XF` would move (delete) the source.
 */
export function assertNotSwitchLike(value: string, configKey: string): void {
  if (/^\s*[/-]/.test(value)) {
    throw new RobocopyArgumentError('ROBOCOPY_SWITCH_LIKE', value, configKey,
      'starts with \'/\' or \'-\', which robocopy would read as a switch; name directories relative to the source (e.g. "cache\\old") or by drive path (D:\\...)');
  }
}

/**
 * Absolute forms robocopy is given: `D:\x`, UNC `\\server\share\x`, and POSIX `/x` (only the
 * fake robocopy on Linux sees those; the config layer makes Windows paths absolute). A single
 * leading `\` (current drive) and `C:x` (drive-relative) are refused: their meaning depends on
 * the process's current directory.
 */
const ABSOLUTE = /^(?:[A-Za-z]:[\\/]|[\\/]{2}[^\\/]+[\\/][^\\/]+|\/(?![\\/]))/;

/** A drive root such as `D:\` or `D:/`. */
const DRIVE_ROOT = /^[A-Za-z]:[\\/]+$/;

/**
 * Checks a source or destination directory and shapes it so no layer can misread it:
 * trailing separators are stripped, because `"C:\dir\"` on a Windows command line ends in `\"`,
 * which MSVCRT rules read as an escaped quote and glue to the next argument. A drive root keeps a
 * separator (`D:` alone would mean "the current directory on D:") and becomes `D:\.`, which
 * survives quoting and still names the root. UNC roots `\\server\share\` become
 * `\\server\share`. POSIX paths (the fake robocopy on Linux) keep their `/`.
 */
export function normaliseDirArgument(value: string, configKey: string): string {
  assertSafeArgument(value, configKey);
  if (WILDCARD.test(value)) {
    throw new RobocopyArgumentError('ROBOCOPY_UNSAFE_ARGUMENT', value, configKey, 'contains a wildcard (* or ?), which robocopy would read as a file filter');
  }
  if (!ABSOLUTE.test(value)) {
    throw new RobocopyArgumentError('ROBOCOPY_RELATIVE_PATH', value, configKey, 'is not an absolute path (use D:\\dir or \\\\server\\share\\dir)');
  }
  if (DRIVE_ROOT.test(value)) return `${value.slice(0, 2)}\\.`;
  if (/^\/+$/.test(value)) return '/';
  return value.replace(/[\\/]+$/, '');
}
