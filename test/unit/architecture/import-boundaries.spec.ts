import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';

/** Every module specifier a TypeScript file names: import/export ... from, import(), require(). */
export function specifiersOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\1/gm;
  for (const m of text.matchAll(re)) out.push(m[2]);
  return out;
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** [file, resolved target] for every relative import of the files under `dir` (repo-relative, '/'-separated). */
function relativeImports(dir: string): [string, string][] {
  const root = packageRoot();
  return tsFiles(path.join(root, dir)).flatMap((file) => specifiersOf(fs.readFileSync(file, 'utf8'))
    .filter((s) => s.startsWith('.'))
    .map((s): [string, string] => [path.relative(root, file).split(path.sep).join('/'), path.relative(root, path.resolve(path.dirname(file), s)).split(path.sep).join('/')]));
}

const under = (target: string, dir: string): boolean => target === dir || target.startsWith(`${dir}/`);

describe('import boundaries (the core, the CLI, the plugin API)', () => {
  it('finds the imports it checks (a scanner that sees nothing would pass anything)', () => {
    expect(specifiersOf("import a from './a';\nimport type { B } from \"../b\";\nexport * from './c';\nconst d = require('./d');\nawait import('./e');\nimport './f';"))
      .to.deep.equal(['./a', '../b', './c', './d', './e', './f']);
    expect(relativeImports('src').length).to.be.greaterThan(500);
    expect(relativeImports('plugins').length).to.be.greaterThan(20);
  });

  it('no file under src/ except src/cli/** imports src/cli (exit codes, terminals and process exits stay in the CLI)', () => {
    const bad = relativeImports('src').filter(([file, target]) => !under(file, 'src/cli') && under(target, 'src/cli'));
    expect(bad).to.deep.equal([]);
  });

  it('the bundled plugins import nothing of src/ but the public plugin entry (src/plugin.ts = robocurse/plugin)', () => {
    const bad = relativeImports('plugins').filter(([, target]) => under(target, 'src') && target !== 'src/plugin');
    expect(bad).to.deep.equal([]);
    // The entry they use is the one package.json exports as robocurse/plugin.
    const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
    expect(pkg.exports['./plugin']).to.deep.equal({ types: './dist/src/plugin.d.ts', default: './dist/src/plugin.js' });
  });

  it('the plugin contract (src/api) imports nothing outside itself', () => {
    const bad = relativeImports('src/api').filter(([, target]) => !under(target, 'src/api'));
    expect(bad).to.deep.equal([]);
  });

  /** [file, specifier] of every import of a bare module name (`piscina`, `node:child_process`) under `dir`. */
  function packageImports(dir: string, names: string[]): [string, string][] {
    const root = packageRoot();
    return tsFiles(path.join(root, dir)).flatMap((file) => specifiersOf(fs.readFileSync(file, 'utf8'))
      .filter((s) => names.includes(s))
      .map((s): [string, string] => [path.relative(root, file).split(path.sep).join('/'), s]));
  }

  it('only src/workers makes piscina pools (one injected pool per kind, closed by the composition root)', () => {
    // worker-pool.ts names it more than once (its type, and the require that loads it with the first pool).
    const users = new Set([...packageImports('src', ['piscina']), ...packageImports('plugins', ['piscina'])].map(([file]) => file));
    expect([...users]).to.deep.equal(['src/workers/worker-pool.ts']);
  });

  it('child processes are spawned only by src/process (the one runner: argv arrays, kill tree, parent death, ledger)', () => {
    const users = [...packageImports('src', ['node:child_process', 'child_process']), ...packageImports('plugins', ['node:child_process', 'child_process'])]
      .map(([file]) => file).filter((f) => !f.startsWith('src/process/')).sort();
    expect(users).to.deep.equal([]);
  });

  it('robocurse itself never loads the contract suites (src/testing needs mocha and chai, optional peers of robocurse/plugin/testing only)', () => {
    const bad = [...relativeImports('src'), ...relativeImports('plugins')].filter(([file, target]) => !under(file, 'src/testing') && under(target, 'src/testing'));
    expect(bad).to.deep.equal([]);
    const chaiUsers = [...packageImports('src', ['chai', 'mocha']), ...packageImports('plugins', ['chai', 'mocha'])].map(([file]) => file).filter((f) => !under(f, 'src/testing'));
    expect(chaiUsers).to.deep.equal([]);
  });
});
