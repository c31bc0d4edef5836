/**
 * The public contract of robocurse: the only module a plugin imports.
 * Everything here is types, tokens and tiny pure helpers; no runtime dependencies.
 */
export * from './version';
export * from './logger';
export * from './scan';
export * from './digests';
export * from './chunk';
export * from './copier';
export * from './child-ledger';
export * from './preserve';
export * from './snapshot';
export * from './events';
export * from './notifier';
export * from './plugin';
export * from './tokens';
export * from './errors';
export * from './units';
export * from './selection';
