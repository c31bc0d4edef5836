import type { HardLinkGroup } from '../api';

/**
 * Gathers the names of hard-linked files as the scan reports them (only files with nlink > 1
 * reach it) into groups of one inode each. A file whose other names are outside the tree or
 * excluded has one name here and is dropped: nothing to link.
 */
export class HardLinkCollector {
  private readonly byId = new Map<string, string[]>();

  add(id: string, relPath: string): void {
    const names = this.byId.get(id);
    if (names) names.push(relPath); else this.byId.set(id, [relPath]);
  }

  /** Groups of two or more names, each sorted, ordered by first name (the same on every run). */
  groups(): HardLinkGroup[] {
    const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    const out: HardLinkGroup[] = [];
    for (const names of this.byId.values()) if (names.length > 1) out.push({ paths: names.sort(cmp) });
    return out.sort((a, b) => cmp(a.paths[0], b.paths[0]));
  }
}
