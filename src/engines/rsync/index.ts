/** The rsync copy engine (issue #7): see docs/rsync.md. */
export { RsyncCopier, type RsyncCopierOptions } from './rsync-copier';
export { RsyncJob, type RsyncJobSpec } from './rsync-job';
export { buildRsyncArgv, bwlimitKiB, dirOperand, PARTIAL_DIR, OUT_FORMAT, type RsyncArgvOptions } from './argv';
export { buildFilterRules, toRsyncPattern, type FilterInput } from './filter-rules';
export { readRsyncEngineOptions, type RsyncEngineOptions } from './engine-options';
export { RsyncArgumentError, type RsyncArgumentErrorCode } from './errors';
export { rsyncExitMeaning, RSYNC_EXIT_TABLE, type RsyncExitRow } from './exit-meaning';
export { parseRsyncOutput } from './report';
export { parseStatsBlock, parseRsyncInt } from './stats-block';
export { parseRsyncErrors } from './stderr-parser';
export { parseProgress2Line, parseItemizeLine, ProgressTracker, type Progress2Line } from './progress-parser';
export { InlineRsyncOutputParser, PiscinaRsyncOutputParser, type RsyncOutputParser, type PiscinaRsyncOutputParserOptions } from './output-parser';
export type { RsyncParseRequest, RsyncReport, RsyncTotals, RsyncFileError } from './parse-protocol';
