/** The robocopy engine: argv builder, log parser, live progress and the Copier. */
export * from './errors';
export * from './arg-safety';
export * from './switch-policy';
export * from './ipg';
export * from './build-args';
export * from './engine-options';
export * from './stdout-progress';
export * from './robocopy-copier';
export * from './log/types';
export * from './log/numbers';
export * from './log/encoding';
export * from './log/decoder';
export * from './log/line-parser';
export * from './log/parse-log';
export * from './log/parser-pool';
export * from './bandwidth-switches';
