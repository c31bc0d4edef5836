export { makeExcludeMatcher, relativeToRoot, type ExcludeMatcher, type ExcludeMatcherOptions } from './exclude-matcher';
export { createScanner, WorkerScanner, ScanRootError, type WorkerScannerOptions } from './worker-scanner';
export { AbortError } from './abort-error';
export { walkDirs } from './walk-dirs';
export type { ScanIo } from './scan-io';
