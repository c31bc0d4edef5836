import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configValidatorSource } from '../../../src/config/config-validator-source';
import { compileConfigSchema, compileSchemaText, configSchemaText, schemaDigest, validateSchema } from '../../../src/config/schema-validate';
import { packageRoot } from '../../../src/paths';

type Json = Record<string, any>;

const generatedFile = path.join(packageRoot(), 'dist', 'src', 'config', 'config-validator.js');

/** A valid config; each case below breaks or stretches one thing. */
function base(): Json {
  return { version: 1, global: { logDir: 'l', stateDir: 's' }, profiles: { docs: { source: '/s', destination: '/d' } } };
}

/** [name, change, whether the schema accepts the result]. */
const CASES: Array<[string, (c: Json) => void, boolean]> = [
  ['valid as is', () => {}, true],
  ['unknown key', (c) => { c.extra = 1; }, false],
  ['size keyword ok', (c) => { c.profiles.docs.chunking = { maxChunkBytes: '50GB' }; }, true],
  ['size keyword bad', (c) => { c.profiles.docs.chunking = { maxChunkBytes: '50 bananas' }; }, false],
  ['size keyword zero', (c) => { c.profiles.docs.chunking = { maxChunkBytes: 0 }; }, false],
  ['age keyword ok', (c) => { c.profiles.docs.maxAge = '2025-01-31'; }, true],
  ['age keyword bad', (c) => { c.profiles.docs.minAge = 'yesterday'; }, false],
  ['maxDeletes ok', (c) => { c.profiles.docs.maxDeletes = '5%'; }, true],
  ['maxDeletes bad', (c) => { c.profiles.docs.maxDeletes = '500%'; }, false],
  ['control character in a path (format)', (c) => { c.profiles.docs.destination = '/tmp/x\ny'; }, false],
  ['control character in an exclude (format)', (c) => { c.profiles.docs.excludeDirs = ['ok', 'bad\u0007']; }, false],
  ['wrong types everywhere', (c) => { c.global.maxConcurrentJobs = '4'; c.profiles.docs.enabled = 'yes'; c.version = 2; }, false],
  ['invalid profile name', (c) => { c.profiles['bad name!'] = c.profiles.docs; }, false],
  ['moved rsync option', (c) => { c.profiles.docs.engineOptions = { rsync: { hardLinks: true } }; }, false],
  ['plugin without use', (c) => { c.global.plugins = [{ options: {} }]; }, false],
];

describe('config validator generated at build time (ajv standalone)', () => {
  it('dist/src/config/config-validator.js is what config/robocurse.schema.json generates (run `npm run build` when this fails)', () => {
    expect(fs.readFileSync(generatedFile, 'utf8')).to.equal(configValidatorSource(configSchemaText()));
  });

  it('is the validator config loading uses (no ajv compile at start-up)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const generated = require(generatedFile) as { validate: unknown; digest: string };
    expect(generated.digest).to.equal(schemaDigest(configSchemaText()));
    expect(compileConfigSchema()).to.equal(generated.validate);
  });

  it('judges every config exactly as the schema compiled in memory does', () => {
    const generated = compileConfigSchema();
    const compiled = compileSchemaText(configSchemaText());
    expect(generated).to.not.equal(compiled);
    const examples = ['robocurse.example.json', 'demo.json'].map((f) => JSON.parse(fs.readFileSync(path.join(packageRoot(), 'config', f), 'utf8')) as Json);
    for (const [name, mutate, ok] of CASES) {
      const cfg = base();
      mutate(cfg);
      const want = validateSchema(compiled, cfg);
      expect(want.length === 0, `${name}: ${JSON.stringify(want)}`).to.equal(ok);
      expect(validateSchema(generated, cfg), name).to.deep.equal(want);
    }
    for (const cfg of examples) expect(validateSchema(generated, cfg)).to.deep.equal(validateSchema(compiled, cfg));
  });

  it('a schema changed after the validator was generated is noticed (the digest differs)', () => {
    const text = configSchemaText();
    expect(schemaDigest(`${text} `)).to.not.equal(schemaDigest(text));
    expect(schemaDigest(text.replace('"minimum": 1', '"minimum": 2'))).to.not.equal(schemaDigest(text));
  });
});
