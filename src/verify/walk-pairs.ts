import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeName, fsPath } from '../fs/byte-names';
import { makeExcludeMatcher } from '../scan/exclude-matcher';
import { compareFacts, factsOf } from './compare-meta';
import { inSample } from './sample';
import type { RawFinding, ScanChunkResult, ScanChunkTask } from './verify-protocol';


const errCode = (e: unknown): string => (e as NodeJS.ErrnoException)?.code ?? String(e);

function lstatOrCode(p: string): fs.Stats | string {
  try { return fs.lstatSync(fsPath(p)); } catch (e) { return errCode(e); }
}

/** How the destination directory of a source directory stands. */
type DestDir = 'dir' | { kind: 'missing' | 'type' | 'unreadable'; detail: string };

function destDirState(p: string): DestDir {
  const st = lstatOrCode(p);
  if (typeof st === 'string') {
    return st === 'ENOENT' || st === 'ENOTDIR' ? { kind: 'missing', detail: 'directory missing in the destination' } : { kind: 'unreadable', detail: `destination directory cannot be read (${st})` };
  }
  // A link is never followed in the destination, even one pointing at a directory.
  return st.isDirectory() ? 'dir' : { kind: 'type', detail: `the destination has a ${st.isSymbolicLink() ? 'symbolic link' : 'file'} where the source has a directory` };
}

/**
 * Walks one chunk's source (regular files; links and special files are not copied as files and
 * are not compared) and looks at each file's copy: present, a regular file, same size, and
 * same time and mode where the engine keeps them. Files that agree and fall in the hash sample
 * are returned for hashing. Synchronous: it runs on a worker thread. Excluded files and
 * directories are left out as the copy left them out. A destination directory that is missing
 * (or is a link) is one finding, not one per file below it.
 */
export function scanChunk(task: ScanChunkTask): ScanChunkResult {
  const matcher = makeExcludeMatcher(task.excludes);
  const out: ScanChunkResult = { filesChecked: 0, findings: [], unlisted: 0, toHash: [] };
  const add = (f: RawFinding): void => {
    if (out.findings.length < task.maxFindings) out.findings.push(f); else out.unlisted++;
  };
  const join = (base: string, rel: string): string => (rel ? path.join(base, ...rel.split('/')) : base);
  const rootRelOf = (r: string): string => (task.relBase ? `${task.relBase}/${r}` : r);

  const checkFile = (r: string): void => {
    out.filesChecked++;
    const s = lstatOrCode(join(task.sourceDir, r));
    if (typeof s === 'string') {
      if (s === 'ENOENT') add({ rel: r, kind: 'changed-in-source', detail: 'removed from the source while it was verified' });
      else add({ rel: r, kind: 'unreadable', detail: `source file cannot be read (${s})` });
      return;
    }
    const src = factsOf(s);
    const d = lstatOrCode(join(task.destDir, r));
    if (typeof d === 'string') {
      add(d === 'ENOENT' ? { rel: r, kind: 'missing', detail: 'missing in the destination', src } : { rel: r, kind: 'unreadable', detail: `destination file cannot be read (${d})`, src });
      return;
    }
    if (!d.isFile()) {
      add({ rel: r, kind: 'type', detail: `the destination has a ${d.isDirectory() ? 'directory' : d.isSymbolicLink() ? 'symbolic link' : 'special file'} where the source has a file`, src });
      return;
    }
    const dst = factsOf(d);
    const diff = compareFacts(src, dst, task.compare);
    if (diff) add({ rel: r, ...diff, src, dst });
    else if (task.hash && inSample(rootRelOf(r), task.hash.percent, task.hash.seed)) out.toHash.push({ rel: r, src, dst });
  };

  const walk = (rel: string, dest: DestDir, deep: boolean): void => {
    let entries: fs.Dirent<Buffer>[];
    try {
      entries = fs.readdirSync(fsPath(join(task.sourceDir, rel)), { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      if (rel === '') throw e;
      add({ rel, kind: 'unreadable', detail: `source directory cannot be read (${errCode(e)})` });
      return;
    }
    for (const e of entries) {
      const name = decodeName(e.name);
      const r = rel ? `${rel}/${name}` : name;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (!isDir && !isFile && !e.isSymbolicLink() && !e.isFIFO() && !e.isSocket() && !e.isBlockDevice() && !e.isCharacterDevice()) {
        // The file system gave no type (DT_UNKNOWN): ask.
        const st = lstatOrCode(join(task.sourceDir, r));
        if (typeof st === 'string') continue;
        isDir = st.isDirectory(); isFile = st.isFile();
      }
      if (isDir ? !deep || matcher.excludesDir(name, rootRelOf(r)) : !isFile || matcher.excludesFile(name)) continue;
      if (dest !== 'dir') {
        // The first entry that should be there makes the missing directory one finding.
        add({ rel: rel || '.', ...dest });
        return;
      }
      if (isDir) walk(r, destDirState(join(task.destDir, r)), deep);
      else checkFile(r);
    }
  };
  walk('', destDirState(task.destDir), task.scope === 'tree');
  return out;
}
