import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ajvProblems, MESSAGE_KEYWORD } from '../config/ajv-problems';
import type { ConfigProblem } from '../config/problems';

export { MESSAGE_KEYWORD };

/**
 * Compiles option schemas. One per load, so no compiled-schema cache outlives a config. ajv is
 * loaded and set up on the first schema: a config without plugins (most) never pays for it.
 */
export class OptionsValidator {
  private readonly instances = new Map<'07' | '2020', Ajv>();

  /** Throws with ajv's message when the schema itself is invalid. */
  compile(schema: Record<string, unknown>): ValidateFunction {
    const is2020 = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
    return this.ajv(is2020 ? '2020' : '07').compile(schema);
  }

  private ajv(draft: '07' | '2020'): Ajv {
    let ajv = this.instances.get(draft);
    if (ajv) return ajv;
    /* eslint-disable @typescript-eslint/no-require-imports */
    const Ctor = (draft === '2020' ? require('ajv/dist/2020').default : require('ajv').default) as typeof Ajv;
    const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
    /* eslint-enable @typescript-eslint/no-require-imports */
    // useDefaults: a plugin's factory gets its defaults filled in; strict off: third-party
    // schemas may carry keywords we do not know, which must not stop a run.
    ajv = new Ctor({ allErrors: true, verbose: true, useDefaults: true, strict: false, logger: false });
    addFormats(ajv);
    ajv.addKeyword({ keyword: MESSAGE_KEYWORD, schemaType: 'string' });
    this.instances.set(draft, ajv);
    return ajv;
  }
}

/**
 * Turns ajv errors into config problems under `basePath` (e.g. `global.plugins[0].options`),
 * through the one translator the config uses too (src/config/ajv-problems.ts).
 */
export function optionsProblems(errors: ErrorObject[] | null | undefined, basePath: string): ConfigProblem[] {
  return ajvProblems(errors, { basePath }).map(({ path, message }) => ({ path, message }));
}
