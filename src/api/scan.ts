import type { SizeAgeFilter } from './selection';
import type { DigestFields, DigestTable } from './digests';

/**
 * One directory of a scanned tree. Only directories are held in memory: file records are
 * counted into `ownFiles`/`ownBytes` and discarded, so a 1M-file tree costs one node per
 * directory.
 */
export interface DirNode {
  /** Entry name; '' for the root. */
  name: string;
  /** Path relative to the scan root, '/'-separated on every platform; '' for the root. */
  relPath: string;
  /** 0 for the root. */
  depth: number;
  /** Regular files directly inside this directory (after excludes). */
  ownFiles: number;
  /** Apparent size in bytes of those files. */
  ownBytes: number;
  /** ownFiles of this directory and every descendant. */
  totalFiles: number;
  /** ownBytes of this directory and every descendant. */
  totalBytes: number;
  /** Number of directories in this subtree, including this one. */
  totalDirs: number;
  /** Subdirectories (not followed links, not excluded), sorted by name. */
  children: DirNode[];
}

/** Something the scanner could not read. Recorded, never fatal, never silent. */
export interface ScanError {
  /** Path relative to the scan root ('/'-separated). */
  relPath: string;
  /** Node error code (EACCES, ENOENT, ELOOP, ...) or 'UNKNOWN'. */
  code: string;
  message: string;
}

/** A symlink or junction the scanner saw and did not follow. */
export interface SkippedLink {
  relPath: string;
  /** 'file' | 'dir' | 'unknown': what the link points at, when it could be told. */
  target: 'file' | 'dir' | 'unknown';
}

/**
 * Names of one file: a regular file with more than one link whose names the scan found (at least
 * two, after excludes). Only such files are kept, so a tree of ordinary files costs nothing.
 */
export interface HardLinkGroup {
  /** Paths relative to the scan root ('/'-separated), sorted; the first is the one the others link to. */
  paths: string[];
}

/** Result of one scan. */
export interface DirTree {
  /** Absolute path that was scanned (possibly a snapshot path). */
  root: string;
  rootNode: DirNode;
  errors: ScanError[];
  skippedLinks: SkippedLink[];
  /** Hard-linked files with two or more names in the tree, sorted by first path; absent when there are none (or the scanner does not record them). */
  hardLinks?: HardLinkGroup[];
  /** With ScanOptions.digest: the directories' listing digests. */
  digests?: DigestTable;
  /**
   * With ScanOptions.compareWith: the directories (relPath) whose whole subtree the scan found
   * up to date in the copy (src/scan/compare-copy.ts), for CopyOptions.unchangedAtScan.
   */
  unchanged?: ReadonlySet<string>;
  /** With ScanOptions.compareWith: directories compared with their copy, and how many were up to date. */
  compared?: { tried: number; same: number };
  durationMs: number;
}

/** Robocopy-style exclusions, applied during the scan so estimates match the copy. */
export interface ExcludeRules {
  /** Wildcards (`*`, `?`) matched against file names (not paths). */
  excludeFiles: string[];
  /**
   * Directory names or wildcards matched against the name of a directory anywhere in the
   * tree, or absolute paths / paths relative to the source root matched against the full path.
   */
  excludeDirs: string[];
  /** Match case-insensitively (the default on Windows sources). */
  caseInsensitive: boolean;
  /**
   * When not empty, only files whose names match one of these wildcards (robocopy /IF); other
   * files are left out like excluded ones (and a mirror keeps such destination files).
   */
  includeFiles?: string[];
  /** Files left out by size or age (selection.ts). */
  sizeAge?: SizeAgeFilter;
}

export interface ScanOptions {
  excludes: ExcludeRules;
  /** Aborting rejects the scan with an AbortError; workers stop promptly. */
  signal?: AbortSignal;
  /**
   * Digest every directory's listing with these fields (src/fs/listing-digest.ts) into
   * DirTree.digests, for a copy engine that compares a destination with them instead of listing
   * the source again (CopyOptions.sourceDigests).
   */
  digest?: DigestFields;
  /**
   * With `digest`: the root of the source's copy (a re-run's destination). Each digested
   * directory is compared with its copy there (src/scan/compare-copy.ts) into DirTree.unchanged.
   */
  compareWith?: string;
  /**
   * With `compareWith`: bytes of shared memory in which the scan keeps the listings of the
   * directories it did not find up to date, for the copy pass (DigestTable.listings,
   * src/fs/kept-listings.ts). 0 or absent: none kept.
   */
  keepListings?: number;
}

/**
 * Walks a source tree and sums it per directory.
 * Contract: resolves even when parts of the tree are unreadable (they go to `errors`); rejects
 * only when `root` itself cannot be read as a directory, or on abort. Links are not followed.
 * Safe to call concurrently for different roots.
 */
export interface Scanner {
  scan(root: string, options: ScanOptions): Promise<DirTree>;
}
