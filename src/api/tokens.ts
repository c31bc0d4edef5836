/**
 * DI tokens, all in one place. Everything is injected by explicit token (not by reflected
 * constructor types) so the container works the same under tsc and esbuild-based loaders.
 */
export const TOKENS = {
  Config: Symbol.for('robocurse.Config'),
  Logger: Symbol.for('robocurse.Logger'),
  Scanner: Symbol.for('robocurse.Scanner'),
  Chunker: Symbol.for('robocurse.Chunker'),
  CopierRegistry: Symbol.for('robocurse.CopierRegistry'),
  SnapshotRegistry: Symbol.for('robocurse.SnapshotRegistry'),
  Notifiers: Symbol.for('robocurse.Notifiers'),
  EventBus: Symbol.for('robocurse.EventBus'),
  StateStore: Symbol.for('robocurse.StateStore'),
  Clock: Symbol.for('robocurse.Clock'),
  SessionId: Symbol.for('robocurse.SessionId'),
  StateJournal: Symbol.for('robocurse.StateJournal'),
  SnapshotLifecycle: Symbol.for('robocurse.SnapshotLifecycle'),
  Orchestrator: Symbol.for('robocurse.Orchestrator'),
  /** Where chunk attempts run (src/orchestrator/chunk-dispatcher.ts); default in process. */
  ChunkDispatcher: Symbol.for('robocurse.ChunkDispatcher'),
  /** The worker pools of a run, one per kind (src/workers); closed with the run. */
  WorkerPools: Symbol.for('robocurse.WorkerPools'),
} as const;
