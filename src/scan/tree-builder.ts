import type { DirNode } from '../api';
import type { DirSummary } from './scan-protocol';

function parentOf(relPath: string): string {
  const i = relPath.lastIndexOf('/');
  return i < 0 ? '' : relPath.slice(0, i);
}

/**
 * Assembles directory summaries, arriving in any order across workers (but each after its
 * parent), into a DirNode tree. One instance per scan: no shared state between scans.
 */
export class TreeBuilder {
  private readonly nodes = new Map<string, DirNode>();
  /** Directories whose copy the scan found up to date with them (DirSummary.sameCopy). */
  private readonly sameCopy = new Set<string>();
  /**
   * After finish(): the directories whose whole subtree the scan found up to date in the copy
   * (compare-copy.ts): the directory and every directory below it `sameCopy`.
   */
  readonly unchanged = new Set<string>();
  /** The same directories with their subtree's files and bytes (src/fs/unchanged-table.ts). */
  readonly unchangedTotals: Array<[relPath: string, files: number, bytes: number]> = [];

  /** Adds one summary; 'gone' directories are left out of the tree. */
  add(s: DirSummary): void {
    if (s.state === 'gone') {
      // Its parent listed it and its copy has it: a copy pass would now find an extra there.
      this.sameCopy.delete(parentOf(s.relPath));
      return;
    }
    if (s.sameCopy) this.sameCopy.add(s.relPath);
    const name = s.relPath === '' ? '' : s.relPath.slice(s.relPath.lastIndexOf('/') + 1);
    const node: DirNode = {
      name, relPath: s.relPath, depth: 0, ownFiles: s.ownFiles, ownBytes: s.ownBytes,
      totalFiles: 0, totalBytes: 0, totalDirs: 0, children: [],
    };
    this.nodes.set(s.relPath, node);
    if (s.relPath === '') return;
    const parent = this.nodes.get(parentOf(s.relPath));
    // Workers report a parent before any child; a missing parent means a protocol bug.
    if (!parent) throw new Error(`scan: directory summary for '${s.relPath}' arrived before its parent`);
    node.depth = parent.depth + 1;
    parent.children.push(node);
  }

  /**
   * Sorts children by name (code-unit order, locale-independent so plans are reproducible)
   * and fills in subtree totals, iteratively so a very deep tree cannot overflow the stack.
   */
  finish(): DirNode {
    const root = this.nodes.get('');
    if (!root) throw new Error('scan: no summary for the root directory');
    const order: DirNode[] = [];
    const stack = [root];
    while (stack.length > 0) {
      const n = stack.pop()!;
      order.push(n);
      n.children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const c of n.children) stack.push(c);
    }
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i];
      n.totalFiles = n.ownFiles;
      n.totalBytes = n.ownBytes;
      n.totalDirs = 1;
      let unchanged = this.sameCopy.has(n.relPath);
      for (const c of n.children) {
        n.totalFiles += c.totalFiles;
        n.totalBytes += c.totalBytes;
        n.totalDirs += c.totalDirs;
        unchanged &&= this.unchanged.has(c.relPath);
      }
      if (unchanged) {
        this.unchanged.add(n.relPath);
        this.unchangedTotals.push([n.relPath, n.totalFiles, n.totalBytes]);
      }
    }
    return root;
  }
}
