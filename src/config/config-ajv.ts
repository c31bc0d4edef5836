import Ajv, { _, type KeywordCxt } from 'ajv';
import { formats, keywordChecks } from './config-keywords';

/**
 * Where the generated validator finds the keyword checks: config-validator.js is written next
 * to the compiled config-keywords.js (dist/src/config/).
 */
const KEYWORDS_MODULE = './config-keywords';

/**
 * The ajv instance the config schema is compiled with: its keywords and formats call the
 * functions in config-keywords.ts. The keywords are code keywords that reference those functions
 * by module and name, so the same setup compiles in memory and generates standalone code
 * (`source`: scripts/write-config-validator.js) that `require`s them.
 */
export function createConfigAjv(source = false): Ajv {
  const ajv = new Ajv({
    allErrors: true, strict: true, allowUnionTypes: true, verbose: true,
    code: { source, formats: _`require(${KEYWORDS_MODULE}).formats` },
  });
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
  for (const [keyword, check] of Object.entries(keywordChecks)) {
    ajv.addKeyword({
      keyword, schemaType: 'boolean',
      code(cxt: KeywordCxt) {
        const fn = cxt.gen.scopeValue('func', { ref: check, code: _`require(${KEYWORDS_MODULE}).keywordChecks[${keyword}]` });
        cxt.fail(_`!${fn}(${cxt.data})`);
      },
    });
  }
  return ajv;
}
