import { parseMaxDeletes } from './max-deletes';
import { parseAge } from './selection';
import { parseSize } from './size';

/*
 * The checks behind the config schema's own keywords and formats. Both the validator compiled
 * at run time (config-ajv.ts) and the one generated at build time (config-validator.js, see
 * scripts/write-config-validator.js) call these functions: the generated code `require`s this
 * module, so a check has one definition.
 */

const CONTROL = /[\u0000-\u001f\u007f]/;

/** "50GB", "512MiB" or a positive byte count. */
export function isSize(data: unknown): boolean {
  return (typeof data === 'string' || typeof data === 'number') && parseSize(data) !== undefined;
}

/** A whole number of days or a date. */
export function isAge(data: unknown): boolean {
  return parseAge(data) !== undefined;
}

/** A count of entries or a percentage. */
export function isMaxDeletes(data: unknown): boolean {
  return parseMaxDeletes(data) !== undefined;
}

/** `{"env": NAME}` or `{"file": path}`, never the secret itself. */
export function isSecretRef(data: unknown): boolean {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return false;
  const keys = Object.keys(data);
  const v = (data as Record<string, unknown>)[keys[0]];
  return keys.length === 1 && ((keys[0] === 'env' && typeof v === 'string' && /^[A-Za-z_]\w*$/.test(v)) || (keys[0] === 'file' && typeof v === 'string' && v.length > 0));
}

/** Text without control characters (paths and patterns). */
export function isSafeText(s: string): boolean {
  return !CONTROL.test(s);
}

/** The schema's formats, by name. */
export const formats = { 'safe-path': isSafeText, 'safe-pattern': isSafeText };

/** The schema's keywords (each `keyword: true`), by name. */
export const keywordChecks = { robocurseSize: isSize, robocurseAge: isAge, robocurseMaxDeletes: isMaxDeletes, robocurseSecret: isSecretRef };
