import * as os from 'node:os';
import { displayName } from '../../fs/byte-names';
import type { RsyncFileError } from './parse-protocol';
import { unescapeRsyncName } from './unescape';

/** errno number → name (EACCES...), from this platform's table (rsync reports the same numbers). */
const ERRNO_NAMES = new Map(Object.entries(os.constants.errno).map(([name, n]) => [n, name]));

/** Failures of a file rsync had already counted as transferred (sender open, receiver write). */
const TRANSFER_FAILURE = /send_files failed|mkstemp|rename|write failed|recv_files|failed verification|read errors mapping/;

/**
 * `rsync: [sender] send_files failed to open "/p": Permission denied (13)` and the like.
 * The path is between the first and the last double quote (a name may hold quotes itself);
 * the errno, when rsync had one, closes the line in parentheses.
 */
const RSYNC_LINE = /^rsync: (?:\[(\w+)\] )?(.*)$/;
const QUOTED = /"(.*)"/;
const ERRNO = /: ([^:]*?) \((\d+)\)$/;
const VANISHED = /^file has vanished: "(.*)"$/;
/** The generator could not delete what stands where a source entry goes (a non-empty directory...). */
const NO_WAY = /^could not make way for new [a-z ]+?: (.*)$/;

/**
 * Per-path errors from rsync's stderr. Lines without a path (the closing `rsync error: ...
 * (code 23)` summary, connection messages) are not per-file errors and are left to the exit
 * code. Duplicates (same path and message) are reported once. `path` is the file's name as
 * robocurse carries it (bytes that are not UTF-8 surrogate-escaped, so it reaches the file);
 * `message` is for people, with such bytes shown as `\xNN`.
 */
export function parseRsyncErrors(stderr: string): RsyncFileError[] {
  const out: RsyncFileError[] = [];
  const seen = new Set<string>();
  const add = (e: RsyncFileError): void => {
    const key = `${e.path}\u0000${e.message}`;
    if (!seen.has(key)) { seen.add(key); out.push(e); }
  };
  for (const rawLine of stderr.split(/\r?\n/)) {
    const line = rawLine.trimEnd();
    const vanished = line.match(VANISHED);
    if (vanished) {
      add({ path: unescapeRsyncName(vanished[1]), code: 'ENOENT', message: 'file has vanished', role: 'sender', transfer: false, vanished: true });
      continue;
    }
    const blocked = line.match(NO_WAY);
    if (blocked) {
      add({ path: unescapeRsyncName(blocked[1]), code: 'RSYNC', message: displayName(unescapeRsyncName(line)), role: 'generator', transfer: false, vanished: false });
      continue;
    }
    const m = line.match(RSYNC_LINE);
    if (!m) continue;
    const body = m[2];
    const quoted = body.match(QUOTED);
    if (!quoted) continue;
    const errno = body.match(ERRNO);
    const code = errno ? (ERRNO_NAMES.get(Number(errno[2])) ?? errno[2]) : 'RSYNC';
    add({
      path: unescapeRsyncName(quoted[1]),
      code,
      message: displayName(unescapeRsyncName(body)),
      role: (m[1] ?? '').toLowerCase(),
      transfer: TRANSFER_FAILURE.test(body),
      vanished: false,
    });
  }
  return out;
}
