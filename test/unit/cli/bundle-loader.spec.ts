import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleId, CACHE_KINDS, cacheFileFor, cacheHeader, cacheKindFor, loadBundle } from '../../../src/cli/bundle-loader';
import { packageRoot } from '../../../src/paths';
import { removeTemp, tempDir } from '../../helpers/make-tree';

/**
 * bin/robocurse.js runs the CLI from one bundled file with V8's code cache beside it (issue #17).
 * What must hold: the bundle runs as a CommonJS module whatever the cache is (missing, from
 * another build, garbage), a cache is only offered to the build it was made for, and the build
 * writes a bundle of the current dist/ with a cache V8 accepts.
 */
describe('CLI bundle loader: one file, its code cache offered only to its own build', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-bundle-'); });
  afterEach(() => removeTemp(dir));

  /** A bundle like the real one: id line, then CommonJS using require, __dirname and module. */
  const writeBundle = (id: string, answer: number): string => {
    const file = path.join(dir, 'b.js');
    fs.writeFileSync(file, `// robocurse-cli-bundle ${id}\nconst p = require('node:path');\nmodule.exports = { answer: ${answer}, dir: __dirname, base: p.basename(__filename), self: this === module.exports };\n`);
    return file;
  };
  /** The cache a training process makes: the script compiled from source, then its V8 data. */
  const writeCache = (bundle: string, id: string, file = path.join(dir, 'b.cache')): string => {
    const { script } = loadBundle(bundle, path.join(dir, 'none'));
    fs.writeFileSync(file, Buffer.concat([cacheHeader(id), script.createCachedData()]));
    return file;
  };

  it('reads the build id from the first line only', () => {
    expect(bundleId('// robocurse-cli-bundle 0123456789abcdef0123\nx')).to.equal('0123456789abcdef0123');
    expect(bundleId('"use strict";\n// robocurse-cli-bundle 0123456789abcdef0123\n')).to.equal(undefined);
    expect(bundleId('// robocurse-cli-bundle ../../etc\n')).to.equal(undefined);
  });

  it('picks the cache of the command: help without one, validate, run for every other', () => {
    expect(cacheKindFor([])).to.equal('help');
    expect(cacheKindFor(['--help'])).to.equal('help');
    expect(cacheKindFor(['--version'])).to.equal('help');
    expect(cacheKindFor(['validate', '--config', 'x.json'])).to.equal('validate');
    expect(cacheKindFor(['run', '--all'])).to.equal('run');
    expect(cacheKindFor(['status', '--check'])).to.equal('run');
    // A guess only: a config path before the command picks `run`'s cache, which still loads.
    expect(cacheKindFor(['--config', 'validate', 'run'])).to.equal('validate');
    expect(cacheFileFor('/x/dist/src/cli/cli-bundle.js', 'run')).to.equal(path.join('/x/dist/src/cli', 'cli-bundle.run.cache'));
  });

  it('runs the bundle as a CommonJS module without a cache', () => {
    const bundle = writeBundle('aaaaaaaaaaaaaaaa', 42);
    const loaded = loadBundle<{ answer: number; dir: string; base: string; self: boolean }>(bundle, path.join(dir, 'missing.cache'));
    expect(loaded.exports).to.deep.equal({ answer: 42, dir, base: 'b.js', self: true });
    expect(loaded.cacheUsed).to.equal(false);
  });

  it('offers the cache of the same build to V8, which takes it', () => {
    const bundle = writeBundle('aaaaaaaaaaaaaaaa', 42);
    const cache = writeCache(bundle, 'aaaaaaaaaaaaaaaa');
    const loaded = loadBundle<{ answer: number }>(bundle, cache);
    expect(loaded.exports.answer).to.equal(42);
    expect(loaded.cacheUsed).to.equal(true);
  });

  it('never offers the cache of another build, even one of the same length (V8 would not notice)', () => {
    const old = writeBundle('aaaaaaaaaaaaaaaa', 41);
    const cache = writeCache(old, 'aaaaaaaaaaaaaaaa');
    const bundle = writeBundle('bbbbbbbbbbbbbbbb', 42);
    const loaded = loadBundle<{ answer: number }>(bundle, cache);
    expect(loaded.exports.answer).to.equal(42);
    expect(loaded.cacheUsed).to.equal(false);
  });

  it('compiles from the source when the cache is garbage or truncated', () => {
    const bundle = writeBundle('aaaaaaaaaaaaaaaa', 42);
    const cache = path.join(dir, 'b.cache');
    fs.writeFileSync(cache, Buffer.concat([cacheHeader('aaaaaaaaaaaaaaaa'), Buffer.from('not V8 data at all')]));
    const loaded = loadBundle<{ answer: number }>(bundle, cache);
    expect(loaded.exports.answer).to.equal(42);
    expect(loaded.cacheUsed).to.equal(false);
    fs.writeFileSync(cache, cacheHeader('aaaaaaaaaaaaaaaa').subarray(0, 10));
    expect(loadBundle<{ answer: number }>(bundle, cache).exports.answer).to.equal(42);
  });

  it('the build wrote a bundle of the current dist/, and caches that a plain `node` accepts', async () => {
    const root = packageRoot();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { bundleText, bundleFile } = require(path.join(root, 'scripts', 'bundle-cli.js')) as { bundleText(): Promise<string>; bundleFile: string };
    // A bundle older than dist/ (tsc run without the rest of `npm run build`) would put old
    // code under every test that spawns the CLI.
    expect(fs.readFileSync(bundleFile, 'utf8') === await bundleText(), `${bundleFile} is not what dist/ bundles to now: run npm run build`).to.equal(true);
    const loader = path.join(root, 'dist', 'src', 'cli', 'bundle-loader.js');
    for (const kind of CACHE_KINDS) {
      const cacheFile = cacheFileFor(bundleFile, kind);
      const probe = spawnSync(process.execPath, ['-e', `const l = require(${JSON.stringify(loader)}).loadBundle(${JSON.stringify(bundleFile)}, ${JSON.stringify(cacheFile)}); process.stdout.write(JSON.stringify({ cacheUsed: l.cacheUsed, main: typeof l.exports.main, launch: typeof l.exports.launch }))`], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
      expect(probe.status, probe.stderr).to.equal(0);
      expect(JSON.parse(probe.stdout), kind).to.deep.equal({ cacheUsed: true, main: 'function', launch: 'function' });
    }
  });
  it("the bundle's source map names the TypeScript a bundle position comes from (the id line counted)", () => {
    const root = packageRoot();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { bundleFile } = require(path.join(root, 'scripts', 'bundle-cli.js')) as { bundleFile: string };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SourceMap } = require('node:module') as { SourceMap: new (payload: object) => { findEntry(line: number, column: number): { originalSource?: string; originalLine?: number } } };
    const map = new SourceMap(JSON.parse(fs.readFileSync(`${bundleFile}.map`, 'utf8')) as object);
    const lines = fs.readFileSync(bundleFile, 'utf8').split('\n');
    // Strings that only one module has, as a profile or a trace would point at them (0-based
    // lines and columns): the map must name that module and the very line that has the string.
    for (const text of ['files.log of session', 'name the profiles to run']) {
      const line = lines.findIndex((l) => l.includes(text));
      expect(line, text).to.be.greaterThan(0);
      const entry = map.findEntry(line, lines[line].indexOf(text));
      expect(entry.originalSource, text).to.be.a('string');
      const source = fs.readFileSync(path.resolve(path.dirname(bundleFile), entry.originalSource!), 'utf8').split('\n');
      expect(source[entry.originalLine!], `${entry.originalSource}:${entry.originalLine! + 1}`).to.include(text);
    }
  });
});
