/** What a file-only attempt does with an entry: copy it (whole, a directory with its contents), walk into it, or leave it. */
export type OnlyPick = 'all' | 'some' | 'none';

/**
 * The selection of a file-only attempt (CopyOptions.onlyFiles): the listed paths (relative to the
 * chunk's source directory) and the directories on the way to them. The walk opens only those
 * directories and looks at nothing else, so a retry of three files in a chunk of a million costs
 * three copies and the directories above them.
 */
export class OnlyFiles {
  private readonly listed: Set<string>;
  private readonly onTheWay = new Set<string>();

  constructor(relPaths: readonly string[]) {
    this.listed = new Set(relPaths);
    for (const p of relPaths) {
      for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) this.onTheWay.add(p.slice(0, i));
    }
  }

  /** The pick for the entry at `rel` ('/'-separated, relative to the chunk's source directory). */
  pick(rel: string): OnlyPick {
    if (this.listed.has(rel)) return 'all';
    // Below a listed path (a listed directory: all of it).
    for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) if (this.listed.has(rel.slice(0, i))) return 'all';
    return this.onTheWay.has(rel) ? 'some' : 'none';
  }
}
