import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { composeConfigSchema, ENGINE_OPTION_SCHEMAS } from '../../../src/config/compose-schema';
import { compileConfigSchema, validateSchema } from '../../../src/config/schema-validate';
import { packageRoot } from '../../../src/paths';

const schemaFile = path.join(packageRoot(), 'config', 'robocurse.schema.json');
const DOCS: Record<string, string> = { native: 'docs/native-engine.md', rsync: 'docs/rsync.md', robocopy: 'docs/robocopy.md' };

/**
 * The option names of the table that follows `<!-- engine-options: NAME -->` in a doc: the first
 * cell of each row, without backticks.
 */
function documentedOptions(doc: string, engine: string): string[] {
  const text = fs.readFileSync(path.join(packageRoot(), doc), 'utf8');
  const marker = `<!-- engine-options: ${engine} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`${doc} has no ${marker} before its options table`);
  const rows = text.slice(at + marker.length).split('\n').map((l) => l.trim());
  const start = rows.findIndex((l) => l.startsWith('|'));
  const table = [];
  for (const l of rows.slice(start)) { if (!l.startsWith('|')) break; table.push(l); }
  return table.slice(2).map((l) => l.split('|')[1].trim().replace(/`/g, ''));
}

/** A value the option's schema accepts, to show the documented key passes validation. */
function sampleFor(s: Record<string, any>): unknown {
  if (s.enum) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'boolean') return true;
  if (type === 'integer' || type === 'number') return s.minimum ?? 1;
  if (type === 'array') return [s.items?.pattern === '^/' ? '/Z' : '-c'];
  if (type === 'object') return {};
  return s.minLength ? 'x' : 'x';
}

describe('engine option schemas: one source of truth', () => {
  it('config/robocurse.schema.json is the composition of the engines\' schemas (run `npm run build && node scripts/write-config-schema.js` when this fails)', () => {
    const committed = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
    expect(committed).to.deep.equal(composeConfigSchema(committed));
  });

  for (const [engine, doc] of Object.entries(DOCS)) {
    it(`${doc} documents exactly the options engineOptions.${engine} accepts, and each documented one validates`, () => {
      const props = (ENGINE_OPTION_SCHEMAS[engine] as { properties: Record<string, Record<string, unknown>> }).properties;
      const documented = documentedOptions(doc, engine);
      expect([...documented].sort(), `${doc} vs the schema`).to.deep.equal(Object.keys(props).sort());
      const validate = compileConfigSchema();
      for (const key of documented) {
        const cfg = { version: 1, profiles: { p: { source: '/s', destination: '/d', engineOptions: { [engine]: { [key]: sampleFor(props[key]) } } } } };
        expect(validateSchema(validate, cfg), `engineOptions.${engine}.${key}`).to.deep.equal([]);
      }
    });
  }

  it('an unknown engine option is refused naming the key; an rsync key that moved to preserve says where', () => {
    const validate = compileConfigSchema();
    const cfg = (o: unknown) => ({ version: 1, profiles: { p: { source: '/s', destination: '/d', engineOptions: o } } });
    expect(validateSchema(validate, cfg({ native: { filConcurrency: 2 } }))[0]).to.include({ path: 'profiles.p.engineOptions.native.filConcurrency' });
    const moved = validateSchema(validate, cfg({ rsync: { hardLinks: true } }))[0];
    expect(moved.path).to.equal('profiles.p.engineOptions.rsync.hardLinks');
    expect(moved.message).to.contain('moved to profiles.p.preserve.hardLinks');
    expect(validateSchema(validate, cfg({ rsync: { extraArgs: ['--delete'] } }))[0].message).to.contain("unknown key 'extraArgs'");
  });

  it('preserve takes the documented keys and refuses others, naming them', () => {
    const validate = compileConfigSchema();
    const cfg = (p: unknown) => ({ version: 1, profiles: { p: { source: '/s', destination: '/d', preserve: p } } });
    expect(validateSchema(validate, cfg({ owners: true, symlinks: false, hardLinks: true, specials: true, sparse: true, xattrs: false, acls: true, modes: true, atimes: true, directoryTimes: false }))).to.deep.equal([]);
    expect(validateSchema(validate, cfg({ xattr: true }))[0]).to.include({ path: 'profiles.p.preserve.xattr' });
    expect(validateSchema(validate, cfg({ owners: 'yes' }))[0]).to.include({ path: 'profiles.p.preserve.owners' });
  });
});
