import type { Copier } from '../api';
import { capabilitiesOf } from '../orchestrator/copier-capabilities';

/**
 * The engine as the coordinator's orchestrator must see it when its jobs run on workers: a
 * shared bandwidth bucket (native's setTotalBandwidth) would throttle a copier in this process
 * that copies nothing, so it is hidden and the budget is divided into per-job shares instead,
 * which reach each worker's job through its control hash (native jobs change their rate live).
 */
export function remoteCopierView(c: Copier): Copier {
  return {
    name: c.name,
    // No scan digests: they are shared memory of this process, never sent to a worker (job-data.ts).
    capabilities: { ...c.capabilities, sharedBandwidth: false, liveBandwidth: c.capabilities.liveBandwidth || capabilitiesOf(c).sharedBandwidth, sourceDigests: false },
    start: (chunk, options) => c.start(chunk, options),
    // Which failed files a retry can name (robocopy: only those of the chunk's own directory).
    ...(c.fileListProblem ? { fileListProblem: (chunk, files) => c.fileListProblem!(chunk, files) } : {}),
  };
}
