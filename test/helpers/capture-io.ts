import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io';

/** A CliIo whose stdout/stderr are captured in memory, for running main() in-process. */
export function captureIo(cwd: string, env: NodeJS.ProcessEnv = process.env): { io: CliIo; stdout(): string; stderr(): string } {
  const out: Buffer[] = []; const err: Buffer[] = [];
  const stdout = new PassThrough(); const stderr = new PassThrough();
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  return {
    io: { stdout: stdout as unknown as NodeJS.WriteStream, stderr: stderr as unknown as NodeJS.WriteStream, cwd, env },
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
  };
}
