export { makeExcludeMatcher, relativeToRoot, ABSOLUTE_PATTERN, type ExcludeMatcher, type ExcludeMatcherOptions } from './exclude-matcher';
export { createScanner, WorkerScanner, ScanRootError, type WorkerScannerOptions } from './worker-scanner';
export { AbortError } from './abort-error';
export { walkDirs } from './walk-dirs';
export type { ScanIo } from './scan-io';
