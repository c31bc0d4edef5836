import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ajvProblems, MESSAGE_KEYWORD } from '../config/ajv-problems';
import type { ConfigProblem } from '../config/problems';

export { MESSAGE_KEYWORD };

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

/**
 * Turns ajv errors into config problems under `basePath` (e.g. `global.plugins[0].options`),
 * through the one translator the config uses too (src/config/ajv-problems.ts).
 */
export function optionsProblems(errors: ErrorObject[] | null | undefined, basePath: string): ConfigProblem[] {
  return ajvProblems(errors, { basePath }).map(({ path, message }) => ({ path, message }));
}
