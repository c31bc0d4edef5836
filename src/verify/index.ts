export { verifyChunk, MTIME_WINDOW_MS, type ChunkVerification, type VerifyChunkRequest, type VerifyFinding, type VerifyLevel } from './chunk-verifier';
export { preservedAttributes, type PreservedAttributes } from './preserved-attributes';
export { VerifyPool, type VerifyWorkers } from './verify-pool';
export { VerifyHook, resultWithVerification } from './verify-hook';
