import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ConfigProblem } from '../config/problems';

/**
 * Annotation a plugin schema may put on any node: when that node fails, this one sentence
 * replaces the validator's messages for it (e.g. "must be {\"env\": NAME} or {\"file\": path}").
 */
export const MESSAGE_KEYWORD = 'x-message';

/** Compiles option schemas. One per load, so no compiled-schema cache outlives a config. */
export class OptionsValidator {
  private readonly draft07: Ajv;
  private readonly draft2020: Ajv2020;

  constructor() {
    // useDefaults: a plugin's factory gets its defaults filled in; strict off: third-party
    // schemas may carry keywords we do not know, which must not stop a run.
    const opts = { allErrors: true, verbose: true, useDefaults: true, strict: false, logger: false } as const;
    this.draft07 = new Ajv(opts);
    this.draft2020 = new Ajv2020(opts);
    for (const ajv of [this.draft07, this.draft2020]) {
      addFormats(ajv as Ajv);
      ajv.addKeyword({ keyword: MESSAGE_KEYWORD, schemaType: 'string' });
    }
  }

  /** Throws with ajv's message when the schema itself is invalid. */
  compile(schema: Record<string, unknown>): ValidateFunction {
    const is2020 = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
    return (is2020 ? this.draft2020 : this.draft07).compile(schema);
  }
}

function pathSegment(key: string): string {
  return /^\d+$/.test(key) ? `[${key}]` : `.${/^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key)}`;
}

function segmentsOf(instancePath: string): string[] {
  return instancePath ? instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')) : [];
}

/** `/syslog/port` → `.syslog.port`; `/to/0` → `.to[0]` (the same notation as core config paths). */
export function dottedPath(instancePath: string): string {
  return segmentsOf(instancePath).map(pathSegment).join('');
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const s = JSON.stringify(value);
  return `${typeof value} ${s.length > 60 ? `${s.slice(0, 57)}...` : s}`;
}

/** Where the problem is (instance path, possibly one key deeper) and what was expected. */
function messageOf(e: ErrorObject): { at: string; message: string } {
  const p = e.params as Record<string, unknown>;
  // writeOnly marks secrets: a secret given inline by mistake must not be echoed to the screen.
  const got = (e.parentSchema as { writeOnly?: unknown } | undefined)?.writeOnly === true ? 'a value that is not shown' : describe(e.data);
  const here = e.instancePath;
  const child = (key: string): string => `${here}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return { at: child(key), message: `unknown key '${key}'${allowed.length ? ` (expected one of: ${allowed.join(', ')})` : ''}` };
    }
    case 'required': return { at: child(String(p.missingProperty)), message: `missing required key '${String(p.missingProperty)}'` };
    case 'type': return { at: here, message: `expected ${String(p.type).split(',').join(' or ')}, got ${got}` };
    case 'enum': return { at: here, message: `expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${got}` };
    case 'const': return { at: here, message: `expected ${JSON.stringify(p.allowedValue)}, got ${got}` };
    case 'minimum': return { at: here, message: `expected a number >= ${String(p.limit)}, got ${got}` };
    case 'maximum': return { at: here, message: `expected a number <= ${String(p.limit)}, got ${got}` };
    case 'format': return { at: here, message: `expected a valid ${String(p.format)}, got ${got}` };
    case 'pattern': return { at: here, message: `expected text matching ${String(p.pattern)}, got ${got}` };
    case 'minItems': return { at: here, message: `expected at least ${String(p.limit)} item(s)` };
    case 'maxItems': return { at: here, message: `expected at most ${String(p.limit)} item(s)` };
    case 'minLength': return { at: here, message: p.limit === 1 ? 'expected a non-empty string' : `expected at least ${String(p.limit)} characters, got ${got}` };
    case 'maxLength': return { at: here, message: `expected at most ${String(p.limit)} characters, got ${got}` };
    default: return { at: here, message: e.message ?? `invalid (${e.keyword})` };
  }
}

/**
 * Turns ajv errors into config problems under `basePath` (e.g. `global.plugins[0].options`).
 * Nodes annotated with `x-message` report that one sentence instead of their sub-errors;
 * duplicates are removed so oneOf/anyOf do not repeat themselves.
 */
export function optionsProblems(errors: ErrorObject[] | null | undefined, basePath: string): ConfigProblem[] {
  const all = errors ?? [];
  // Schema paths of annotated nodes that failed, and the instance path they apply to.
  const annotated: { schemaPath: string; instancePath: string; message: string; data: unknown }[] = [];
  for (const e of all) {
    const msg = (e.parentSchema as Record<string, unknown> | undefined)?.[MESSAGE_KEYWORD];
    if (typeof msg === 'string') {
      const secret = (e.parentSchema as { writeOnly?: unknown }).writeOnly === true;
      annotated.push({ schemaPath: e.schemaPath.slice(0, e.schemaPath.lastIndexOf('/')), instancePath: e.instancePath, message: msg, data: secret ? {} : e.data }); // an object is never echoed
    }
  }
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const e of all) {
    const owner = annotated.find((a) => (e.schemaPath === a.schemaPath || e.schemaPath.startsWith(`${a.schemaPath}/`))
      && (e.instancePath === a.instancePath || e.instancePath.startsWith(`${a.instancePath}/`)));
    // oneOf/anyOf summaries add nothing the branch errors do not already say.
    if (!owner && (e.keyword === 'oneOf' || e.keyword === 'anyOf')
      && all.some((o) => o !== e && o.schemaPath.startsWith(`${e.schemaPath}/`))) continue;
    const { at, message } = owner ? { at: owner.instancePath, message: owner.data !== null && typeof owner.data === 'object' ? owner.message : `${owner.message}, got ${describe(owner.data)}` } : messageOf(e);
    const problem = { path: `${basePath}${dottedPath(at)}`, message };
    const key = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(key)) { seen.add(key); problems.push(problem); }
  }
  return problems;
}
