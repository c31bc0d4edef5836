import type { DirRef } from '../../fs/dir-ref';

/** Where the first name of a hard-linked source inode ended up in the destination. */
export interface Placed {
  dir: DirRef;
  name: string;
  dev: number;
  ino: number;
}

export type Claim =
  /** The first name of its inode this job meets: copy it, then say where it went (undefined: it failed). */
  | { first: true; settle: (placed: Placed | undefined) => void }
  /** A later name: link it to where the first went (wait for that copy to finish). */
  | { first: false; placed: Promise<Placed | undefined> };

/**
 * The source inodes with more than one name that one job met, and where the first name of each
 * went, so the others become links to that copy instead of copies of their own. Only files with
 * nlink > 1 are tracked (a tree of ordinary files costs nothing); one job's map lives as long as
 * the job. Names in other chunks are linked by the orchestrator's link pass after the chunks.
 */
export class HardLinkTracker {
  private readonly firsts = new Map<string, Promise<Placed | undefined>>();

  claim(dev: number, ino: number): Claim {
    const key = `${dev}:${ino}`;
    const known = this.firsts.get(key);
    if (known) return { first: false, placed: known };
    let settle!: (placed: Placed | undefined) => void;
    this.firsts.set(key, new Promise((resolve) => { settle = resolve; }));
    return { first: true, settle };
  }
}
