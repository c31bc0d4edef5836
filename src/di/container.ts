import 'reflect-metadata';
import { container as rootContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import { TOKENS } from '../api/tokens';
import { createChunker } from '../chunk';
import { builtInCopierFactories } from '../engines/built-in-engines';
import { CopierRegistry } from '../engines/copier-registry';
import { createScanner } from '../scan';
import { WorkerPools } from '../workers';
import { fsThreads } from './fs-threads';

/**
 * The one composition root. Everything is registered by explicit token (never by reflected
 * constructor types), so it resolves the same under tsc and esbuild-based loaders. Tests pass
 * `overrides` to replace any part (e.g. the CopierRegistry with a simulated engine).
 */
export function createContainer(overrides?: (c: DependencyContainer) => void, options: { shareFsThreads?: boolean } = {}): DependencyContainer {
  const c = rootContainer.createChildContainer();
  // Pools are objects only until a task needs threads: registering every kind boots nothing.
  // The scan and the native engine's copy run on one set of threads (fs-threads.ts), unless
  // the caller knows no native copy runs here (composeRun: sharesFsThreads).
  const share = options.shareFsThreads ?? true;
  c.register(TOKENS.WorkerPools, { useFactory: instanceCachingFactory(() => new WorkerPools(share ? fsThreads() : {})) });
  c.register(TOKENS.Scanner, { useFactory: instanceCachingFactory((d) => createScanner({ pools: d.resolve<WorkerPools>(TOKENS.WorkerPools) })) });
  c.register(TOKENS.Chunker, { useFactory: instanceCachingFactory(() => createChunker()) });
  c.register(TOKENS.CopierRegistry, { useFactory: instanceCachingFactory((d) => new CopierRegistry(builtInCopierFactories(d.resolve<WorkerPools>(TOKENS.WorkerPools)))) });
  overrides?.(c);
  return c;
}
