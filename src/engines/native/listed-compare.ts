import * as fs from 'node:fs';
import { selectsFile, type SizeAgeFilter } from '../../api/selection';
import { F, LIST_FIELDS } from '../../fs/list-stat';
import { KEEP } from './keep-flags';
import { metaDiffers, sameMtime } from './times';

const S_IFMT = fs.constants.S_IFMT;
const S_IFREG = fs.constants.S_IFREG;

/**
 * The size of a file the directory listings of both sides already show up to date (entry `si` of
 * the source's lstat numbers, `di` of the destination's: list-stat.ts), or undefined when they do
 * not say so: the same test, in the same order, as a copy batch makes with its own two lstats
 * (copy-worker.ts copyFile, times.ts), so an unchanged file needs no batch at
 * all. Everything else (a failed lstat, a file left out by the size or age filters, a
 * hard-linked file, a changed one, an owner, mode or attribute to fix) goes to the batch, which
 * looks again. Reads the numbers in place: called once per file of an unchanged re-run.
 */
export function upToDateAsListed(keep: number, sizeAge: SizeAgeFilter | undefined, windowMs: number, src: Float64Array, si: number, dst: Float64Array, di: number): number | undefined {
  const s = si * LIST_FIELDS;
  const d = di * LIST_FIELDS;
  if (src[s + F.errno] !== 0 || dst[d + F.errno] !== 0) return undefined;
  if ((src[s + F.mode] & S_IFMT) !== S_IFREG || (dst[d + F.mode] & S_IFMT) !== S_IFREG) return undefined;
  const size = src[s + F.size];
  if (!selectsFile(sizeAge, size, src[s + F.mtimeMs])) return undefined;
  if ((keep & KEEP.hardLinks) !== 0 && src[s + F.nlink] > 1) return undefined;
  if (dst[d + F.size] !== size || !sameMtime(dst[d + F.mtimeMs], src[s + F.mtimeMs], windowMs)) return undefined;
  return metaDiffers(keep, src[s + F.mode], src[s + F.uid], src[s + F.gid], src[s + F.ctimeMs], dst[d + F.mode], dst[d + F.uid], dst[d + F.gid], dst[d + F.ctimeMs]) ? undefined : size;
}
