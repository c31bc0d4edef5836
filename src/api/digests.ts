/**
 * Listing digests (issue #17, walk-once): the scan digests each source directory it lists
 * (src/fs/listing-digest.ts), and a copy engine that walks the destination may take a
 * destination directory whose digest the scan saw as up to date without listing the source
 * again. What a digest covers, and why that is enough, is written in listing-digest.ts.
 */

/** The fields a digest covers besides names, types, sizes and mtimes. */
export interface DigestFields {
  /** Permission bits. */
  modes: boolean;
  /** Owner and group. */
  owners: boolean;
}

/**
 * The scan's digests of a tree (src/fs/digest-table.ts): sorted records in one
 * SharedArrayBuffer, which crosses to worker threads without a copy.
 */
export interface DigestTable {
  readonly buffer: SharedArrayBuffer;
  readonly count: number;
  readonly fields: DigestFields;
  /** When the scan began (ms since the epoch): a digest says what the source held then. */
  readonly takenAt: number;
  /**
   * With ScanOptions.compareWith: the subtrees the scan found up to date in the destination, with
   * their files and bytes (src/fs/unchanged-table.ts), for a walk to pass over without listing.
   */
  readonly unchanged?: { readonly buffer: SharedArrayBuffer; readonly count: number };
  /**
   * With ScanOptions.keepListings: the source listings the scan kept (src/fs/kept-listings.ts),
   * which a walk takes instead of listing a directory again while it is as the scan left it.
   */
  readonly listings?: { readonly arena: SharedArrayBuffer; readonly index: { readonly buffer: SharedArrayBuffer; readonly count: number } };
}
