/**
 * Where a run notes the processes and scratch directories it creates, so that the next run can
 * clean up after this one if it is killed (SIGKILL, OOM killer, power loss) before it could do so
 * itself. Passed to engines in CopyOptions; an engine that spawns through robocurse's tracked
 * spawner or makes scratch directories in the destination records them here.
 */
export interface ChildLedger {
  /**
   * Notes a child process just spawned (on POSIX the leader of its own process group, so the
   * group is what a later run kills). Returns the function to call once it has exited.
   */
  recordChild(pid: number, command: string): () => void;
  /**
   * Notes a scratch directory about to be created (call before mkdir), whose whole content is
   * the engine's own. Returns the function to call once it has been removed again.
   */
  recordScratchDir(dir: string): () => void;
}
