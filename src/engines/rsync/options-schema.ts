/**
 * JSON schema of `engineOptions.rsync`: the one source of truth for the rsync engine's options
 * (config/robocurse.schema.json is generated from it; a test checks docs/rsync.md against it).
 * What to keep besides the data (-o -g -l -H -A -X -S -D ...) comes from the profile's
 * `preserve`, not from here.
 */
export const RSYNC_OPTIONS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    executable: { type: 'string', minLength: 1, description: 'rsync binary: a name looked up on PATH or an absolute path (default rsync).' },
    attributes: {
      description: 'Extra switches from the allow-list in docs/rsync.md, added after those `preserve` gives, as a string ("-c --modify-window=1") or a list; checked by the rsync engine\'s rules at validation.',
      type: ['string', 'array'],
      items: { type: 'string', format: 'safe-pattern' },
    },
    deleteExcluded: { type: 'boolean', description: 'With mirror, also delete destination entries the excludes hide (--delete-excluded).' },
    resumePartial: { type: 'boolean', description: 'Keep interrupted files in .robocurse-partial and resume them (--partial-dir with --no-whole-file).' },
    timeoutSeconds: { type: 'integer', minimum: 0, description: '--timeout: give up after this many seconds without I/O (0 = never).' },
    confine: { type: 'boolean', description: 'On Linux with Landlock, run rsync confined to reading the source root and writing the destination root, so that a directory swapped for a link mid-run leads nowhere (default true; docs/safety.md).' },
  },
} as const;
