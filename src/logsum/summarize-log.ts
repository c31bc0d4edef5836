import * as fs from 'node:fs';
import { detectTool } from './detect-tool';
import { summarizeRobocopyLog } from './robocopy-log';
import { summarizeRsyncLog } from './rsync-log';
import type { LogFileSummary, SummarizeTask } from './types';

const SAMPLE = 64 * 1024;

async function samples(file: string): Promise<Buffer[]> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    const read = async (at: number, len: number): Promise<Buffer> => {
      const b = Buffer.alloc(len);
      const { bytesRead } = await fh.read(b, 0, len, at);
      return b.subarray(0, bytesRead);
    };
    const head = await read(0, Math.min(SAMPLE, st.size));
    // Even offsets keep UTF-16 code units aligned.
    return st.size > SAMPLE ? [head, await read(Math.max(SAMPLE, st.size - SAMPLE) & ~1, SAMPLE)] : [head];
  } finally {
    await fh.close();
  }
}

/** Summarizes one log file; never rejects (an unusable file says why in `unusable`). */
export async function summarizeLog(task: SummarizeTask): Promise<LogFileSummary> {
  const base = { file: task.file, jobs: [], failed: [], warnings: [] };
  let head: Buffer[];
  try {
    head = await samples(task.path);
  } catch (e) {
    return { ...base, tool: null, encoding: null, unusable: `cannot read ${task.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  if (head[0].length === 0) return { ...base, tool: null, encoding: null, unusable: `${task.file} is empty` };
  const { tool, encoding } = detectTool(head, task.codePage);
  try {
    if (tool === 'robocopy') return { file: task.file, tool, ...(await summarizeRobocopyLog(task.path, task.codePage)) };
    if (tool === 'rsync') return { file: task.file, tool, encoding, ...(await summarizeRsyncLog(task.path)) };
  } catch (e) {
    return { ...base, tool, encoding, unusable: `cannot read ${task.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  return { ...base, tool: null, encoding, unusable: `${task.file} is neither a robocopy nor an rsync log (no robocopy banner or error line, no rsync statistics, file list or error line)` };
}
