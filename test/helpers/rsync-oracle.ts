import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileInodes } from './file-inodes';

/**
 * `rsync -ain --delete` as the oracle of a re-run (issue #17): what it would transfer and delete
 * (a dry run, the same size-and-mtime check), asked before robocurse runs, and the check that the
 * destination shows exactly that afterwards (a file written or touched has a new inode or ctime).
 */

/** What `rsync -ain --delete` would do: files to transfer and entries to delete (dirs with a trailing /). */
export function rsyncPlan(src: string, dst: string, excludes: string[]): { transfer: string[]; deleted: string[] } {
  const r = spawnSync('rsync', ['-ain', '--delete', ...excludes.flatMap((x) => ['--exclude', x]), `${src}/`, `${dst}/`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rsync -ain failed (${r.status}): ${r.stderr}`);
  const transfer: string[] = [];
  const deleted: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('*deleting ')) deleted.push(line.slice('*deleting '.length).trim());
    else if (line.startsWith('>f')) transfer.push(line.slice(12));
  }
  return { transfer: transfer.sort(), deleted: deleted.sort() };
}

/**
 * The files the re-run wrote (another inode or ctime than `before`) are exactly the ones rsync
 * would transfer, the files gone exactly the ones it would delete, and its deleted directories are gone.
 */
export function expectDoneAsRsyncSays(dst: string, before: Map<string, string>, oracle: { transfer: string[]; deleted: string[] }): void {
  const after = fileInodes(dst);
  const rewritten = [...after].filter(([rel, ino]) => before.get(rel) !== ino).map(([rel]) => rel).sort();
  expect(rewritten, 'the files written are exactly the ones rsync would transfer').to.deep.equal(oracle.transfer);
  const gone = [...before.keys()].filter((rel) => !after.has(rel)).sort();
  expect(gone, 'the files deleted are exactly the ones rsync would delete').to.deep.equal(oracle.deleted.filter((d) => !d.endsWith('/')).sort());
  for (const d of oracle.deleted.filter((x) => x.endsWith('/'))) expect(fs.existsSync(path.join(dst, d)), `${d} is gone`).to.equal(false);
}
