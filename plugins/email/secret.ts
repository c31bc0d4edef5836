import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SecretRef } from './options';

/**
 * Reads a secret at start-up, so a missing variable or file fails the run's start with a clear
 * message instead of the first e-mail failing hours later. The error names where the secret
 * was looked for, never its value. A file's trailing newline is dropped (editors add one).
 */
export function resolveSecret(ref: SecretRef, configDir: string, what: string): string {
  if ('env' in ref) {
    const value = process.env[ref.env];
    if (value === undefined || value === '') throw new Error(`${what}: environment variable ${ref.env} is not set`);
    return value;
  }
  const file = path.resolve(configDir, ref.file);
  let value: string;
  try {
    value = fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new Error(`${what}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!value) throw new Error(`${what}: ${file} is empty`);
  return value;
}
