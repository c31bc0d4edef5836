/** Options of the btrfs snapshot provider (global.plugins[].options). */
export interface BtrfsOptions {
  /**
   * Folder the snapshots are made in: absolute, or relative to the root of the source's subvolume.
   * It must be on the same btrfs filesystem. Default `.robocurse-snapshots`.
   */
  location: string;
  /**
   * What to do when subvolumes are nested inside the source: a snapshot does not contain them
   * (they appear as empty directories), so by default the snapshot is refused ('fail'); 'warn'
   * copies them as empty directories with a warning in the log.
   */
  nestedSubvolumes: 'fail' | 'warn';
  /** The btrfs executable. */
  btrfsPath: string;
  /** Time limit of one btrfs command. */
  timeoutSeconds: number;
}

/** JSON Schema (draft-07) of the btrfs provider's options. */
export const btrfsOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    location: { type: 'string', minLength: 1, pattern: '^[^\\r\\n]*$', default: '.robocurse-snapshots' },
    nestedSubvolumes: { enum: ['fail', 'warn'], default: 'fail' },
    btrfsPath: { type: 'string', minLength: 1, default: 'btrfs' },
    timeoutSeconds: { type: 'integer', minimum: 1, default: 120 },
  },
} as const;

export const DEFAULT_BTRFS_OPTIONS: BtrfsOptions = { location: '.robocurse-snapshots', nestedSubvolumes: 'fail', btrfsPath: 'btrfs', timeoutSeconds: 120 };
