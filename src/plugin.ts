/**
 * `import { declareNotifier, type Notifier } from 'robocurse/plugin'`: the one import path for
 * plugin authors (and the bundled plugins, through this file) — the contracts of src/api, the
 * declare* helpers and API_VERSION, plus the few helpers a careful plugin needs to write files
 * and run system programs the way robocurse does. Nothing else of robocurse's internals.
 */
export * from './api';
/** Refuse a directory another user could change; say who owns what. */
export { describeUid, formatTrustProblem, pathTrustProblem, type TrustProblem } from './fs/path-trust';
/** Create directories 0700 and files 0600 for what may be sensitive (event records, reports). */
export { mkdirPrivate, PRIVATE_FILE_MODE } from './fs/private-files';
/**
 * Run a system program the way robocurse does: argv array (never a shell), timeout that kills the
 * whole process tree, parent-death signal on Linux; spawnTracked for one that streams.
 */
export { runCommand, type CommandOutcome, type RunCommandOptions } from './process/run-command';
export { spawnTracked, type ChildExit, type TrackedChild, type TrackedSpawnOptions } from './process/tracked-child';
/** The absolute path of a Windows system program (never one found through PATH). */
export { windowsSystemExecutable } from './process/system-executables';
