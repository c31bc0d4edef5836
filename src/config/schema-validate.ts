import Ajv, { type ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../paths';
import { ajvProblems, type AjvTranslation, type LocatedProblem } from './ajv-problems';
import { dottedPath } from './json-source';
import { parseSize } from './size';
import { parseAge } from './selection';
import { parseMaxDeletes } from './max-deletes';
import { MOVED_TO_PRESERVE } from '../engines/rsync/engine-options';

const CONTROL = /[\u0000-\u001f\u007f]/;

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

/** Shared ajv setup: the size and secret keywords and the no-control-character formats. */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
  ajv.addFormat('safe-path', (s: string) => !CONTROL.test(s));
  ajv.addFormat('safe-pattern', (s: string) => !CONTROL.test(s));
  ajv.addKeyword({
    keyword: 'robocurseSize', schemaType: 'boolean',
    validate: (_s: boolean, data: unknown) => (typeof data === 'string' || typeof data === 'number') && parseSize(data) !== undefined,
  });
  ajv.addKeyword({
    keyword: 'robocurseAge', schemaType: 'boolean',
    validate: (_s: boolean, data: unknown) => parseAge(data) !== undefined,
  });
  ajv.addKeyword({
    keyword: 'robocurseMaxDeletes', schemaType: 'boolean',
    validate: (_s: boolean, data: unknown) => parseMaxDeletes(data) !== undefined,
  });
  ajv.addKeyword({
    keyword: 'robocurseSecret', schemaType: 'boolean',
    validate: (_s: boolean, data: unknown) => {
      if (data === null || typeof data !== 'object' || Array.isArray(data)) return false;
      const keys = Object.keys(data);
      const v = (data as Record<string, unknown>)[keys[0]];
      return keys.length === 1 && ((keys[0] === 'env' && typeof v === 'string' && /^[A-Za-z_]\w*$/.test(v)) || (keys[0] === 'file' && typeof v === 'string' && v.length > 0));
    },
  });
  return ajv;
}

/** Compiles config/robocurse.schema.json. */
export function compileConfigSchema(): ValidateFunction {
  const schema = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'config', 'robocurse.schema.json'), 'utf8')) as object;
  return createAjv().compile(schema);
}

/** Validates against the schema; one problem per distinct path+message, in document order. */
export function validateSchema(validate: ValidateFunction, value: unknown): LocatedProblem[] {
  return validate(value) ? [] : ajvProblems(validate.errors, CONFIG_TRANSLATION);
}
