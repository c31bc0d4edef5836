/**
 * `robocurse/plugin/testing`: the conformance suites a plugin passes to be done, as robocurse's
 * own engines and notifiers run them, for plugin authors' mocha tests. Call one at the top level
 * of a spec file; it declares a `describe` block. Needs mocha (the runner) and chai, which are
 * optional peer dependencies: only this entry loads them, never robocurse itself.
 *
 *   import { runCopierContract } from 'robocurse/plugin/testing';
 *   runCopierContract('my-engine', async () => ({ copier: new MyCopier(), supportsRealIo: true }));
 */
export { runCopierContract, type CopierContractSubject } from './copier-contract';
export { runNotifierContract, deliver, type NotifierUnderTest } from './notifier-contract';
export { runSnapshotContract, type SnapshotProviderUnderTest } from './snapshot-contract';
export { makeChunk, makeOptions, silentLogger, listFiles, recordProgress, firstBytesOrTimeout } from './contract-fixtures';
export { makeEvent, sampleEvents, sampleProfileSummary } from './sample-events';
export { diffTrees, makeTree, readTree, removeTemp, tempDir, type TreeSpec } from './trees';
