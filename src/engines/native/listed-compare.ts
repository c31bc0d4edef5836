import * as fs from 'node:fs';
import { selectsFile, type SizeAgeFilter } from '../../api/selection';
import type { ListedStat } from '../../fs/list-stat';
import { KEEP } from './keep-flags';
import { attributesDiffer, sameMtime } from './times';

function isRegular(mode: number): boolean {
  return (mode & fs.constants.S_IFMT) === fs.constants.S_IFREG;
}

/**
 * The size of a file the directory listings of both sides already show up to date, or undefined
 * when they do not say so: the same test, in the same order, as a copy batch makes with its own
 * two lstats (copy-worker.ts, copyFile), so an unchanged file needs no batch at all. Everything
 * else (a failed lstat, a file left out by the size or age filters, a hard-linked file, a
 * changed one, an owner, mode or attribute to fix) goes to the batch, which looks again.
 */
export function upToDateAsListed(keep: number, sizeAge: SizeAgeFilter | undefined, windowMs: number, src: ListedStat | undefined, dst: ListedStat | undefined): number | undefined {
  if (!src || !dst || !isRegular(src.mode) || !isRegular(dst.mode)) return undefined;
  if (!selectsFile(sizeAge, src.size, src.mtimeMs)) return undefined;
  if ((keep & KEEP.hardLinks) !== 0 && src.nlink > 1) return undefined;
  if (dst.size !== src.size || !sameMtime(dst.mtimeMs, src.mtimeMs, windowMs)) return undefined;
  return attributesDiffer(keep, src, dst) ? undefined : src.size;
}
