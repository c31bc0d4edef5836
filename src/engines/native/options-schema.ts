/**
 * JSON schema of `engineOptions.native`: the one source of truth for the native engine's
 * options. config/robocurse.schema.json is generated from it (src/config/compose-schema.ts), and
 * a test checks that docs/native-engine.md documents exactly these keys.
 */
export const NATIVE_OPTIONS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    fileConcurrency: { type: 'integer', minimum: 1, maximum: 256, description: 'File copies and directory listings in flight per job (default 8).' },
    streamThresholdBytes: { type: 'integer', minimum: 1, description: 'Larger files are streamed (live progress, bandwidth limit); smaller ones use copyFile (default 8 MiB).' },
    streamBlockBytes: { type: 'integer', minimum: 1, description: 'Block size of streamed copies (default 1 MiB; 64 KiB while a bandwidth limit applies).' },
    mtimeWindowMs: { type: 'number', minimum: 0, description: 'Tolerance of the up-to-date check, for destinations with coarse times (default 0: the same millisecond).' },
    progressIntervalMs: { type: 'number', minimum: 0, description: 'Least time between progress events (default 100).' },
    maxErrors: { type: 'integer', minimum: 1, description: 'Per-file errors kept in the result; all are counted (default 1000).' },
    skippedEntriesSeverity: { enum: ['Warning', 'Error', 'Success'], description: 'Severity of exit bit 4: entries skipped or attributes not kept (default Warning).' },
    reflink: { enum: ['auto', 'always', 'never'], description: 'Share data blocks with the source (FICLONE) where source and destination are one btrfs or XFS file system: auto (default), always (fail a file that cannot be cloned), never (always write the data).' },
  },
} as const;
