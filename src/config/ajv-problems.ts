import type { ErrorObject } from 'ajv';
import { dottedPath } from './json-source';
import type { ConfigProblem } from './problems';

/**
 * Annotation a schema may put on any node: when that node fails, this one sentence replaces the
 * validator's messages for it (e.g. "must be {\"env\": NAME} or {\"file\": path}").
 */
export const MESSAGE_KEYWORD = 'x-message';

/** A problem with where it is, as segments below the validated value's own place. */
export interface LocatedProblem extends ConfigProblem {
  /** Path segments to the value at fault (the parent, for a missing key), for source positions. */
  segments: (string | number)[];
}

/** What the validator adds beyond standard JSON Schema, and how to name where the value sits. */
export interface AjvTranslation {
  /** Dotted path of the validated value itself (`global.plugins[0].options`); '' for a whole config. */
  basePath?: string;
  /** Messages of custom keywords, given "got <value>". */
  keywords?: Record<string, (got: string) => string>;
  /** What each custom format expects ("text without control characters"). */
  formats?: Record<string, string>;
  /** The message for a key whose name fails `propertyNames`. */
  propertyName?: (name: string) => string;
  /** A better message for an unknown key (e.g. one that moved elsewhere), or undefined for the usual one. */
  unknownKey?: (segments: (string | number)[], key: string) => string | undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const s = JSON.stringify(value);
  return `${typeof value} ${s.length > 60 ? `${s.slice(0, 57)}...` : s}`;
}

function segmentsOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath.slice(1).split('/').map((s) => {
    const k = s.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(k) ? Number(k) : k;
  });
}

/** writeOnly marks secrets: a secret given inline by mistake must never be echoed. */
const isSecret = (e: ErrorObject): boolean => (e.parentSchema as { writeOnly?: unknown } | undefined)?.writeOnly === true;

/** Where one error is (segments of the value at fault, and those of the path to name) and what was expected. */
function translate(e: ErrorObject, t: AjvTranslation): { segments: (string | number)[]; at: (string | number)[]; message: string } {
  const p = e.params as Record<string, unknown>;
  const segs = segmentsOf(e.instancePath);
  const got = isSecret(e) ? 'a value that is not shown' : describe(e.data);
  const here = (message: string): { segments: (string | number)[]; at: (string | number)[]; message: string } => ({ segments: segs, at: segs, message });
  const custom = t.keywords?.[e.keyword];
  if (custom) return here(custom(got));
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const better = t.unknownKey?.(segs, key);
      if (better) return { segments: [...segs, key], at: [...segs, key], message: better };
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}).filter((k) => k !== '$schema');
      return { segments: [...segs, key], at: [...segs, key], message: `unknown key '${key}'${allowed.length ? ` (expected one of: ${allowed.join(', ')})` : ''}` };
    }
    case 'required': {
      const key = String(p.missingProperty);
      return { segments: segs, at: [...segs, key], message: `missing required key '${key}'` };
    }
    case 'propertyNames': {
      const name = String(p.propertyName);
      return { segments: [...segs, name], at: [...segs, name], message: t.propertyName?.(name) ?? `invalid key '${name}'` };
    }
    case 'type': return here(`expected ${String(p.type).split(',').join(' or ')}, got ${got}`);
    case 'enum': return here(`expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${got}`);
    case 'const': return here(`expected ${JSON.stringify(p.allowedValue)}, got ${got}`);
    case 'minimum': return here(`expected a number >= ${String(p.limit)}, got ${got}`);
    case 'maximum': return here(`expected a number <= ${String(p.limit)}, got ${got}`);
    case 'format': return here(`expected ${t.formats?.[String(p.format)] ?? `a valid ${String(p.format)}`}, got ${got}`);
    case 'pattern': return here(`expected text matching ${String(p.pattern)}, got ${got}`);
    case 'minItems': return here(`expected at least ${String(p.limit)} item(s)`);
    case 'maxItems': return here(`expected at most ${String(p.limit)} item(s)`);
    case 'minProperties': return here(p.limit === 1 ? 'expected at least one entry' : `expected at least ${String(p.limit)} entries`);
    case 'minLength': return here(p.limit === 1 ? 'expected a non-empty string' : `expected at least ${String(p.limit)} characters, got ${got}`);
    case 'maxLength': return here(`expected at most ${String(p.limit)} characters, got ${got}`);
    default: return here(e.message ?? `invalid (${e.keyword})`);
  }
}

/**
 * The one translation of ajv errors into problems that name the key and say what was expected,
 * for the config and for plugin options alike. Nodes annotated with `x-message` report that one
 * sentence instead of their sub-errors; oneOf/anyOf summaries and duplicates are dropped.
 * `validator` must be compiled with `verbose: true` (the value at fault is quoted).
 */
export function ajvProblems(errors: ErrorObject[] | null | undefined, t: AjvTranslation = {}): LocatedProblem[] {
  const all = errors ?? [];
  const annotated: { schemaPath: string; instancePath: string; message: string; data: unknown }[] = [];
  for (const e of all) {
    const msg = (e.parentSchema as Record<string, unknown> | undefined)?.[MESSAGE_KEYWORD];
    // An object is never echoed, so a secret's value is replaced by one.
    if (typeof msg === 'string') annotated.push({ schemaPath: e.schemaPath.slice(0, e.schemaPath.lastIndexOf('/')), instancePath: e.instancePath, message: msg, data: isSecret(e) ? {} : e.data });
  }
  const seen = new Set<string>();
  const problems: LocatedProblem[] = [];
  for (const e of all) {
    // propertyNames reports a bad name twice (the pattern failure and the wrapper); keep one.
    if (e.keyword === 'pattern' && e.propertyName !== undefined) continue;
    const owner = annotated.find((a) => (e.schemaPath === a.schemaPath || e.schemaPath.startsWith(`${a.schemaPath}/`))
      && (e.instancePath === a.instancePath || e.instancePath.startsWith(`${a.instancePath}/`)));
    if (!owner && (e.keyword === 'oneOf' || e.keyword === 'anyOf')
      && all.some((o) => o !== e && o.schemaPath.startsWith(`${e.schemaPath}/`))) continue;
    const found = owner
      ? { segments: segmentsOf(owner.instancePath), at: segmentsOf(owner.instancePath), message: owner.data !== null && typeof owner.data === 'object' ? owner.message : `${owner.message}, got ${describe(owner.data)}` }
      : translate(e, t);
    const problem = { segments: found.segments, path: dottedPath(found.at, t.basePath), message: found.message };
    const key = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(key)) { seen.add(key); problems.push(problem); }
  }
  return problems;
}
