import type { ErrorObject, ValidateFunction } from 'ajv';
import { hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../paths';
import { ajvProblems, type AjvTranslation, type LocatedProblem } from './ajv-problems';
import { dottedPath } from './json-source';
import { MOVED_TO_PRESERVE } from '../engines/rsync/engine-options';

/** The config's own keywords and formats, in words. */
const CONFIG_TRANSLATION: AjvTranslation = {
  keywords: {
    robocurseSize: (got) => `expected a size like "50GB", "512MiB" or a positive byte count, got ${got}`,
    robocurseAge: (got) => `expected a whole number of days (30) or a date like "2025-01-31", got ${got}`,
    robocurseMaxDeletes: (got) => `expected a count of entries (a whole number >= 0) or a percentage like "5%" (0-100), got ${got}`,
    robocurseSecret: (got) => `expected a secret reference {"env": "NAME"} or {"file": "path"} (never the secret inline), got ${got}`,
  },
  formats: { 'safe-path': 'text without control characters', 'safe-pattern': 'text without control characters' },
  propertyName: (name) => `invalid profile name '${name}': expected letters, digits, '.', '_' or '-' (1-64 characters, starting with a letter or digit)`,
  unknownKey: (segs, key) => {
    const moved = segs.length === 4 && segs[2] === 'engineOptions' && segs[3] === 'rsync' ? MOVED_TO_PRESERVE[key] : undefined;
    return moved ? `'${key}' moved to ${dottedPath([segs[0], segs[1], 'preserve', moved])} (what to keep is shared by every engine)` : undefined;
  },
};

/** The config schema's text, as shipped. */
export function configSchemaText(): string {
  return fs.readFileSync(path.join(packageRoot(), 'config', 'robocurse.schema.json'), 'utf8');
}

/**
 * A digest of the schema text: the generated validator records the one it was made from, so a
 * build whose schema changed after the validator was generated compiles the schema instead of
 * validating against an old one. Node's one-shot hash: a loop over the 24 KB in JavaScript ran
 * cold at every start (~3-7 ms here, issue #17).
 */
export function schemaDigest(text: string): string {
  return `${text.length}:${hash('sha256', text, 'hex').slice(0, 32)}`;
}

/** A validator function as ajv's standalone code exports it. */
export type ConfigValidateFunction = ValidateFunction | ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * The config schema's validator: the one generated at build time (config-validator.js, no ajv
 * and no compiling at start-up) when it was made from this schema, else compiled now.
 */
export function compileConfigSchema(): ConfigValidateFunction {
  const text = configSchemaText();
  let generated: { digest?: string; validate?: ConfigValidateFunction } | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    generated = require('./config-validator') as typeof generated;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
  }
  if (generated?.validate && generated.digest === schemaDigest(text)) return generated.validate;
  return compileSchemaText(text);
}

/** Compiles the schema in memory (ajv loaded on demand: start-up does not need it). */
export function compileSchemaText(text: string): ValidateFunction {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createConfigAjv } = require('./config-ajv') as typeof import('./config-ajv');
  return createConfigAjv().compile(JSON.parse(text) as object);
}

/** Validates against the schema; one problem per distinct path+message, in document order. */
export function validateSchema(validate: ConfigValidateFunction, value: unknown): LocatedProblem[] {
  return validate(value) ? [] : ajvProblems(validate.errors, CONFIG_TRANSLATION);
}
