/**
 * piscina worker entry of the verifier: walking and comparing a chunk's metadata, and hashing
 * file contents, are blocking file-system and CPU work kept off the orchestrator's thread.
 */
import { fsPath } from '../fs/byte-names';
import { hashFile } from './hash-file';
import type { HashPairsResult, HashPairsTask, ScanChunkResult, ScanChunkTask } from './verify-protocol';
import { scanChunk } from './walk-pairs';

const READ_BUFFER = 1 << 20;

export function scanChunkTask(task: ScanChunkTask): ScanChunkResult {
  return scanChunk(task);
}

export function hashPairsTask(task: HashPairsTask): HashPairsResult {
  const buf = Buffer.allocUnsafe(READ_BUFFER);
  return {
    results: task.pairs.map((p) => ({ rel: p.rel, source: hashFile(fsPath(p.source), buf), destination: hashFile(fsPath(p.destination), buf) })),
  };
}
