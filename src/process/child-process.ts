/**
 * node:child_process, loaded on its first use. Loading it loads net, dgram and the stream stack
 * with it (~6 ms of every start here), and a run with the native engine spawns nothing: start-up
 * is timed as a whole process (issue #17).
 */
/* eslint-disable-next-line @typescript-eslint/no-require-imports */
export const childProcess = (): typeof import('node:child_process') => require('node:child_process') as typeof import('node:child_process');
