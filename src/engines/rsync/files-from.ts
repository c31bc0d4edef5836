import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk } from '../../api';
import { encodeName } from '../../fs/byte-names';
import { mkdirPrivate, openPrivateAppend } from '../../fs/private-files';
import { selectionRulesPath } from './selection-rules';

/** Where an attempt's file list goes: next to its log (private), never in the destination. */
export function filesFromPath(chunk: Chunk, logPath: string | undefined): string {
  return selectionRulesPath(chunk, logPath).replace(/\.rules$/, '.files');
}

/**
 * Writes the file list of a file-only attempt (CopyOptions.onlyFiles) for `--files-from` with
 * `--from0`: each name as its bytes (byte-names.ts), NUL-terminated, relative to the source
 * operand: below `top/` when the chunk is named as an entry of its parent (argv.ts).
 */
export function writeFilesFrom(file: string, relPaths: readonly string[], top: string | undefined): void {
  const names = relPaths.map((p) => Buffer.concat([encodeName(top === undefined ? p : `${top}/${p}`), Buffer.of(0)]));
  mkdirPrivate(path.dirname(file));
  fs.rmSync(file, { force: true });
  const fd = openPrivateAppend(file);
  try { fs.writeSync(fd, Buffer.concat(names)); } finally { fs.closeSync(fd); }
}
