import type { Chunk } from '../../src/api';
import { DEFAULT_CHUNKING, DEFAULT_RETRY } from '../../src/config/defaults';
import type { ProfileConfig } from '../../src/config/types';

/** A valid ProfileConfig for tests; retries have no backoff unless asked. */
export function makeProfile(name: string, o: Partial<ProfileConfig> = {}): ProfileConfig {
  return {
    name, source: `/src/${name}`, destination: `/dst/${name}`, enabled: true, mirror: false,
    chunking: { ...DEFAULT_CHUNKING }, excludeFiles: [], excludeDirs: [], snapshot: null,
    engine: 'simulated', engineOptions: {}, retry: { ...DEFAULT_RETRY, backoffSeconds: 0 },
    bandwidthLimitMbps: 0, windowsPaths: false, ...o,
  };
}

/** `n` tree chunks of `bytes` each for a profile. */
export function makeChunks(profile: string, n: number, bytes = 1000): Chunk[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${profile}-c${i}`, profile, kind: 'tree' as const, relPath: `dir${i}`,
    sourcePath: `/src/${profile}/dir${i}`, destinationPath: `/dst/${profile}/dir${i}`,
    depth: 1, estimatedFiles: 10, estimatedBytes: bytes,
  }));
}
