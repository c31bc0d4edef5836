import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../paths';
import { dottedPath } from './json-source';
import type { ConfigProblem } from './problems';
import { parseSize } from './size';
import { parseAge } from './selection';
import { parseMaxDeletes } from './max-deletes';
import { MOVED_TO_PRESERVE } from '../engines/rsync/engine-options';

const CONTROL = /[\u0000-\u001f\u007f]/;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const s = JSON.stringify(value);
  return `${typeof value === 'string' ? 'string' : typeof value} ${s.length > 60 ? `${s.slice(0, 57)}...` : s}`;
}

function segmentsOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath.slice(1).split('/').map((s) => {
    const k = s.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(k) ? Number(k) : k;
  });
}

function valueAt(root: unknown, segments: (string | number)[]): unknown {
  let v: unknown = root;
  for (const s of segments) v = v === null || typeof v !== 'object' ? undefined : (v as Record<string | number, unknown>)[s];
  return v;
}

/** Turns one ajv error into a problem that names the key and says what was expected. */
export function problemFromAjv(e: ErrorObject, root: unknown): ConfigProblem & { segments: (string | number)[] } {
  const segs = segmentsOf(e.instancePath);
  const got = describe(valueAt(root, segs));
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const moved = segs.length === 4 && segs[2] === 'engineOptions' && segs[3] === 'rsync' ? MOVED_TO_PRESERVE[key] : undefined;
      if (moved) return { segments: [...segs, key], path: dottedPath([...segs, key]), message: `'${key}' moved to ${dottedPath([segs[0], segs[1], 'preserve', moved])} (what to keep is shared by every engine)` };
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {}).filter((k) => k !== '$schema');
      return { segments: [...segs, key], path: dottedPath([...segs, key]), message: `unknown key '${key}'${allowed.length ? ` (expected one of: ${allowed.join(', ')})` : ''}` };
    }
    case 'required': {
      const key = String(p.missingProperty);
      return { segments: segs, path: dottedPath([...segs, key]), message: `missing required key '${key}'` };
    }
    case 'propertyNames': {
      const name = String(p.propertyName);
      return { segments: [...segs, name], path: dottedPath([...segs, name]), message: `invalid profile name '${name}': expected letters, digits, '.', '_' or '-' (1-64 characters, starting with a letter or digit)` };
    }
    case 'type': return { segments: segs, path: dottedPath(segs), message: `expected ${String(p.type).replace(',', ' or ')}, got ${got}` };
    case 'minimum': return { segments: segs, path: dottedPath(segs), message: `expected a number >= ${String(p.limit)}, got ${got}` };
    case 'maximum': return { segments: segs, path: dottedPath(segs), message: `expected a number <= ${String(p.limit)}, got ${got}` };
    case 'enum': return { segments: segs, path: dottedPath(segs), message: `expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${got}` };
    case 'const': return { segments: segs, path: dottedPath(segs), message: `expected ${JSON.stringify(p.allowedValue)}, got ${got}` };
    case 'minProperties': return { segments: segs, path: dottedPath(segs), message: 'expected at least one entry' };
    case 'minLength': return { segments: segs, path: dottedPath(segs), message: 'expected a non-empty string' };
    case 'format':
      return { segments: segs, path: dottedPath(segs), message: `expected text without control characters, got ${got}` };
    case 'robocurseSize': return { segments: segs, path: dottedPath(segs), message: `expected a size like "50GB", "512MiB" or a positive byte count, got ${got}` };
    case 'robocurseAge': return { segments: segs, path: dottedPath(segs), message: `expected a whole number of days (30) or a date like "2025-01-31", got ${got}` };
    case 'robocurseMaxDeletes': return { segments: segs, path: dottedPath(segs), message: `expected a count of entries (a whole number >= 0) or a percentage like "5%" (0-100), got ${got}` };
    case 'robocurseSecret': return { segments: segs, path: dottedPath(segs), message: `expected a secret reference {"env": "NAME"} or {"file": "path"} (never the secret inline), got ${got}` };
    case 'pattern': return { segments: segs, path: dottedPath(segs), message: `expected text matching ${String(p.pattern)}, got ${got}` };
    default: return { segments: segs, path: dottedPath(segs), message: e.message ?? `invalid (${e.keyword})` };
  }
}

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
export function validateSchema(validate: ValidateFunction, value: unknown): (ConfigProblem & { segments: (string | number)[] })[] {
  if (validate(value)) return [];
  const seen = new Set<string>();
  const out: (ConfigProblem & { segments: (string | number)[] })[] = [];
  for (const e of validate.errors ?? []) {
    // propertyNames reports the name twice (the pattern failure and the wrapper); keep one.
    if (e.keyword === 'pattern' && e.propertyName !== undefined) continue;
    const p = problemFromAjv(e, value);
    const key = `${p.path}\u0000${p.message}`;
    if (!seen.has(key)) { seen.add(key); out.push(p); }
  }
  return out;
}
