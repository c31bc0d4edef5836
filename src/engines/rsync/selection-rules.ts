import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasSizeAgeFilter, selectsFile, type Chunk, type CopyOptions } from '../../api';
import { decodeName, encodeName, fsPath } from '../../fs/byte-names';
import { mkdirPrivate, openPrivateAppend } from '../../fs/private-files';
import { makeExcludeMatcher, type ExcludeMatcher } from '../../scan/exclude-matcher';
import { literalPattern } from './filter-rules';

type Side = 'source' | 'destination';

/** Where the rules of one attempt go: next to its log (private), else a fresh private temp folder. */
export function selectionRulesPath(chunk: Chunk, logPath: string | undefined): string {
  if (logPath) return `${logPath.replace(/\.log$/, '')}.rules`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-rsync-rules-'));
  return path.join(dir, `${chunk.id.replace(/[^A-Za-z0-9._-]+/g, '_')}.rules`);
}

/**
 * rsync has no age filter, and its --max-size/--min-size leave a mirror free to delete the
 * destination files they skip. So the size and age filters become per-file rules, written before
 * rsync starts (one walk of the chunk on both sides, links never followed): `- /path` for each
 * source file the filters leave out (not sent; and an excluded name is never deleted on the
 * receiver), `P /path` for each destination file they leave out (never deleted, even as an
 * extra). NUL-terminated (`--from0`): a name may hold a newline. Returns the number of rules.
 */
export async function writeSelectionRules(chunk: Chunk, options: Pick<CopyOptions, 'sizeAge' | 'excludeFiles' | 'excludeDirs' | 'caseInsensitive' | 'includeFiles'>, file: string, top: string | undefined): Promise<number> {
  const rules: Buffer[] = [];
  if (hasSizeAgeFilter(options.sizeAge)) {
    const matcher = makeExcludeMatcher(options, { sourceRoot: sourceRootOf(chunk) });
    const anchor = top === undefined ? '' : `/${top}`;
    for (const side of ['source', 'destination'] as const) {
      const root = side === 'source' ? chunk.sourcePath : chunk.destinationPath;
      await walk(root, '', chunk, matcher, options.sizeAge, (rel) => {
        rules.push(Buffer.concat([Buffer.from(side === 'source' ? '- ' : 'P '), encodeName(literalPattern(`${anchor}/${rel}`)), Buffer.of(0)]));
      }, side);
    }
  }
  mkdirPrivate(path.dirname(file));
  fs.rmSync(file, { force: true });
  const fd = openPrivateAppend(file);
  try { fs.writeSync(fd, Buffer.concat(rules)); } finally { fs.closeSync(fd); }
  return rules.length;
}

/** The profile's source root, as the exclude matcher wants it (chunk.sourcePath minus relPath). */
function sourceRootOf(chunk: Chunk): string {
  if (chunk.relPath === '') return chunk.sourcePath;
  const src = chunk.sourcePath.replace(/\/+$/, '');
  return src.endsWith(`/${chunk.relPath}`) ? src.slice(0, -(chunk.relPath.length + 1)) || '/' : chunk.sourcePath;
}

async function walk(
  dir: string, rel: string, chunk: Chunk, matcher: ExcludeMatcher, filter: CopyOptions['sizeAge'],
  leftOut: (rel: string) => void, side: Side,
): Promise<void> {
  let entries: fs.Dirent<Buffer>[];
  try {
    entries = await fs.promises.readdir(fsPath(dir), { withFileTypes: true, encoding: 'buffer' });
  } catch (err) {
    // The destination may not exist yet; an unreadable source directory is rsync's to report.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || side === 'source') return;
    throw err;
  }
  const below: Promise<void>[] = [];
  for (const d of entries) {
    const name = decodeName(d.name);
    const childRel = rel ? `${rel}/${name}` : name;
    const abs = path.join(dir, name);
    if (d.isDirectory()) {
      const rootRel = chunk.relPath ? `${chunk.relPath}/${childRel}` : childRel;
      if (chunk.kind === 'files-only' || matcher.excludesDir(name, rootRel)) continue;
      below.push(walk(abs, childRel, chunk, matcher, filter, leftOut, side));
    } else if (d.isFile() && !matcher.excludesFile(name)) {
      const st = await fs.promises.lstat(fsPath(abs)).catch(() => undefined);
      if (st?.isFile() && !selectsFile(filter, st.size, st.mtimeMs)) leftOut(childRel);
    }
  }
  await Promise.all(below);
}
